"""Immutable published versions: content digests and the committed lock file.

The digest of a version is the sha256 of its canonical JSON: the parsed YAML without its
`status` key, keys sorted, no whitespace, UTF-8. Comments and layout are not content, so
fixing a comment does not break a published version; any change of a value does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from inspection_forms.problems import DefinitionProblem

LOCK_FILE = "published.json"
Lock = dict[str, dict[str, str]]  # form id -> version (as text) -> sha256 hex
_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical_json(data: Mapping[str, Any]) -> str:
    content = {key: value for key, value in data.items() if key != "status"}
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def content_digest(data: Mapping[str, Any]) -> str:
    """sha256 hex of a parsed definition's canonical content (status excluded)."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def parse_lock(text: str | None) -> tuple[Lock, list[DefinitionProblem]]:
    """The lock's content and its problems; a missing lock (None) is an empty one."""
    if text is None:
        return {}, []
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return {}, [DefinitionProblem(LOCK_FILE, "", f"not valid JSON: {exc}")]
    if not isinstance(raw, dict):
        return {}, [
            DefinitionProblem(LOCK_FILE, "", "must be an object {form_id: {version: sha256}}")
        ]
    lock: Lock = {}
    errors: list[DefinitionProblem] = []
    for form_id, versions in raw.items():
        if not isinstance(versions, dict):
            errors.append(
                DefinitionProblem(LOCK_FILE, form_id, "must be an object {version: sha256}")
            )
            continue
        for version, digest in versions.items():
            if not version.isdigit() or not isinstance(digest, str) or not _HEX.match(digest):
                errors.append(
                    DefinitionProblem(
                        LOCK_FILE,
                        f"{form_id}.{version}",
                        "expected a version number and a sha256 hex digest",
                    )
                )
                continue
            lock.setdefault(form_id, {})[version] = digest
    return lock, errors


def lock_text(lock: Mapping[str, Mapping[str, str]]) -> str:
    """The lock as committed: sorted, one version per line, versions in numeric order."""
    ordered = {
        form_id: {v: lock[form_id][v] for v in sorted(lock[form_id], key=int)}
        for form_id in sorted(lock)
    }
    return json.dumps(ordered, indent=2) + "\n"


def with_published(
    lock: Mapping[str, Mapping[str, str]], form_id: str, version: int, digest: str
) -> Lock:
    """A new lock recording `form_id` v`version`; refuses to overwrite a recorded version."""
    recorded = lock.get(form_id, {})
    if str(version) in recorded:
        raise ValueError(f"form '{form_id}' v{version} is already published")
    new: Lock = {key: dict(value) for key, value in lock.items()}
    new.setdefault(form_id, {})[str(version)] = digest
    return new


def check_lock(
    lock: Mapping[str, Mapping[str, str]],
    found: Mapping[tuple[str, int], tuple[str, str, str]],
    present: set[tuple[str, int]],
) -> list[DefinitionProblem]:
    """Compare the lock with the files. `found` maps (form, version) to (status, digest, file)
    for every file that parsed; `present` holds every version that has a file at all."""
    errors: list[DefinitionProblem] = []
    for (form_id, number), (status, digest, file) in found.items():
        recorded = lock.get(form_id, {}).get(str(number))
        ref = f"form '{form_id}' v{number}"
        if status == "published" and recorded is None:
            message = (
                f"{ref} says published but is not recorded in {LOCK_FILE}; "
                "publish it with the publish command"
            )
            errors.append(DefinitionProblem(file, "status", message))
        elif status == "published" and recorded != digest:
            message = (
                f"published {ref} was changed (content sha256 {digest[:12]}…, "
                f"recorded {str(recorded)[:12]}…); make a new version"
            )
            errors.append(DefinitionProblem(file, "", message))
        elif status != "published" and recorded is not None:
            message = f"{ref} is recorded as published in {LOCK_FILE} but the file says {status}"
            errors.append(DefinitionProblem(file, "status", message))
    for form_id, versions in lock.items():
        for version in versions:
            if (form_id, int(version)) not in present:
                message = (
                    f"published form '{form_id}' v{version} has no file {form_id}/{version}.yaml; "
                    "every published version must stay retrievable"
                )
                errors.append(DefinitionProblem(LOCK_FILE, f"{form_id}.{version}", message))
    return errors
