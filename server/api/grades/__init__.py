"""grades resource: decided grades, their history, downgrades."""
