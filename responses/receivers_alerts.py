"""Owner alerts: a source paused, a spike of negative mentions."""
