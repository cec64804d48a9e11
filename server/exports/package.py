"""The evidence package of a filing: a ZIP a court, an auditor or the province can check offline.

Layout (docs/exports.md)::

    README.txt            what this is and how to check it (Chinese and English)
    manifest.json         every other file with its sha256 and size; the filing; the audit slice
    manifest.sha256       the manifest's own sha256, as ``sha256sum`` writes it
    verify_package.py     the offline checker (standard library, Python 3.9+)
    filing.json           the filing as filed: enterprise, site and boundary, cases, claims
    photos.json           every photo of its visits: metadata, findings, where its original is
    photos/<id>.<ext>     the originals, byte for byte as received
    custody.json          the chain of custody of every photo, this export's downloads included
    reconciliation.json   the reconciliation result (server.reconciliation.service)
    decisions.json        the review decisions, proposed, confirmed or not
    audit_log.json        the audit events of the filing, its claims, visits, inspections,
                          photos and decisions, with their chain positions and hashes

The originals are copied from the media store in chunks while they are hashed, so the package
is built in the caller's (temporary) file without holding any photo in memory. The export is
recorded as an ``export.evidence_package`` audit event carrying the manifest's sha256 (the
package cannot contain that event: it is written after the manifest is sealed), and every
original included gets a ``downloaded`` custody event.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy.orm import Session

from media import BlobNotFoundError, BlobStore
from server.accounts.actor import Actor
from server.audit.chain import canonical_at, verify_slice
from server.audit.models import AuditEvent
from server.audit.service import record
from server.db import utcnow
from server.errors import Forbidden
from server.evidence.access import ORIGINAL_READERS
from server.evidence.models import CustodyEvent, Photo
from server.evidence.service import record_custody
from server.exports import repository
from server.exports.files import utc_iso
from server.exports.readme import readme_text
from server.exports.records import filing_record, row
from server.filings.models import Filing
from server.filings.repository import get_filing
from server.reconciliation.service import current_result

FORMAT = "grading-evidence-package/1"
VERIFIER = Path(__file__).with_name("verify_package.py")
EXTENSIONS = {"image/jpeg": "jpg", "image/heic": "heic"}
_CHUNK = 1 << 20
# Leave out only the phash bands: index columns derived from ``phash``, which is kept.
_PHOTO_LEAVE_OUT = frozenset({f"phash_band{i}" for i in range(4)})


@dataclass(frozen=True)
class PackageReport:
    filing_id: int
    filename: str
    manifest_sha256: str
    files: int
    originals: int
    missing_originals: list[str]  # photo doc ids whose original the store does not have
    damaged_originals: list[str]  # photo doc ids whose stored bytes no longer hash to their name
    audit_events: int
    export_event: AuditEvent


@dataclass
class _Writer:
    """Writes members into the ZIP and remembers each one's sha256 and size for the manifest."""

    archive: zipfile.ZipFile
    entries: list[dict[str, Any]] = field(default_factory=list)

    def stream(self, path: str, source: BinaryIO, **extra: Any) -> str:
        digest, size = hashlib.sha256(), 0
        info = member(path, zipfile.ZIP_STORED)  # JPEG and HEIC are compressed already
        with self.archive.open(info, "w") as target:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                digest.update(chunk)
                target.write(chunk)
                size += len(chunk)
        return self._entry(path, digest.hexdigest(), size, extra)

    def data(self, path: str, data: bytes, **extra: Any) -> str:
        self.archive.writestr(member(path, zipfile.ZIP_DEFLATED), data)
        return self._entry(path, hashlib.sha256(data).hexdigest(), len(data), extra)

    def json(self, path: str, value: Any, **extra: Any) -> str:
        return self.data(path, dumps(value), **extra)

    def _entry(self, path: str, sha256: str, size: int, extra: dict[str, Any]) -> str:
        self.entries.append({"path": path, "sha256": sha256, "size": size, **extra})
        return sha256


