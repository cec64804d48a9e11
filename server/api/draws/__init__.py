"""draws resource."""
