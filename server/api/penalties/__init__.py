"""penalties resource."""
