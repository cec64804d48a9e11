"""Fixtures for the media tests: plain metadata values, so each check is tested on its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from media import PhotoMetadata

TAKEN = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 China time


@pytest.fixture
def make_metadata() -> Callable[..., PhotoMetadata]:
    """A photo's metadata as a tablet writes it (inside the test site, at TAKEN); override fields."""
    base = PhotoMetadata(
        width=4032,
        height=3024,
        has_exif=True,
        make="Apple",
        model="iPad (9th generation)",
        latitude=32.98 + 50 / 110_900,
        longitude=114.02 + 100 / 93_000,
        horizontal_accuracy_m=5.0,
        gps_time_utc=TAKEN,
        taken_at_local="2026-05-01T10:00:00",
        taken_at_offset="+08:00",
        offset_source="exif",
        taken_at_utc=TAKEN,
    )

    def build(**changes: Any) -> PhotoMetadata:
        return replace(base, **changes)

    return build
