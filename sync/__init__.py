"""The sync worker: the CouchDB client, document handlers and checkpoints."""
