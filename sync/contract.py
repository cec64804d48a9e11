"""The sync contract: database names, document types, ids, owners and limits.

Pure rules, shared by the gateway (first check), the ``validate_doc_update`` design document
(second check, inside CouchDB) and the worker. docs/sync.md explains them to client developers.

Device-owned documents (``inspection``, ``photo``) are created on the tablet with ids it makes
and are never edited by the server. Server-owned documents (``assignment``, ``form``,
``feedback``) are written only by the worker. The two sides therefore cannot conflict.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from typing import Any

from media.pipeline import DEFAULT_LIMITS

SCHEMA_VERSION = 1
SUPPORTED_SCHEMA_VERSIONS = frozenset({1})

DEVICE_TYPES = ("inspection", "photo")
SERVER_TYPES = ("assignment", "form", "feedback")

# Limits stated up front (ANCHORS.md): a client that gets 413 halves its batch.
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
MAX_REQUEST_BYTES = 32 * 1024 * 1024
MAX_DOC_JSON_BYTES = 512 * 1024  # a document without its attachment data
# A bare tombstone (what PouchDB's remove() makes and replicates): its id, revision and
# revision history (up to 1,000 ids of 32 hex digits), nothing else.
MAX_TOMBSTONE_BYTES = 64 * 1024
_TOMBSTONE_KEYS = frozenset({"_id", "_rev", "_deleted", "_revisions"})
# Deeper JSON than this is refused before anything walks it (forms nest a handful of levels).
MAX_JSON_DEPTH = 32

# inspection:<id> / photo:<id>, where <id> is made on the device (a UUID, say).
_DEVICE_ID = re.compile(r"^(inspection|photo):[A-Za-z0-9][A-Za-z0-9._-]{7,100}$")
_DB_NAME = re.compile(r"^inspector-(\d+)$")
PHOTO_TYPES = frozenset({"image/jpeg", "image/heic", "image/heif", "image/png"})
# What the worker accepts as evidence (a PNG passes the gateway and is refused by the worker).
EVIDENCE_PHOTO_TYPES = ("image/heic", "image/heif", "image/jpeg")

# A photo's optional device position (docs/sync.md): WGS-84 degrees, metres, ISO 8601 time.
DEVICE_POSITION_FIELDS = ("lat", "lon", "accuracy_m", "at")
_POSITION_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}


def photo_limits() -> dict[str, Any]:
    """The limits the server applies to a photo, as every assignment document states them, so
    a tablet downscales only a photo the server would refuse (docs/sync.md)."""
    return {
        "max_bytes": min(MAX_ATTACHMENT_BYTES, DEFAULT_LIMITS.max_bytes),
        "max_pixels": DEFAULT_LIMITS.max_pixels,
        "types": list(EVIDENCE_PHOTO_TYPES),
    }


def db_name(user_id: int) -> str:
    """The CouchDB database of one inspector."""
    return f"inspector-{user_id}"


def db_owner(name: str) -> int | None:
    match = _DB_NAME.match(name)
    return int(match.group(1)) if match else None


def owner_tag(user_id: int) -> str:
    """What a device-owned document's ``owner`` field must say."""
    return f"user:{user_id}"


def device_doc_problem(doc: Any, user_id: int) -> str | None:
    """Why the inspector ``user_id`` may not write ``doc``, or None when they may.

    Reasons are written for the client developer: they say what to change.
    """
    if not isinstance(doc, dict):
        return "a document is a JSON object"
    doc_id = doc.get("_id")
    if not isinstance(doc_id, str):
        return "every document needs an _id made on the device: inspection:<uuid> or photo:<uuid>"
    match = _DEVICE_ID.match(doc_id)
    if match is None:
        if doc_id.startswith("_design/"):
            return "design documents are written by the server only"
        prefix = doc_id.split(":", 1)[0]
        if prefix in SERVER_TYPES:
            return f"{prefix} documents are written by the server only"
        return "a device writes only inspection:<uuid> and photo:<uuid> documents"
    deleted = doc.get("_deleted", False)
    if not isinstance(deleted, bool):
        return "_deleted must be true or false"
    if deleted and set(doc) <= _TOMBSTONE_KEYS:
        return _tombstone_problem(doc)  # a bare tombstone of the device's own document
    # A tombstone that carries a body is checked like any document (PouchDB's put() of a
    # document with _deleted: true keeps its fields).
    kind = match.group(1)
    if doc.get("type") != kind:
        return f"type must be {kind!r} for an id starting with {kind}:"
    if doc.get("owner") != owner_tag(user_id):
        return f"owner must be {owner_tag(user_id)!r}: you may write only your own documents"
    if doc.get("schema_version") not in SUPPORTED_SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_SCHEMA_VERSIONS))
        return f"schema_version must be one of {supported}; update the app"
    if kind == "photo" and "device_position" in doc:
        problem = device_position_problem(doc["device_position"])
        if problem is not None:
            return problem
    return _attachment_problem(doc, kind) or _size_problem(doc)


