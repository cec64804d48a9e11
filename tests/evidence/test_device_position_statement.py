"""A photo's device position is part of what the tablet said of accepted evidence."""

from __future__ import annotations

import hashlib

from server.evidence.models import Photo
from server.evidence.service import accepted_changes, stated_position

DATA = b"\xff\xd8 a photo"
AT = "2026-07-16T10:12:01+08:00"


def test_the_position_is_stored_in_one_form_and_malformed_ones_are_dropped() -> None:
    stated = stated_position({"lat": 33, "lon": 114.5, "accuracy_m": 0, "at": AT})
    assert stated == {"lat": 33.0, "lon": 114.5, "accuracy_m": 0.0, "at": "2026-07-16T02:12:01Z"}
    for bad in (None, {}, {"lat": 33, "lon": 114, "accuracy_m": -1, "at": AT}, "33,114"):
        assert stated_position(bad) is None


def test_another_position_for_accepted_evidence_is_a_change() -> None:
    first = stated_position({"lat": 33, "lon": 114, "accuracy_m": 8, "at": AT})
    moved = stated_position({"lat": 33.01, "lon": 114, "accuracy_m": 8, "at": AT})
    photo = Photo(sha256=hashlib.sha256(DATA).hexdigest(), device_position=first)
    assert accepted_changes(photo, data=DATA, said={"device_position": first}) == []
    assert accepted_changes(photo, data=DATA, said={"device_position": moved}) == [
        "device_position"
    ]
    assert accepted_changes(photo, data=DATA, said={"device_position": None}) == ["device_position"]
