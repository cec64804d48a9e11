"""Seen before? The same bytes (sha256) or nearly the same picture (perceptual hash) elsewhere.

The server finds the candidates anywhere in the city (an index on sha256, and indexes on the
four 16-bit bands of the perceptual hash probed with ``media.phash.band_probes``) and passes
them in; this decides.
A use at the same plant in the same visit is not reuse (the same photo sent twice, or a burst).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from media.findings import Finding, finding
from media.phash import NEAR_DUPLICATE_DISTANCE, hamming

MAX_LISTED = 20  # matches listed in a finding; ``match_count`` has them all


@dataclass(frozen=True)
class PhotoUse:
    """Where a photo was used as evidence: the pointer a reviewer follows."""

    photo_id: str | int
    sha256: str
    phash: int | None
    plant_id: str | int
    visit_id: str | int


def check_reuse(
    *,
    sha256: str,
    phash: int | None,
    plant_id: str | int,
    visit_id: str | int,
    prior_uses: Iterable[PhotoUse],
    max_distance: int = NEAR_DUPLICATE_DISTANCE,
) -> list[Finding]:
    """``reuse.exact`` and ``reuse.near`` findings against other plants' or visits' photos."""
    exact: list[dict[str, object]] = []
    near: list[dict[str, object]] = []
    for use in prior_uses:
        if use.plant_id == plant_id and use.visit_id == visit_id:
            continue
        pointer: dict[str, object] = {
            "photo_id": use.photo_id,
            "plant_id": use.plant_id,
            "visit_id": use.visit_id,
        }
        if use.sha256 == sha256:
            exact.append(pointer)
        elif phash is not None and use.phash is not None:
            distance = hamming(phash, use.phash)
            if distance <= max_distance:
                near.append({**pointer, "distance": distance})
    findings: list[Finding] = []
    if exact:
        findings.append(
            finding(
                "reuse.exact", sha256=sha256, match_count=len(exact), matches=exact[:MAX_LISTED]
            )
        )
    if near:
        near.sort(key=lambda match: (match["distance"], str(match["photo_id"])))
        findings.append(
            finding(
                "reuse.near",
                max_distance=max_distance,
                match_count=len(near),
                matches=near[:MAX_LISTED],
            )
        )
    return findings
