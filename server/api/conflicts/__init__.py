"""conflicts resource."""
