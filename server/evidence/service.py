"""Receiving a photo: one pipeline for both doors (the sync worker and the REST upload).

In two parts, so no SQL transaction is ever held across a photo decode:

- ``prepare_photo`` (no SQL; call it with no transaction open) runs ``media.ingest`` in a
  bounded pool: the original kept byte-exact under its sha256, the derivatives beside it, the
  metadata read. A photo the toolkit refuses comes back with the refusal, not an exception.
- ``record_photo`` (SQL only, inside the caller's transaction) fills the photo's row from what
  was prepared, runs the checks against its visit and records custody; a refused photo is kept
  as a ``rejected`` row with the reason. Nothing else of the inspection is touched.

The media store is content-addressed and immutable: a prepared photo whose record then fails
(a lock, a crash) left only bytes that the retry of the same document writes again under the
same name, so nothing is lost and nothing is stored twice. ``receive_photo`` is the two in one,
for scripts and tests that hold no transaction worth sparing. These functions flush only
through the reuse query and to give a new photo the id its audit events name, never commit:
the worker's batch or the request commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from media import BlobStore, BoundedPool, PhotoRejected, ProcessedPhoto, ingest
from media.checks import DevicePosition, RegisteredDevice
from media.findings import Finding
from media.phash import to_signed
from server.audit.service import record
from server.db import utcnow
from server.evidence.errors import PhotoIdTaken
from server.evidence.evaluation import Visit, evaluate_photo, load_visit
from server.evidence.models import CustodyEvent, Photo, PhotoCustody, PhotoStatus

# Photos being read at once in this process, and how many may wait: a flood of uploads waits
# here (or is told to come back) instead of holding memory. See docs/media.md.
POOL = BoundedPool()


@dataclass(frozen=True)
class PhotoOutcome:
    """What became of one photo: accepted (with findings) or rejected (with the reason)."""

    status: str  # accepted | rejected
    created: bool  # a new row (False: the same document again)
    findings: tuple[Finding, ...] = ()
    rejection: dict[str, Any] | None = None  # code, message_zh, message_en, data

    @property
    def accepted(self) -> bool:
        return self.status == PhotoStatus.accepted


def accepted_changes(photo: Photo, *, data: bytes | None, said: dict[str, Any]) -> list[str]:
    """What a new revision would change of a photo accepted as evidence (empty: nothing).

    ``said`` holds the row's fields as the revision states them (``assignment_id``,
    ``inspection_doc_id``, ``item``, ``device_id``, ``tablet_taken_at``); the answer names them
    as the document does. Accepted evidence never changes: the caller refuses any of these.
    """
    names = {
        "assignment_id": "assignment_id",
        "inspection_doc_id": "inspection_id",
        "item": "item",
        "device_id": "device_id",
        "tablet_taken_at": "taken_at",
        "device_position": "device_position",
    }
    changed = []
    if data is None or hashlib.sha256(data).hexdigest() != photo.sha256:
        changed.append("_attachments")
    for field, name in names.items():
        before, after = getattr(photo, field), said.get(field)
        if isinstance(before, dt.datetime) and isinstance(after, dt.datetime):
            before = before if before.tzinfo else before.replace(tzinfo=dt.UTC)
        if field in said and before != after:
            changed.append(name)
    return changed


def stated_position(value: Any) -> dict[str, Any] | None:
    """A photo document's ``device_position`` as stored (``DevicePosition.to_dict``), or None
    when absent or malformed (the gateway refuses a malformed one with its reason first)."""
    position = DevicePosition.from_document(value)
    return position.to_dict() if position is not None else None


def holds_evidence(photo: Photo | None) -> bool:
    """The row holds bytes once accepted (withdrawn later or not): they never change."""
    return photo is not None and photo.mime is not None and photo.sha256 is not None


def _guard(existing: Photo | None, *, inspector_id: int, data: bytes | None) -> None:
    """The record side of ownership and immutability, checked before anything is written:
    another inspector's photo, or other bytes for accepted evidence, is never recorded (the
    doors answer it first; reaching here is a bug, not a refusal)."""
    if existing is None:
        return
    if existing.inspector_id != inspector_id:
        raise PhotoIdTaken(f"{existing.doc_id} belongs to another inspector")
    if holds_evidence(existing) and (
        data is None or hashlib.sha256(data).hexdigest() != existing.sha256
    ):
        raise PhotoIdTaken(f"{existing.doc_id} was accepted with other bytes")


def photo_row(
    session: Session,
    *,
    existing: Photo | None,
    doc_id: str,
    door: str,
    inspector_id: int,
    assignment_id: int | None,
    inspection_doc_id: str | None,
    item: str | None,
    device_id: str | None,
    tablet_taken_at: dt.datetime | None,
    content_type: str | None,
    rev: str | None,
    device_position: dict[str, Any] | None = None,
) -> Photo:
    """The photo's row (new, or the existing one for a new revision) with what the sender said."""
    photo = existing
    if photo is None:
        photo = Photo(doc_id=doc_id, door=door, inspector_id=inspector_id, status="received")
        session.add(photo)
    photo.assignment_id = assignment_id
    photo.inspection_doc_id = inspection_doc_id
    photo.item = item
    photo.device_id = device_id
    photo.tablet_taken_at = tablet_taken_at
    photo.device_position = device_position
    photo.content_type = content_type
    photo.current_rev = rev or "upload"
    return photo


