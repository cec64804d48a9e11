#!/usr/bin/env python3
"""Check an evidence package offline: ``python verify_package.py package.zip``.

Standard library only, Python 3.9 or newer; a copy travels inside every package, and the
project keeps the original in ``server/exports/verify_package.py`` (use that one, or compare
the copy's sha256 with the manifest, when the package itself may have been tampered with).

What is checked, and what is printed when it does not hold:

* ``manifest.json`` against ``manifest.sha256`` in the package, and against the hash the
  audit log recorded at export when you pass it (``--manifest-sha256 HEX``): the manifest
  altered;
* every file the manifest lists, re-hashed: a file altered (expected and actual sha256 and
  size) or missing; every file in the ZIP the manifest does not list: a file added;
* every event of ``audit_log.json``: its hash recomputed from its canonical bytes (the
  project's ``server/audit/chain.py``, written out again below), and where two events are
  consecutive in the chain, the second's ``prev_hash`` is the first's hash: a log event altered.

Exit status 0 when the package is intact, 1 when anything is wrong (each problem on its line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import zipfile
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
GENESIS_HASH = "0" * 64
_CHUNK = 1 << 20
UTC = dt.timezone.utc  # noqa: UP017 (dt.UTC is Python 3.11; this script runs on 3.9)


class Problem:
    """One thing that is not as the package was made: its kind, the file or event, details."""

    def __init__(self, kind: str, where: str, detail: str = "") -> None:
        self.kind, self.where, self.detail = kind, where, detail

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}" + (f": {self.detail}" if self.detail else "")


def sha256_of(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# -- the audit chain's canonical bytes (server/audit/chain.py) -------------------------------


def canonical_at(value: str) -> str:
    """UTC, six fraction digits, ``Z``: ``2026-09-02T02:00:00.000000Z``."""
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: dict[str, Any]) -> str:
    content = {
        "seq": event.get("seq"),
        "prev_hash": event.get("prev_hash"),
        "at": canonical_at(event["at"]),
        "actor_id": event.get("actor_id"),
        "action": event.get("action"),
        "subject_type": event.get("subject_type"),
        "subject_id": event.get("subject_id"),
        "data": dict(event.get("data") or {}),
    }
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _event_name(event: dict[str, Any]) -> str:
    return f"seq {event.get('seq')} (id {event.get('id')}, {event.get('action')})"


def check_log(events: list[dict[str, Any]]) -> list[Problem]:
    """Every event's hash from its content; the link between consecutive positions."""
    problems: list[Problem] = []
    by_seq: dict[int, dict[str, Any]] = {}
    for event in events:
        name = _event_name(event)
        try:
            recomputed = event_hash(event)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem("LOG EVENT ALTERED", name, f"cannot be read: {exc}"))
            continue
        if recomputed != event.get("hash"):
            problems.append(
                Problem(
                    "LOG EVENT ALTERED",
                    name,
                    f"recorded hash {event.get('hash')}, its content hashes to {recomputed}",
                )
            )
        seq = event.get("seq")
        if isinstance(seq, int):
            if seq in by_seq:
                problems.append(Problem("LOG EVENT ALTERED", name, "this position appears twice"))
            by_seq[seq] = event
    for seq, event in sorted(by_seq.items()):
        before = by_seq.get(seq - 1)
        expected = GENESIS_HASH if seq == 1 else (before or {}).get("hash")
        if (seq == 1 or before is not None) and event.get("prev_hash") != expected:
            problems.append(
                Problem(
                    "LOG EVENT ALTERED",
                    _event_name(event),
                    f"prev_hash {event.get('prev_hash')} is not the hash of seq {seq - 1}, "
                    f"{expected}",
                )
            )
    return problems


# -- the package -----------------------------------------------------------------------------


def _manifest(
    archive: zipfile.ZipFile, names: list[str], expected: str | None
) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    problems: list[Problem] = []
    if MANIFEST not in names:
        return None, "", [Problem("MISSING", MANIFEST, "nothing can be checked without it")]
    actual, _size = sha256_of(archive, MANIFEST)
    if MANIFEST_HASH not in names:
        problems.append(Problem("MISSING", MANIFEST_HASH))
    else:
        recorded = archive.read(MANIFEST_HASH).decode("utf-8", "replace").split()
        if not recorded or recorded[0].lower() != actual:
            problems.append(
                Problem(
                    "MANIFEST ALTERED",
                    MANIFEST,
                    f"expected sha256 {recorded[0] if recorded else '(empty)'} "
                    f"({MANIFEST_HASH}), actual {actual}",
                )
            )
    if expected is not None and expected.lower() != actual:
        problems.append(
            Problem(
                "MANIFEST ALTERED",
                MANIFEST,
                f"expected sha256 {expected.lower()} (the audit log), actual {actual}",
            )
        )
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except ValueError as exc:
        problems.append(Problem("MANIFEST ALTERED", MANIFEST, f"not readable JSON: {exc}"))
        return None, actual, problems
    return manifest, actual, problems


def _files(
    archive: zipfile.ZipFile, names: list[str], manifest: dict[str, Any]
) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    for path, entry in sorted(listed.items()):
        if path not in names:
            problems.append(Problem("MISSING", path, f"expected sha256 {entry['sha256']}"))
            continue
        actual, size = sha256_of(archive, path)
        if actual != entry["sha256"] or size != entry["size"]:
            problems.append(
                Problem(
                    "ALTERED",
                    path,
                    f"expected sha256 {entry['sha256']} ({entry['size']} bytes), "
                    f"actual {actual} ({size} bytes)",
                )
            )
    for path in sorted(set(names) - set(listed) - {MANIFEST, MANIFEST_HASH}):
        actual, size = sha256_of(archive, path)
        problems.append(
            Problem("ADDED", path, f"not in the manifest; sha256 {actual} ({size} bytes)")
        )
    return problems, len(listed)


def verify(path: str, expected_manifest: str | None = None) -> tuple[list[Problem], list[str]]:
    """Every problem of the package at ``path``, and the lines that describe what was checked."""
    notes: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [Problem("UNREADABLE", path, str(exc))], notes
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        manifest, actual, problems = _manifest(archive, names, expected_manifest)
        if manifest is None:
            return problems, notes
        notes.append(f"manifest.json sha256 {actual}")
        if expected_manifest is None:
            notes.append(
                "  compare it with the export.evidence_package event of the audit log "
                "(or pass --manifest-sha256): a package rebuilt with a new manifest.sha256 "
                "is only caught that way"
            )
        file_problems, listed = _files(archive, names, manifest)
        problems += file_problems
        notes.append(f"{listed} files listed in the manifest")
        log_name = manifest.get("audit", {}).get("file", "audit_log.json")
        if log_name in names:
            try:
                log = json.loads(archive.read(log_name).decode("utf-8"))
                events = log["events"] if isinstance(log, dict) else log
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(Problem("LOG EVENT ALTERED", log_name, f"not readable: {exc}"))
            else:
                problems += check_log(events)
                notes.append(f"{len(events)} audit log events re-hashed")
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an evidence package (ZIP) offline.")
    parser.add_argument("package", help="the evidence package, a .zip file")
    parser.add_argument(
        "--manifest-sha256",
        help="the manifest's sha256 as the audit log recorded it (export.evidence_package)",
    )
    args = parser.parse_args(argv)
    problems, notes = verify(args.package, args.manifest_sha256)
    print(f"checking {args.package}")
    for line in notes:
        print(line)
    for problem in problems:
        print(problem)
    if problems:
        print(f"NOT INTACT: {len(problems)} problem(s)")
        return 1
    print("INTACT: every file and log event is as exported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
