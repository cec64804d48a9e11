"""batches resource."""
