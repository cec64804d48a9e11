"""devices resource."""
