"""The design document installed in every inspector database: a second check inside CouchDB.

The gateway checks every document a device writes; ``validate_doc_update`` enforces the same
type, owner and schema-version rules again, so a write that bypassed the gateway (an operator's
script, a bug) still cannot plant a server-owned document or someone else's. Server-owned
documents need the ``_admin`` role, which only the server's credentials carry.

The document is versioned: the provisioner replaces an installed one whose version differs.
"""

from __future__ import annotations

import json
from typing import Any

from sync.contract import (
    DEVICE_TYPES,
    MAX_DOC_JSON_BYTES,
    MAX_TOMBSTONE_BYTES,
    SERVER_TYPES,
    SUPPORTED_SCHEMA_VERSIONS,
    owner_tag,
)

DESIGN_ID = "_design/grading"
# 2: tombstones checked like documents (a bare one only for its size), documents' size checked.
DESIGN_VERSION = 2

_VALIDATE = """function (newDoc, oldDoc, userCtx, secObj) {
  var OWNER = %(owner)s;
  var DEVICE = %(device)s;
  var SERVER = %(server)s;
  var VERSIONS = %(versions)s;
  var isAdmin = userCtx.roles.indexOf('_admin') !== -1;
  var id = newDoc._id;
  if (id.indexOf('_design/') === 0) {
    if (!isAdmin) { throw({forbidden: 'design documents are written by the server only'}); }
    return;
  }
  var kind = id.split(':')[0];
  var device = DEVICE.indexOf(kind) !== -1;
  var server = SERVER.indexOf(kind) !== -1;
  if (!device && !server) { throw({forbidden: 'unknown document id ' + id}); }
  if (server && !isAdmin) { throw({forbidden: kind + ' documents are written by the server only'}); }
  var body = {};
  var bare = true;
  for (var key in newDoc) {
    if (key === '_attachments') { continue; }
    body[key] = newDoc[key];
    if (['_id', '_rev', '_deleted', '_revisions'].indexOf(key) === -1) { bare = false; }
  }
  var size = JSON.stringify(body).length;
  if (newDoc._deleted === true && bare) {
    if (size > %(tombstone_limit)d) { throw({forbidden: 'a deleted document is too large'}); }
    return;
  }
  if (size > %(doc_limit)d) { throw({forbidden: 'document too large without attachments'}); }
  if (newDoc.type !== kind) { throw({forbidden: 'type must be ' + kind}); }
  if (VERSIONS.indexOf(newDoc.schema_version) === -1) {
    throw({forbidden: 'unsupported schema_version ' + newDoc.schema_version});
  }
  if (device && newDoc.owner !== OWNER) { throw({forbidden: 'owner must be ' + OWNER}); }
}"""


def design_document(user_id: int) -> dict[str, Any]:
    """The design document for the database of inspector ``user_id`` (owner baked in)."""
    source = _VALIDATE % {
        "owner": json.dumps(owner_tag(user_id)),
        "device": json.dumps(list(DEVICE_TYPES)),
        "server": json.dumps(list(SERVER_TYPES)),
        "versions": json.dumps(sorted(SUPPORTED_SCHEMA_VERSIONS)),
        "tombstone_limit": MAX_TOMBSTONE_BYTES,
        "doc_limit": MAX_DOC_JSON_BYTES,
    }
    return {
        "_id": DESIGN_ID,
        "grading_version": DESIGN_VERSION,
        "language": "javascript",
        "validate_doc_update": source,
    }