def dumps(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def member(path: str, compression: int) -> zipfile.ZipInfo:
    """A ZIP member stamped now (UTC), readable by everyone once unpacked (rw-r--r--)."""
    now = utcnow()
    info = zipfile.ZipInfo(
        path, date_time=(now.year, now.month, now.day, now.hour, now.minute, now.second)
    )
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    return info


def build_evidence_package(
    session: Session, *, actor: Actor, store: BlobStore, filing_id: int, out: IO[bytes], door: str
) -> PackageReport:
    """Write the filing's evidence package into ``out`` (a writable, seekable binary file).

    ``door`` is ``api`` or ``cli``, for the custody record. Raises Forbidden (roles that may
    not see originals: inspectors), NotFound (no such filing in the actor's county).
    """
    if actor.role not in ORIGINAL_READERS:
        raise Forbidden("evidence packages carry originals; they are for reviewers and admins")
    filing = get_filing(session, actor, filing_id)
    result = current_result(session, filing.id)
    assignments = repository.assignments_of(session, filing.id)
    visit_ids = [a.id for a in assignments]
    photos = repository.photos_of(session, visit_ids)
    inspections = repository.inspections_of(session, visit_ids)
    decisions = repository.decisions_of(session, filing.id)
    with zipfile.ZipFile(out, "w") as archive:
        writer = _Writer(archive)
        photo_records, missing, damaged = _originals(
            session, writer, store, photos, actor, door, filing.id
        )
        session.flush()  # the downloaded custody events get their ids before custody.json
        custody = repository.custody_of(session, [p.id for p in photos])
        writer.json("filing.json", filing_record(filing))
        writer.json("photos.json", photo_records)
        writer.json("custody.json", [row(entry) for entry in custody])
        writer.json("reconciliation.json", result.result if result is not None else None)
        writer.json("decisions.json", [row(decision) for decision in decisions])
        subjects = {
            "filing": [filing.id],
            "claim": repository.claim_ids(filing),
            "assignment": visit_ids,
            "inspection": [i.id for i in inspections],
            "photo": [p.id for p in photos],
            "decision": [d.id for d in decisions],
        }
        events = repository.audit_slice(session, subjects)
        writer.json("audit_log.json", {"events": [audit_record(e) for e in events]})
        writer.data("verify_package.py", VERIFIER.read_bytes())
        writer.data("README.txt", readme_text(filing.id).encode("utf-8"))
        manifest = _manifest(filing, actor, writer, events, subjects, missing, damaged)
        manifest_sha256 = _seal(archive, manifest)
    originals = sum(1 for entry in writer.entries if entry.get("kind") == "original")
    event = record(
        session,
        actor_id=actor.user_id,
        action="export.evidence_package",
        subject_type="filing",
        subject_id=filing.id,
        data={
            "manifest_sha256": manifest_sha256,
            "files": len(writer.entries),
            "originals": originals,
            "audit_events": len(events),
            "door": door,
        },
    )
    session.flush()  # the export event takes its place in the chain: its seq and hash are shown
    return PackageReport(
        filing_id=filing.id,
        filename=f"evidence-package-filing-{filing.id}.zip",
        manifest_sha256=manifest_sha256,
        files=len(writer.entries) + 2,
        originals=originals,
        missing_originals=missing,
        damaged_originals=damaged,
        audit_events=len(events),
        export_event=event,
    )


def _manifest(
    filing: Filing,
    actor: Actor,
    writer: _Writer,
    events: list[AuditEvent],
    subjects: dict[str, list[int]],
    missing: list[str],
    damaged: list[str],
) -> dict[str, Any]:
    check = verify_slice(events)
    return {
        "format": FORMAT,
        "filing_id": filing.id,
        "enterprise": filing.site.enterprise.name,
        "credit_code": filing.site.enterprise.credit_code,
        "site": filing.site.name,
        "year": filing.year,
        "exported_at": utc_iso(utcnow()),
        "exported_by": actor.user_id,
        "files": writer.entries,
        "missing_originals": missing,
        "damaged_originals": damaged,
        "audit": {
            "file": "audit_log.json",
            "events": len(events),
            "subjects": subjects,
            "chain_checked_at_export": check.ok,
            "chain_break": check.first_break.describe() if check.first_break else None,
        },
    }


def _seal(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> str:
    """Write the manifest and its hash (``sha256sum`` format); the hash is what gets audited."""
    data = dumps(manifest)
    digest = hashlib.sha256(data).hexdigest()
    archive.writestr(member("manifest.json", zipfile.ZIP_DEFLATED), data)
    archive.writestr(member("manifest.sha256", zipfile.ZIP_STORED), f"{digest}  manifest.json\n")
    return digest


def _originals(
    session: Session,
    writer: _Writer,
    store: BlobStore,
    photos: list[Photo],
    actor: Actor,
    door: str,
    filing_id: int,
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Copy each kept original into ``photos/``; a custody event for each one copied.

    An original the store lacks, or whose bytes no longer give its sha256, is named in the
    manifest rather than failing the package: the reviewer needs to know, and the rest stands.
    """
    records, missing, damaged = [], [], []
    for photo in photos:
        record_ = {
            **row(photo, leave_out=_PHOTO_LEAVE_OUT),
            "findings": [row(finding) for finding in photo.findings],
            "original": None,
        }
        records.append(record_)
        if photo.sha256 is None or photo.meta is None:
            continue  # refused before it was kept: the reason is in the record
        path = f"photos/{photo.id}.{EXTENSIONS.get(photo.mime or '', 'bin')}"
        try:
            source = store.open(photo.sha256)
        except BlobNotFoundError:
            missing.append(photo.doc_id)
            continue
        with source:
            copied = writer.stream(path, source, kind="original", photo_id=photo.id)
        record_["original"] = path
        if copied != photo.sha256:
            damaged.append(photo.doc_id)
        record_custody(
            session,
            photo,
            CustodyEvent.downloaded,
            actor_id=actor.user_id,
            door=door,
            detail={"export": "evidence_package", "filing_id": filing_id, "path": path},
        )
    return records, missing, damaged


def audit_record(event: AuditEvent) -> dict[str, Any]:
    """An audit event as the chain hashes it (``at`` in its canonical form) plus its row id."""
    return {
        "id": event.id,
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "at": canonical_at(event.at),
        "actor_id": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
    }
