"""Server documents a tablet deleted or changed come back on its next pull.

A device never writes ``assignment:``, ``form:`` or ``feedback:`` documents: the gateway refuses
the write (``forbidden``). But the tablet's local copy is already deleted (or edited), and its
revision is newer than the server's, so a plain pull would never bring the server's copy back.
When the gateway refuses such a write, the server writes the document again (the same body, a
new revision) until its revision is deeper than the tablet's: CouchDB's winner rule then picks
the server's copy on the tablet — a live leaf always beats a deleted one, and a deeper one
beats a shallower one. Best effort: a CouchDB error here never fails the device's request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sync.contract import SERVER_TYPES
from sync.couch import CouchClient, CouchError

log = logging.getLogger("sync.restore")

MAX_WRITES = 3  # per document and request: a forged deep revision cannot make the server spin


def _depth(rev: Any) -> int:
    if not isinstance(rev, str):
        return 0
    head = rev.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) < 10 else 0


def restore_server_documents(couch: CouchClient, db: str, refused: Iterable[Any]) -> int:
    """Write again each server document among ``refused`` (documents the gateway refused);
    returns how many revisions were written."""
    written = 0
    for doc in refused:
        doc_id = doc.get("_id") if isinstance(doc, dict) else None
        if not isinstance(doc_id, str) or doc_id.split(":", 1)[0] not in SERVER_TYPES:
            continue
        target = _depth(doc.get("_rev"))
        try:
            for _ in range(MAX_WRITES):
                current = couch.get_doc(db, doc_id)
                if current is None:
                    break  # withdrawn on the server (a cancelled assignment): stays away
                if _depth(current.get("_rev")) > target and not doc.get("_deleted"):
                    break
                couch.put_doc(db, current)  # the same body under a new revision
                written += 1
                if doc.get("_deleted"):
                    break  # one live revision beats the tablet's deletion
        except CouchError as exc:
            log.warning("could not restore %s in %s: %s", doc_id, db, exc)
    return written
