"""decisions resource."""
