"""inspections resource."""
