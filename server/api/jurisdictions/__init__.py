"""jurisdictions resource."""