def device_position_problem(value: Any) -> str | None:
    """Why a photo's ``device_position`` is malformed, or None. Written for the app developer."""
    if not isinstance(value, dict):
        return (
            "device_position must be an object {lat, lon, accuracy_m, at}; "
            "leave it out when the browser gives no position"
        )
    missing = [name for name in DEVICE_POSITION_FIELDS if name not in value]
    if missing:
        return f"device_position lacks {', '.join(missing)}"
    extra = sorted(set(value) - set(DEVICE_POSITION_FIELDS))
    if extra:
        return f"device_position has fields it may not have: {', '.join(extra)}"
    for name in ("lat", "lon", "accuracy_m"):
        number = value[name]
        low, high = _POSITION_RANGES.get(name, (0.0, math.inf))
        valid = isinstance(number, int | float) and not isinstance(number, bool)
        if not valid or not math.isfinite(number) or not low <= number <= high:
            if name == "accuracy_m":
                return "device_position.accuracy_m must be a number of metres, 0 or more"
            return (
                f"device_position.{name} must be a number from {low:g} to {high:g} (WGS-84 degrees)"
            )
    if parse_position_time(value["at"]) is None:
        return "device_position.at must be an ISO 8601 date and time with its UTC offset"
    return None


def parse_position_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time with a UTC offset, or None."""
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _attachment_problem(doc: dict[str, Any], kind: str) -> str | None:
    attachments = doc.get("_attachments") or {}
    if not isinstance(attachments, dict):
        return "_attachments must be an object"
    if kind == "inspection":
        if attachments:
            return "an inspection carries no attachments; send each photo as a photo document"
        return None
    if len(attachments) != 1:
        return f"a photo document carries exactly one attachment, not {len(attachments)}"
    [(name, attachment)] = attachments.items()
    if not isinstance(attachment, dict):
        return f"attachment {name!r} must be an object"
    if attachment.get("follows"):
        return "send attachments inline (base64) in _bulk_docs; multipart uploads are refused"
    if attachment.get("content_type") not in PHOTO_TYPES:
        allowed = ", ".join(sorted(PHOTO_TYPES))
        return f"attachment {name!r}: content_type must be one of {allowed}"
    return oversized_attachment(doc)


def oversized_attachment(doc: Any) -> str | None:
    """Why an attachment of ``doc`` is too large, or None."""
    attachments = doc.get("_attachments") if isinstance(doc, dict) else None
    for name, attachment in (attachments or {}).items():
        size = attachment_size(attachment) if isinstance(attachment, dict) else None
        if size is not None and size > MAX_ATTACHMENT_BYTES:
            return (
                f"attachment {name!r} is {size} bytes; the limit is {MAX_ATTACHMENT_BYTES} "
                f"bytes ({MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB): send a smaller photo"
            )
    return None


def attachment_size(attachment: dict[str, Any]) -> int | None:
    """Decoded size of an inline attachment; None for a stub (already on the server)."""
    data = attachment.get("data")
    if not isinstance(data, str):
        length = attachment.get("length")
        return length if isinstance(length, int) else None
    padding = data[-2:].count("=")
    return len(data) * 3 // 4 - padding


def _tombstone_problem(doc: dict[str, Any]) -> str | None:
    size = len(json.dumps(doc, separators=(",", ":")).encode())
    if size > MAX_TOMBSTONE_BYTES:
        return f"a deleted document is {size} bytes; the limit is {MAX_TOMBSTONE_BYTES}"
    return None


def nesting_problem(value: Any, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``value`` (parsed JSON) nests too deeply, or None. Walks without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return f"JSON nests deeper than {limit} levels; send a flatter document"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None


def _size_problem(doc: dict[str, Any]) -> str | None:
    without_data = {k: v for k, v in doc.items() if k != "_attachments"}
    size = len(json.dumps(without_data, separators=(",", ":")).encode())
    if size > MAX_DOC_JSON_BYTES:
        return f"document is {size} bytes without attachments; the limit is {MAX_DOC_JSON_BYTES}"
    return None


def decode_inline(attachment: dict[str, Any]) -> bytes:
    """The bytes of an inline base64 attachment. Raises ValueError when it is not base64."""
    try:
        return base64.b64decode(attachment["data"], validate=True)
    except (KeyError, binascii.Error) as exc:
        raise ValueError("attachment data is not valid base64") from exc
