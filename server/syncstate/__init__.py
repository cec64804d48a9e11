"""The sync worker's own state, in SQL: checkpoints, processed revisions, retries, quarantine,
the outbox of documents to write back, and which assignments each tablet has been sent."""