def record_custody(
    session: Session,
    photo: Photo,
    event: str,
    *,
    actor_id: int | None,
    door: str | None,
    device_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> PhotoCustody:
    """Append a custody event, and the same event to the audit chain (``photo.<event>``)."""
    entry = PhotoCustody(
        photo=photo,
        sha256=photo.sha256,
        event=event,
        actor_id=actor_id,
        door=door,
        device_id=device_id,
        at=utcnow(),
        detail=detail or {},
    )
    session.add(entry)
    if photo.id is None:
        session.flush()  # a new photo's id is the audit event's subject
    record(
        session,
        actor_id=actor_id,
        action=f"photo.{event}",
        subject_type="photo",
        subject_id=photo.id,
        data={
            "doc_id": photo.doc_id,
            "sha256": photo.sha256,
            "door": door,
            "device_id": device_id,
            **(detail or {}),
        },
    )
    return entry


def refuse_photo(
    session: Session,
    photo: Photo,
    *,
    code: str,
    message_zh: str,
    message_en: str,
    data: dict[str, Any] | None = None,
    received: bytes | None = None,
) -> None:
    """Keep the photo as rejected with its reason; the bytes' hash and size are recorded."""
    _clear_content(photo)
    photo.sha256 = hashlib.sha256(received).hexdigest() if received is not None else None
    photo.size = len(received) if received is not None else None
    photo.status, photo.rejection_code = PhotoStatus.rejected, code
    photo.rejection = {
        "code": code,
        "message_zh": message_zh,
        "message_en": message_en,
        "data": data or {},
    }
    photo.problem = message_en[:300]
    record_custody(
        session,
        photo,
        CustodyEvent.refused,
        actor_id=photo.inspector_id,
        door=photo.door,
        device_id=photo.device_id,
        detail={"rev": photo.current_rev, "size": photo.size, "code": code, "data": data or {}},
    )


def refuse_document(
    session: Session,
    *,
    existing: Photo | None,
    doc_id: str,
    door: str,
    inspector_id: int,
    assignment_id: int | None,
    problem: dict[str, str],
    received: bytes | None,
    **said: Any,
) -> Photo:
    """Keep a photo document the door refused before reading it (not the sender's visit, no
    photo attached) as a rejected row; ``problem`` has code, message_zh, message_en."""
    _guard(existing, inspector_id=inspector_id, data=received)
    photo = photo_row(
        session,
        existing=existing,
        doc_id=doc_id,
        door=door,
        inspector_id=inspector_id,
        assignment_id=assignment_id,
        **said,
    )
    refuse_photo(
        session,
        photo,
        code=problem["code"],
        message_zh=problem["message_zh"],
        message_en=problem["message_en"],
        received=received,
    )
    return photo


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo read and stored outside any transaction: its bytes, and what the toolkit made
    of them (``processed``) or why it refused them (``refusal``)."""

    data: bytes
    processed: ProcessedPhoto | None
    refusal: PhotoRejected | None = None


def device_zone(tablet_taken_at: dt.datetime | None) -> tzinfo | None:
    """The tablet's clock carries its zone: EXIF times without an offset are read in it."""
    return tablet_taken_at.tzinfo if tablet_taken_at is not None else None


def prepare_photo(
    data: bytes,
    store: BlobStore,
    *,
    tablet_taken_at: dt.datetime | None = None,
    claimed_name: str | None = None,
    wait: float | None = None,
) -> PreparedPhoto:
    """Decode, read and store one photo in the bounded pool; no SQL, so call it with no
    transaction open. ``wait`` bounds the wait for a pool slot (None: as long as it takes);
    raises PoolFull when it runs out."""
    call = partial(
        ingest, data, store, claimed_name=claimed_name, device_tz=device_zone(tablet_taken_at)
    )
    running = POOL.submit(call, timeout=wait)
    try:
        return PreparedPhoto(data, running.result())
    except PhotoRejected as refusal:
        return PreparedPhoto(data, None, refusal)


def record_photo(
    session: Session,
    prepared: PreparedPhoto,
    *,
    inspector_id: int,
    door: str,
    doc_id: str,
    assignment_id: int,
    inspection_doc_id: str | None,
    item: str | None,
    device_id: str | None,
    tablet_taken_at: dt.datetime | None,
    rev: str | None = None,
    content_type: str | None = None,
    existing: Photo | None = None,
    visit: Visit | None = None,
    devices: Sequence[RegisteredDevice] | None = None,
    device_position: dict[str, Any] | None = None,
) -> tuple[Photo, PhotoOutcome]:
    """Record one prepared photo of an assignment the door has checked is the sender's: SQL
    only. ``existing`` is the row of the same document (a new revision); ``visit`` and
    ``devices`` may come from a batch's cache. Raises NotFound for an unknown assignment."""
    _guard(existing, inspector_id=inspector_id, data=prepared.data)
    visit = visit or load_visit(session, assignment_id)
    photo = photo_row(
        session,
        existing=existing,
        doc_id=doc_id,
        door=door,
        inspector_id=inspector_id,
        assignment_id=visit.assignment_id,
        inspection_doc_id=inspection_doc_id,
        item=item,
        device_id=device_id,
        tablet_taken_at=tablet_taken_at,
        content_type=content_type,
        rev=rev,
        device_position=device_position,
    )
    processed = prepared.processed
    if processed is None:
        refusal = prepared.refusal
        assert refusal is not None  # prepared: either processed or refused
        refuse_photo(
            session,
            photo,
            code=refusal.code,
            message_zh=refusal.message_zh,
            message_en=refusal.message_en,
            data=refusal.data,
            received=prepared.data,
        )
        return photo, PhotoOutcome(PhotoStatus.rejected, existing is None, (), photo.rejection)
    _record_content(photo, processed)
    record_custody(
        session,
        photo,
        CustodyEvent.received,
        actor_id=inspector_id,
        door=door,
        device_id=device_id,
        detail={"rev": photo.current_rev, "size": processed.size_bytes, "mime": processed.mime},
    )
    findings = evaluate_photo(session, photo, visit=visit, devices=devices)
    return photo, PhotoOutcome(PhotoStatus.accepted, existing is None, tuple(findings))


def receive_photo(
    session: Session,
    *,
    data: bytes,
    store: BlobStore,
    claimed_name: str | None = None,
    wait: float | None = None,
    **fields: Any,
) -> tuple[Photo, PhotoOutcome]:
    """``prepare_photo`` then ``record_photo``: for scripts and tests. A door that holds a
    transaction calls the two apart, preparing before the transaction opens."""
    prepared = prepare_photo(
        data,
        store,
        tablet_taken_at=fields.get("tablet_taken_at"),
        claimed_name=claimed_name,
        wait=wait,
    )
    return record_photo(session, prepared, **fields)


def _record_content(photo: Photo, processed: ProcessedPhoto) -> None:
    meta = processed.metadata
    photo.status, photo.problem = PhotoStatus.accepted, None
    photo.rejection_code, photo.rejection = None, None
    photo.sha256, photo.size, photo.mime = processed.sha256, processed.size_bytes, processed.mime
    photo.meta = meta.to_dict()
    photo.exif_taken_at = meta.taken_at_utc
    photo.latitude, photo.longitude = meta.latitude, meta.longitude
    photo.altitude_m, photo.gps_accuracy_m = meta.altitude_m, meta.horizontal_accuracy_m
    photo.make, photo.model = meta.make, meta.model
    photo.width, photo.height, photo.orientation = meta.width, meta.height, meta.orientation
    photo.phash = to_signed(processed.phash)
    (photo.phash_band0, photo.phash_band1, photo.phash_band2, photo.phash_band3) = (
        processed.phash_bands
    )


def _clear_content(photo: Photo) -> None:
    """A refused revision says nothing: drop what an earlier revision's bytes said."""
    for name in (
        "mime", "meta", "exif_taken_at", "latitude", "longitude", "altitude_m", "gps_accuracy_m",
        "make", "model", "width", "height", "orientation", "phash", "phash_band0",
        "phash_band1", "phash_band2", "phash_band3", "evaluated_at",
    ):  # fmt: skip
        setattr(photo, name, None)
    if photo.id is not None:
        photo.findings = []
