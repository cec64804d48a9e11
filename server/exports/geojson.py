"""Where the photos were taken, as GeoJSON (RFC 7946) for a map or a GIS.

A ``FeatureCollection`` of ``Point`` features, one per accepted photo of a visit in the actor's
scope, at ``[longitude, latitude]`` in WGS-84 as the camera wrote it (RFC 7946 §4: no other
datum, longitude first). A photo without a position cannot be a feature; it is not dropped
silently either: the collection's foreign member ``photos_without_position`` (§6.1) lists each
with the same properties and says how many there are, so the map and the list add up.

Properties of each photo:

| property | what |
|---|---|
| ``photo_id``, ``doc_id`` | the photo's row id and its document id (also the feature's ``id``) |
| ``filing_id``, ``assignment_id`` | the filing and the visit it belongs to |
| ``site_id``, ``site`` | the site of the visit and its name |
| ``item`` | the form item it answers |
| ``taken_at`` | when the camera says it was taken, UTC (``…Z``); null when it does not say |
| ``gps_accuracy_m`` | the horizontal accuracy the camera wrote, metres; null when it did not |
| ``findings`` | the finding codes of the checks (docs/media.md) |
| ``outside_site`` | true: outside the boundary; false: inside; null: no boundary, or too close to tell |
"""

from __future__ import annotations

import json
from typing import IO, Any

from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.assignments.models import Assignment
from server.db import utcnow
from server.evidence.models import Photo
from server.exports import repository
from server.exports.files import Written, utc_iso
from server.exports.repository import PhotoFilter
from server.registry.models import Site

MEDIA_TYPE = "application/geo+json"
OUTSIDE = "geo.outside_boundary"
UNDECIDED = frozenset({"geo.no_boundary", "geo.boundary_uncertain"})
_DIGITS = 7  # about a centimetre: more than any phone's GPS knows


def photos_feature_collection(
    session: Session, *, actor: Actor, filters: PhotoFilter
) -> dict[str, Any]:
    """The accepted photos in the actor's scope as a FeatureCollection. Raises Forbidden."""
    actor.require(*REVIEWER_ROLES)
    features, unplaced = [], []
    for photo, assignment, site in repository.located_photos(session, actor, filters):
        properties = photo_properties(photo, assignment, site)
        if photo.longitude is None or photo.latitude is None:
            unplaced.append(properties)
            continue
        point = [round(photo.longitude, _DIGITS), round(photo.latitude, _DIGITS)]
        features.append(
            {
                "type": "Feature",
                "id": photo.doc_id,
                "geometry": {"type": "Point", "coordinates": point},
                "properties": properties,
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "photos_without_position": {"count": len(unplaced), "photos": unplaced},
        "generated_at": utc_iso(utcnow()),
    }


def export_photos_geojson(
    session: Session, *, actor: Actor, filters: PhotoFilter, out: IO[bytes]
) -> Written:
    """Write the photos' FeatureCollection as UTF-8 JSON. Raises Forbidden."""
    collection = photos_feature_collection(session, actor=actor, filters=filters)
    out.write(json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8"))
    return Written("photos.geojson", MEDIA_TYPE, len(collection["features"]))


def photo_properties(photo: Photo, assignment: Assignment, site: Site) -> dict[str, Any]:
    codes = sorted({finding.code for finding in photo.findings})
    return {
        "photo_id": photo.id,
        "doc_id": photo.doc_id,
        "filing_id": assignment.filing_id,
        "assignment_id": assignment.id,
        "site_id": site.id,
        "site": site.name,
        "item": photo.item,
        "taken_at": utc_iso(photo.exif_taken_at),
        "gps_accuracy_m": photo.gps_accuracy_m,
        "findings": codes,
        "outside_site": outside_site(photo, codes),
    }


def outside_site(photo: Photo, codes: list[str]) -> bool | None:
    """Whether the checks put the photo outside its site; None when they could not tell."""
    if OUTSIDE in codes:
        return True
    if photo.evaluated_at is None or UNDECIDED & set(codes):
        return None
    if photo.longitude is None or photo.latitude is None:
        return None
    return False
