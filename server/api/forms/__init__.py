"""forms resource."""
