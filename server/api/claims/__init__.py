"""claims resource."""
