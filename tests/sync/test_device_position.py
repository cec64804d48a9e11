"""A photo's device-reported position end to end: refused at the gateway when malformed, used
by the worker's geofence when the photo has no EXIF GPS, compared with the GPS when it has one;
and the server's photo limits in every assignment document."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from media import FilesystemBlobStore
from media.geo import gcj02_to_wgs84
from server.db import make_sessionmaker
from server.evidence.models import Photo
from sync.contract import photo_limits
from sync.couch import CouchClient
from sync.worker import Worker
from tests.factories import PASSWORD
from tests.media.photos import make_jpeg, textured
from tests.sync.docs import new_id, photo
from tests.sync.test_photo_evidence import prepare
from tests.sync.world import build_world

pytestmark = pytest.mark.couch
FIELDS = {"taken": "2026:07:16 10:12:00", "offset": "+08:00", "accuracy": 5.0}


@pytest.fixture
def worker(live):
    couch = CouchClient(live.couch_url)
    worker = Worker(make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"))
    yield worker
    worker.close()
    couch.close()


def _position(lon: float, lat: float, accuracy: float = 10.0) -> dict[str, object]:
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy, "at": "2026-07-16T10:12:01+08:00"}


def test_a_malformed_device_position_is_refused_with_its_reason(live):
    user = live.inspector()
    cases = [
        ({"lat": 91, "lon": 114, "accuracy_m": 5, "at": "2026-07-16T10:12:01+08:00"}, "lat"),
        ({"lat": 33, "lon": "114", "accuracy_m": 5, "at": "2026-07-16T10:12:01+08:00"}, "lon"),
        ({"lat": 33, "lon": 114, "accuracy_m": -1, "at": "2026-07-16T10:12:01+08:00"}, "accuracy"),
        ({"lat": 33, "lon": 114, "accuracy_m": 5, "at": "2026-07-16T10:12:01"}, "UTC offset"),
        ({"lat": 33, "lon": 114, "accuracy_m": 5}, "lacks at"),
        (None, "leave it out"),
    ]
    docs = [photo(user.id, new_id("inspection"), b"\xff\xd8", device_position=p) for p, _ in cases]
    response = requests.post(
        f"{live.db_url(user)}/_bulk_docs",
        auth=(user.username, PASSWORD),
        timeout=60,
        json={"docs": docs},
    )
    assert response.status_code == 201, response.text
    for answer, (_, words) in zip(response.json(), cases, strict=True):
        assert answer["error"] == "forbidden"
        assert "device_position" in answer["reason"] and words in answer["reason"]


def test_the_device_position_places_a_photo_without_gps(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])  # a GCJ-02 square at (114.0, 33.0), 16 July
    prepare(live, world, lead)  # made before the visit; the tablet registered
    worker.run_once()
    inside_lon, inside_lat = gcj02_to_wgs84(114.002, 33.002)
    far_lon, far_lat = gcj02_to_wgs84(114.002, 33.02)  # about 2 km north of the yard
    blind = [make_jpeg(textured(20 + n, 480, 360), **FIELDS) for n in range(2)]  # no GPS
    gps = make_jpeg(textured(30, 480, 360), lon=inside_lon, lat=inside_lat, **FIELDS)
    visit = world.document(lead)
    docs = [
        photo(lead.id, visit["_id"], blind[0], assignment_id=world.assignment_id,
              device_position=_position(inside_lon, inside_lat)),
        photo(lead.id, visit["_id"], blind[1], assignment_id=world.assignment_id,
              device_position=_position(far_lon, far_lat, 25.0)),
        photo(lead.id, visit["_id"], gps, assignment_id=world.assignment_id,
              device_position=_position(far_lon, far_lat, 25.0)),
    ]  # fmt: skip
    steps = live.tablet(
        lead, [{"op": "put", "docs": [visit, *docs]}, {"op": "push"}, {"op": "pull"}]
    )
    assert steps is not None
    report = worker.run_once()
    assert report.processed == 4 and not report.interrupted
    with live.session() as session:
        rows = {p.doc_id: p for p in session.scalars(select(Photo))}
        inside, outside, both = (rows[d["_id"]] for d in docs)
        assert [f.code for f in inside.findings] == ["position.device_reported"]
        assert inside.device_position["accuracy_m"] == 10.0
        assert inside.device_position["at"] == "2026-07-16T02:12:01Z"
        assert [f.code for f in outside.findings] == [
            "position.device_reported",
            "geo.outside_boundary",
        ]
        fence = outside.findings[1]
        assert fence.data["position_source"] == "device"
        assert "tablet-reported position" in fence.message_en
        assert "平板报告的位置" in fence.message_zh
        # the camera's GPS decides; the device position 2 km away is a disagreement, in metres
        assert [f.code for f in both.findings] == ["position.sources_disagree"]
        apart = both.findings[0].data["distance_m"]
        assert 1800 < apart < 2200
        assert f"{apart:.0f} m apart" in both.findings[0].message_en
        assert (inside.status, outside.status, both.status) == ("accepted",) * 3


def test_every_assignment_document_states_the_photo_limits(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    worker.run_once()
    [_, got] = live.tablet(
        lead, [{"op": "pull"}, {"op": "get", "id": f"assignment:{world.assignment_id}"}]
    )
    limits = got["doc"]["photo_limits"]
    assert limits == photo_limits()
    assert limits["max_bytes"] == 15 * 1024 * 1024 and limits["max_pixels"] == 64_000_000
    assert limits["types"] == ["image/heic", "image/heif", "image/jpeg"]
