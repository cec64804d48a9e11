"""assignments resource."""
