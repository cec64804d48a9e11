"""Creating and upgrading inspector databases; only the server's admin credentials can."""

from __future__ import annotations

from sync.contract import db_name
from sync.couch import CouchClient
from sync.design import DESIGN_ID, DESIGN_VERSION, design_document

# Members: only admins. Devices never hold CouchDB credentials; they go through the gateway.
SECURITY = {
    "admins": {"names": [], "roles": ["_admin"]},
    "members": {"names": [], "roles": ["_admin"]},
}


def runs_validation(client: CouchClient) -> bool:
    """Whether the server is Apache CouchDB, where ``validate_doc_update`` works as designed.

    PouchDB Server 4.2.0 (development and tests) silently drops every replicated update
    (``_bulk_docs`` with ``new_edits: false`` on an existing document) once any design document
    with ``validate_doc_update`` is installed: it answers success and writes nothing. There the
    gateway's checks stand alone, and the function's logic is tested on its own in Node.
    """
    return "couchdb" in client.server_info()


def ensure_inspector_db(client: CouchClient, user_id: int) -> str:
    """Create the inspector's database if needed, set ``_security``, install or upgrade the
    design document (on Apache CouchDB). Idempotent; returns the database name."""
    name = db_name(user_id)
    client.create_db(name)
    client.put_security(name, SECURITY)
    if not runs_validation(client):
        return name
    installed = client.get_doc(name, DESIGN_ID)
    if installed is None or installed.get("grading_version") != DESIGN_VERSION:
        document = design_document(user_id)
        if installed is not None:
            document["_rev"] = installed["_rev"]
        client.put_doc(name, document)
    return name
