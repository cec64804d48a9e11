"""Fixtures for the photo evidence tests: a visit at a plant whose yard is drawn in GCJ-02, its
inspectors and their registered tablet, JPEGs with known EXIF, and an upload helper."""

from __future__ import annotations

import io
import itertools
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from media import FilesystemBlobStore
from media.geo import wgs84_to_gcj02
from server.accounts.actor import Actor
from server.accounts.models import User
from server.assignments.models import Assignment
from server.assignments.service import create_assignment
from server.evidence.devices import register_device
from server.evidence.models import Device
from server.registry.models import Site
from tests.factories import COUNTY, foundry_case
from tests.media.photos import make_jpeg, textured
from tests.review_factories import (  # noqa: F401 (fixtures)
    WINDOW_END,
    WINDOW_START,
    at_city,
    city_actor,
    make_inspector,
    move,
)

ORIGIN = (114.02, 32.98)  # WGS-84: the yard's south-west corner
M_LAT = 1 / 110_900
M_LON = 1 / (110_900 * math.cos(math.radians(ORIGIN[1])))
TAKEN = "2026:09:02 10:00:00"  # +08:00, inside the visit window (1 to 5 September, UTC)
TABLET_TIME = "2026-09-02T10:00:30+08:00"
_seeds = itertools.count(100)


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """(lon, lat) WGS-84 of a point so many metres east and north of ORIGIN."""
    return ORIGIN[0] + east_m * M_LON, ORIGIN[1] + north_m * M_LAT


def gcj02_yard() -> list[Any]:
    """A 200 m x 100 m yard as a Chinese map draws it (GCJ-02), one polygon."""
    corners = [at(0, 0), at(200, 0), at(200, 100), at(0, 100), at(0, 0)]
    return [[[list(wgs84_to_gcj02(*corner)) for corner in corners]]]


def photo_bytes(
    *, east_m: float = 100, north_m: float = 50, seed: int | None = None, **fields: Any
) -> bytes:
    """A textured JPEG with EXIF as an iPad writes it, taken at a point of the yard (or not)."""
    lon, lat = at(east_m, north_m)
    exif: dict[str, Any] = {"taken": TAKEN, "offset": "+08:00", "lon": lon, "lat": lat}
    exif["accuracy"] = 5.0
    exif.update(fields)
    image = textured(seed if seed is not None else next(_seeds), 480, 360)
    return make_jpeg(image, **exif)


@dataclass
class Visit:
    assignment: Assignment
    site: Site
    inspectors: list[User]

    @property
    def lead(self) -> User:
        return self.inspectors[0]


@pytest.fixture
def store(settings) -> FilesystemBlobStore:
    """The media store the app writes to."""
    return FilesystemBlobStore(settings.media_root)


@pytest.fixture
def make_visit(
    session: Session,
    city_actor: Actor,  # noqa: F811
    admin_actor: Actor,
    make_site,
    make_enterprise,
    make_filing,
    at_city,  # noqa: F811
    make_inspector,  # noqa: F811
) -> Callable[..., Visit]:
    """A published-ready assignment of two inspectors at a plant; the lead's tablet registered."""

    def make(county: str = COUNTY, inspectors: list[User] | None = None) -> Visit:
        site = make_site(
            enterprise=make_enterprise(county=county), datum="GCJ02", boundary=gcj02_yard()
        )
        filing = at_city(make_filing(site=site, cases=[foundry_case("A")]))
        team = inspectors or [make_inspector(), make_inspector()]
        assignment = create_assignment(
            session,
            actor=city_actor,
            filing_id=filing.id,
            members=[u.id for u in team],
            window_start=WINDOW_START,
            window_end=WINDOW_END,
        )
        # Made before the visit, as in life (the test clock is months later).
        assignment.created_at = WINDOW_START - (WINDOW_END - WINDOW_START)
        for user in team:
            known = select(Device.id).where(Device.user_id == user.id)
            if session.scalar(known) is None:
                register_device(
                    session,
                    actor=admin_actor,
                    user_id=user.id,
                    device_id="tablet-A",
                    make="Apple",
                    model="iPad (9th generation)",
                )
        session.flush()
        return Visit(assignment, site, team)

    return make


@pytest.fixture
def upload(client: FlaskClient, login) -> Callable[..., Any]:
    """POST /api/photos as ``user``; every form field overridable, ``doc_id`` new by default."""

    def post(user: User, data: bytes, assignment_id: int, **fields: Any) -> Any:
        form: dict[str, Any] = {
            "doc_id": f"photo:{uuid.uuid4()}",
            "assignment_id": str(assignment_id),
            "inspection_doc_id": "inspection:visit-1",
            "item": "lines.L01.dcs_photo",
            "device_id": "tablet-A",
            "taken_at": TABLET_TIME,
        }
        filename = fields.pop("filename", "IMG_0042.JPG")
        headers = fields.pop("headers", None) or login(user)
        form.update(fields)
        form["file"] = FileStorage(io.BytesIO(data), filename, content_type="image/jpeg")
        # Encoded in memory: the test client would spool a large body to a temporary file it
        # never closes (a ResourceWarning, an error under filterwarnings).
        boundary, body = encode_multipart(form)
        return client.post(
            "/api/photos",
            data=body,
            headers=headers,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    return post
