"""Exports: the results list, the public disclosure list, photo positions, evidence packages.

Plain Python like every domain package: each service takes a session, an actor and plain
values and writes a file; the API and the CLI only hand it a stream. docs/exports.md describes
every layout and the evidence package's format.
"""
