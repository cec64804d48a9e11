"""Documents a tablet makes: valid by default, so a test changes only what it is about."""

from __future__ import annotations

import base64
import uuid
from typing import Any


def new_id(kind: str) -> str:
    return f"{kind}:{uuid.uuid4()}"


def inspection(owner_id: int, **fields: Any) -> dict[str, Any]:
    doc = {
        "_id": new_id("inspection"),
        "type": "inspection",
        "schema_version": 1,
        "owner": f"user:{owner_id}",
        "device_id": "tablet-A",
        "status": "draft",
        "answers": {},
    }
    doc.update(fields)
    return doc


def photo(owner_id: int, inspection_id: str, data: bytes, **fields: Any) -> dict[str, Any]:
    doc = {
        "_id": new_id("photo"),
        "type": "photo",
        "schema_version": 1,
        "owner": f"user:{owner_id}",
        "device_id": "tablet-A",
        "inspection_id": inspection_id,
        "item": "fugitive_photos",
        "taken_at": "2026-07-16T10:12:00+08:00",
        "_attachments": {
            "original.jpg": {
                "content_type": "image/jpeg",
                "data": base64.b64encode(data).decode(),
            }
        },
    }
    doc.update(fields)
    return doc
