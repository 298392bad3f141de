"""Admin for digests models."""
