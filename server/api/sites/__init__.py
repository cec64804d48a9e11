"""sites resource."""
