"""Admin for replies models."""
