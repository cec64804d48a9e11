"""The audit record: every write appends an event to one hash chain (see docs/audit.md).

``chain`` is standard library only; ``models`` holds the tables and the flush hook that chains
new events; ``service`` records events and verifies the stored chain.
"""
