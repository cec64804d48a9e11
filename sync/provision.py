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


def ensure_inspector_db(client: CouchClient, user_id: int) -> str:
    """Create the inspector's database if needed, set ``_security``, install or upgrade the
    design document. Idempotent; returns the database name."""
    name = db_name(user_id)
    client.create_db(name)
    client.put_security(name, SECURITY)
    installed = client.get_doc(name, DESIGN_ID)
    if installed is None or installed.get("grading_version") != DESIGN_VERSION:
        document = design_document(user_id)
        if installed is not None:
            document["_rev"] = installed["_rev"]
        client.put_doc(name, document)
    return name
