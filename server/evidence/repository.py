"""Photo queries: reviewers in their county, inspectors their own; reuse candidates city-wide."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from media.checks import PhotoUse, RegisteredDevice
from media.phash import band_probes, from_signed, hamming
from server.accounts.actor import REVIEWER_ROLES, Actor
from server.assignments.models import Assignment, AssignmentMember
from server.db import paginate
from server.errors import NotFound
from server.evidence.models import Device, Photo, PhotoCustody, PhotoFinding
from server.filings.models import Filing
from server.registry.models import Enterprise, Site

# Reuse candidates read per photo: exact matches first, then the band matches. Real photos'
# hashes cluster (one plant's boiler room), so the band probe is capped; check_reuse decides.
MAX_CANDIDATES = 500
_BANDS = (Photo.phash_band0, Photo.phash_band1, Photo.phash_band2, Photo.phash_band3)


def _scoped(actor: Actor) -> Select[Photo]:
    query = select(Photo)
    if actor.role not in REVIEWER_ROLES:
        return query.where(Photo.inspector_id == actor.user_id)
    if actor.county is not None:  # assignment -> filing -> site -> enterprise's county
        query = (
            query.join(Assignment, Assignment.id == Photo.assignment_id)
            .join(Filing, Filing.id == Assignment.filing_id)
            .join(Site, Site.id == Filing.site_id)
            .join(Enterprise, Enterprise.id == Site.enterprise_id)
            .where(Enterprise.county == actor.county)
        )
    return query


def list_photos(
    session: Session,
    actor: Actor,
    *,
    assignment_id: int | None = None,
    inspection_doc_id: str | None = None,
    finding: str | None = None,
    status: str | None = None,
    offset: int,
    limit: int,
) -> tuple[list[Photo], int]:
    query = _scoped(actor).options(selectinload(Photo.findings))
    if assignment_id is not None:
        query = query.where(Photo.assignment_id == assignment_id)
    if inspection_doc_id is not None:
        query = query.where(Photo.inspection_doc_id == inspection_doc_id)
    if finding is not None:
        flagged = select(PhotoFinding.photo_id).where(PhotoFinding.code == finding)
        query = query.where(Photo.id.in_(flagged))
    if status is not None:
        query = query.where(Photo.status == status)
    return paginate(session, query, offset=offset, limit=limit, order_by=Photo.id)


def get_photo(session: Session, actor: Actor, photo_id: int) -> Photo:
    """The photo if the actor may see it. Raises NotFound (also outside the actor's scope)."""
    query = _scoped(actor).where(Photo.id == photo_id).options(selectinload(Photo.findings))
    photo = session.scalar(query)
    if photo is None:
        raise NotFound(f"photo {photo_id} not found in your scope")
    return photo


def photos_of_assignment(session: Session, assignment_id: int, *, status: str) -> list[Photo]:
    query = (
        select(Photo)
        .where(Photo.assignment_id == assignment_id, Photo.status == status)
        .options(selectinload(Photo.findings))
    )
    return list(session.scalars(query.order_by(Photo.id)))


def is_member(session: Session, assignment_id: int, user_id: int) -> bool:
    query = select(AssignmentMember.id).where(
        AssignmentMember.assignment_id == assignment_id, AssignmentMember.user_id == user_id
    )
    return session.scalar(query) is not None


def photo_by_doc_id(session: Session, doc_id: str) -> Photo | None:
    return session.scalar(select(Photo).where(Photo.doc_id == doc_id))


def custody_of(session: Session, photo_id: int) -> list[PhotoCustody]:
    query = select(PhotoCustody).where(PhotoCustody.photo_id == photo_id)
    return list(session.scalars(query.order_by(PhotoCustody.id)))


def registered_devices(session: Session, user_id: int) -> list[RegisteredDevice]:
    """The inspector's active devices, as the device check takes them."""
    query = select(Device).where(Device.user_id == user_id, Device.active.is_(True))
    return [
        RegisteredDevice(d.device_id, d.make, d.model, d.serial_number)
        for d in session.scalars(query.order_by(Device.id))
    ]


def reuse_candidates(
    session: Session, *, sha256: str, phash: int | None, exclude_doc_id: str
) -> list[PhotoUse]:
    """Photos anywhere in the city with the same bytes, or sharing a probed phash band.

    Only photos that were read (accepted or later withdrawn) and belong to a visit count.
    """
    matches: list[Any] = [Photo.sha256 == sha256]
    if phash is not None:
        matches += [
            band.in_(values) for band, values in zip(_BANDS, band_probes(phash), strict=True)
        ]
    query = (
        select(Photo.id, Photo.sha256, Photo.phash, Assignment.site_id, Photo.assignment_id)
        .join(Assignment, Assignment.id == Photo.assignment_id)
        .where(or_(*matches), Photo.phash.is_not(None), Photo.doc_id != exclude_doc_id)
        .order_by((Photo.sha256 == sha256).desc(), Photo.id)
        .limit(MAX_CANDIDATES)
    )
    uses = []
    for photo_id, sha, signed, site_id, assignment_id in session.execute(query):
        if sha is None or signed is None or assignment_id is None:
            continue  # not possible for a read photo of a visit; keeps the types honest
        uses.append(PhotoUse(photo_id, sha, from_signed(signed), site_id, assignment_id))
    return uses


def other_uses(session: Session, photo: Photo, *, max_distance: int) -> list[dict[str, Any]]:
    """Every other photo of the same bytes or nearly the same picture, earlier or later."""
    if photo.sha256 is None or photo.phash is None:
        return []
    phash = from_signed(photo.phash)
    uses = []
    for use in reuse_candidates(
        session, sha256=photo.sha256, phash=phash, exclude_doc_id=photo.doc_id
    ):
        exact = use.sha256 == photo.sha256
        distance = 0 if exact else hamming(phash, use.phash or 0)
        if not exact and distance > max_distance:
            continue
        uses.append(
            {
                "photo_id": use.photo_id,
                "plant_id": use.plant_id,
                "visit_id": use.visit_id,
                "match": "exact" if exact else "near",
                "distance": distance,
                "same_visit": use.visit_id == photo.assignment_id,
            }
        )
    return uses
