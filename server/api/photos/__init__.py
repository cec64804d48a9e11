"""photos resource."""
