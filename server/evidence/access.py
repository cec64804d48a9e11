"""The REST door and reading photos: uploads (idempotent on the document id), pictures served
with their custody recorded, originals only for reviewers, checks run again on request."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from media import PREVIEW, THUMBNAIL, BlobNotFoundError, BlobStore, PoolFull
from server.accounts.actor import Actor
from server.accounts.models import Role
from server.assignments.models import Assignment
from server.errors import Forbidden, NotFound, ValidationFailed
from server.evidence import repository
from server.evidence.errors import NoDerivative, PhotoIdTaken, PhotoIntakeBusy
from server.evidence.evaluation import evaluate_photo, visit_of
from server.evidence.models import CustodyEvent, Photo, PhotoStatus
from server.evidence.service import (
    PhotoOutcome,
    PreparedPhoto,
    prepare_photo,
    record_custody,
    record_photo,
)
from server.registry.models import Site

DOC_ID = re.compile(r"^photo:[A-Za-z0-9._-]{1,100}$")
UPLOAD_WAIT_SECONDS = 2.0  # then 503: a web worker is not held while photos queue
ORIGINAL_READERS = frozenset({Role.city_reviewer, Role.county_reviewer, Role.admin})
DERIVATIVES = frozenset({PREVIEW, THUMBNAIL})


@dataclass(frozen=True)
class Upload:
    """An upload admitted by ``admit_upload``: its assignment checked, or its earlier answer."""

    doc_id: str
    assignment_id: int
    answer: tuple[Photo, PhotoOutcome] | None = None  # the same document and bytes again


def admit_upload(
    session: Session, *, actor: Actor, doc_id: str, data: bytes, assignment_id: int
) -> Upload:
    """The checks before a photo is read (reads only). The same document id with the same bytes
    is answered as the first time (``answer``).

    Raises Forbidden (not an inspector), ValidationFailed (a bad document id), PhotoIdTaken
    (the id was used for other bytes or by someone else), NotFound (not the inspector's
    assignment).
    """
    actor.require(Role.inspector)
    if not DOC_ID.match(doc_id):
        raise ValidationFailed(
            "bad document id", errors={"doc_id": ["photo:<uuid> made by the client"]}
        )
    existing = repository.photo_by_doc_id(session, doc_id)
    if existing is not None:
        return Upload(doc_id, assignment_id, _answer_again(existing, actor, data))
    if session.get(Assignment, assignment_id) is None or not repository.is_member(
        session, assignment_id, actor.user_id
    ):
        raise NotFound(f"assignment {assignment_id} does not exist or is not assigned to you")
    return Upload(doc_id, assignment_id)


def prepare_upload(
    store: BlobStore, *, data: bytes, taken_at: dt.datetime | None, claimed_name: str | None
) -> PreparedPhoto:
    """Read and store the photo (no SQL: the caller holds no transaction while this runs).
    Raises PhotoIntakeBusy when no slot frees up within a few seconds."""
    try:
        return prepare_photo(
            data,
            store,
            tablet_taken_at=taken_at,
            claimed_name=claimed_name,
            wait=UPLOAD_WAIT_SECONDS,
        )
    except PoolFull as exc:
        raise PhotoIntakeBusy("the server is busy reading other photos; send it again") from exc


def record_upload(
    session: Session,
    upload: Upload,
    prepared: PreparedPhoto,
    *,
    actor: Actor,
    inspection_doc_id: str | None,
    item: str | None,
    device_id: str,
    taken_at: dt.datetime | None,
    content_type: str | None,
) -> tuple[Photo, PhotoOutcome]:
    """Record an admitted, prepared upload (SQL only). What was checked before the photo was
    read is checked again here, in the writing transaction: the same document id may have
    arrived meanwhile (then it is answered as above), the assignment may have changed."""
    existing = repository.photo_by_doc_id(session, upload.doc_id)
    if existing is not None:
        return _answer_again(existing, actor, prepared.data)
    assignment = session.get(Assignment, upload.assignment_id)
    if assignment is None or not repository.is_member(session, upload.assignment_id, actor.user_id):
        raise NotFound(
            f"assignment {upload.assignment_id} does not exist or is not assigned to you"
        )
    photo, outcome = record_photo(
        session,
        prepared,
        inspector_id=actor.user_id,
        door="upload",
        doc_id=upload.doc_id,
        assignment_id=upload.assignment_id,
        inspection_doc_id=inspection_doc_id,
        item=item,
        device_id=device_id,
        tablet_taken_at=taken_at,
        content_type=content_type,
        visit=visit_of(session, assignment),
    )
    session.flush()  # the answer carries the photo's id (a refused photo ran no query yet)
    return photo, outcome


def upload_photo(
    session: Session,
    *,
    actor: Actor,
    store: BlobStore,
    doc_id: str,
    data: bytes,
    assignment_id: int,
    inspection_doc_id: str | None,
    item: str | None,
    device_id: str,
    taken_at: dt.datetime | None,
    claimed_name: str | None,
    content_type: str | None,
) -> tuple[Photo, PhotoOutcome]:
    """``admit_upload``, ``prepare_upload``, ``record_upload`` in one (scripts and tests). The
    REST door calls them apart and ends its read transaction before the photo is read."""
    upload = admit_upload(
        session, actor=actor, doc_id=doc_id, data=data, assignment_id=assignment_id
    )
    if upload.answer is not None:
        return upload.answer
    prepared = prepare_upload(store, data=data, taken_at=taken_at, claimed_name=claimed_name)
    return record_upload(
        session,
        upload,
        prepared,
        actor=actor,
        inspection_doc_id=inspection_doc_id,
        item=item,
        device_id=device_id,
        taken_at=taken_at,
        content_type=content_type,
    )


def _answer_again(existing: Photo, actor: Actor, data: bytes) -> tuple[Photo, PhotoOutcome]:
    same = existing.sha256 == hashlib.sha256(data).hexdigest()
    if existing.inspector_id != actor.user_id or not same:
        raise PhotoIdTaken(f"{existing.doc_id} already names another photo; make a new document id")
    return existing, PhotoOutcome(existing.status, False, rejection=existing.rejection)


@dataclass(frozen=True)
class Picture:
    etag: str  # "<sha256>.<kind>": the content never changes under it
    data: bytes | None  # None: the client's copy is current (304)


def picture(
    session: Session,
    *,
    actor: Actor,
    store: BlobStore,
    photo_id: int,
    kind: str,
    cached: frozenset[str] = frozenset(),
) -> Picture:
    """A derivative (upright, no metadata) unless the client's ETag is current; each preview
    served is a custody event. Raises NotFound, NoDerivative (a refused photo)."""
    if kind not in DERIVATIVES:
        raise NotFound(f"no derivative {kind!r}")
    photo = repository.get_photo(session, actor, photo_id)
    if photo.status == PhotoStatus.rejected or photo.sha256 is None or photo.meta is None:
        raise NoDerivative(f"photo {photo_id} was refused ({photo.rejection_code}); no picture")
    etag = f"{photo.sha256}.{kind}"
    if etag in cached:
        return Picture(etag, None)
    try:
        data = store.read_derivative(photo.sha256, kind)
    except BlobNotFoundError as exc:
        raise NotFound(f"the {kind} of photo {photo_id} is missing from the media store") from exc
    if kind == PREVIEW:  # thumbnails decorate lists; the preview is looking at the evidence
        record_custody(
            session, photo, CustodyEvent.viewed_preview, actor_id=actor.user_id, door="api"
        )
    return Picture(etag, data)


def open_original(
    session: Session, *, actor: Actor, store: BlobStore, photo_id: int, download: bool
) -> tuple[Photo, BinaryIO]:
    """The original bytes, for reviewers in scope and admins; recorded in custody and audit.

    Raises Forbidden (inspectors), NotFound (out of scope, refused, or missing from the store).
    """
    if actor.role not in ORIGINAL_READERS:
        raise Forbidden("originals are for reviewers; inspectors see the preview")
    photo = repository.get_photo(session, actor, photo_id)
    if photo.sha256 is None or photo.meta is None:
        raise NoDerivative(f"photo {photo_id} was refused ({photo.rejection_code}); nothing kept")
    try:
        handle = store.open(photo.sha256)
    except BlobNotFoundError as exc:
        raise NotFound(f"the original of photo {photo_id} is missing from the store") from exc
    event = CustodyEvent.downloaded if download else CustodyEvent.viewed_original
    record_custody(session, photo, event, actor_id=actor.user_id, door="api")  # and audit
    return photo, handle


def reevaluate(session: Session, *, actor: Actor, assignment_id: int) -> list[Photo]:
    """Run the checks again on every read photo of an assignment (after its site's boundary,
    its window or the device registry changed). Raises Forbidden, NotFound."""
    actor.require(Role.city_reviewer, Role.county_reviewer, Role.admin)
    assignment = session.get(Assignment, assignment_id)
    site = session.get(Site, assignment.site_id) if assignment is not None else None
    if assignment is None or site is None or not actor.sees_county(site.enterprise.county):
        raise NotFound(f"assignment {assignment_id} not found in your scope")
    visit = visit_of(session, assignment)
    photos = repository.photos_of_assignment(session, assignment_id, status=PhotoStatus.accepted)
    for photo in photos:
        before = sorted(f.code for f in photo.findings)
        after = sorted(f.code for f in evaluate_photo(session, photo, visit=visit))
        record_custody(
            session,
            photo,
            CustodyEvent.reevaluated,
            actor_id=actor.user_id,
            door="api",
            detail={"before": before, "after": after},
        )
    return photos
