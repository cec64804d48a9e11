"""Publish a draft: mark its file published and record its digest in the lock.

`with_published()` (versions.py) is the pure step; `publish()` does the two file writes around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from inspection_forms.checks import GuideScales
from inspection_forms.loader import IndustryScales, check_definitions, parse_yaml
from inspection_forms.problems import DefinitionError, UnknownForm
from inspection_forms.versions import (
    LOCK_FILE,
    Lock,
    content_digest,
    lock_text,
    parse_lock,
    with_published,
)

_STATUS_LINE = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)


class PublishError(ValueError):
    """The version cannot be published (already published, or older than a published one)."""


@dataclass(frozen=True, slots=True)
class Published:
    form_id: str
    version: int
    sha256: str
    lock: Lock


def mark_published(text: str) -> str:
    """The definition text with its top-level `status: draft` line set to published."""
    new, count = _STATUS_LINE.subn("status: published", text)
    if count != 1:
        raise PublishError("expected exactly one top-level line `status: draft`")
    return new


def publish(
    directory: str | Path,
    form_id: str,
    version: int,
    industry_scales: IndustryScales,
    guide_scales: GuideScales | None = None,
) -> Published:
    """Publish draft `form_id` v`version` of `directory`: every definition there must be valid,
    each against the scales of the guide versions it serves when `guide_scales` is given.

    Raises UnknownForm (no such file), DefinitionError (something does not load), PublishError.
    Writes `<form_id>/<version>.yaml` (status) and `published.json`; returns the new lock.
    """
    root = Path(directory)
    path = root / form_id / f"{version}.yaml"
    if not path.is_file():
        known = sorted(int(p.stem) for p in (root / form_id).glob("*.yaml") if p.stem.isdigit())
        raise UnknownForm(form_id, version, known)
    errors = check_definitions(root, industry_scales, guide_scales)
    if errors:
        raise DefinitionError(errors)
    lock_path = root / LOCK_FILE
    lock, _ = parse_lock(lock_path.read_text(encoding="utf-8") if lock_path.exists() else None)
    newer = [int(v) for v in lock.get(form_id, {}) if int(v) > version]
    if newer:
        raise PublishError(
            f"form '{form_id}' v{max(newer)} is already published; publish a higher version"
        )
    text = path.read_text(encoding="utf-8")
    if str(version) in lock.get(form_id, {}):
        raise PublishError(f"form '{form_id}' v{version} is already published")
    new_text = mark_published(text)
    digest = content_digest(parse_yaml(new_text))
    new_lock = with_published(lock, form_id, version, digest)
    path.write_text(new_text, encoding="utf-8")
    lock_path.write_text(lock_text(new_lock), encoding="utf-8")
    return Published(form_id, version, digest, new_lock)
