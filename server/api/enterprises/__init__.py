"""enterprises resource."""
