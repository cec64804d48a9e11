"""catalogue resource."""
