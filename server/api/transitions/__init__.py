"""transitions resource."""
