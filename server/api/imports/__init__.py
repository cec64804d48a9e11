"""imports resource."""
