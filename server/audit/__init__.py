"""The audit record: every write appends an event (hash-chaining arrives with the review work)."""
