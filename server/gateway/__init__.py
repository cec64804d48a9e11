"""The sync gateway: the only door from a tablet to CouchDB (ARCHITECTURE.md, the sync contract)."""
