"""deadlines resource."""
