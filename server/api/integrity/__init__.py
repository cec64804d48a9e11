"""integrity resource."""
