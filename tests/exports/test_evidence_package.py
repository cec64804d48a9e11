"""Evidence packages: real photos in, a ZIP out, and the offline verifier run as a person would
(a subprocess) on the package as exported and after each kind of tampering."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from server.accounts.models import Role
from server.audit import chain
from server.audit.models import AuditEvent
from server.evidence.models import PhotoCustody
from server.exports import verify_package
from tests.factories import COUNTY, OTHER_COUNTY
from tests.review_factories import metering_at

VERIFIER = Path(verify_package.__file__)
DOCUMENTS = {
    "README.txt",
    "manifest.json",
    "manifest.sha256",
    "verify_package.py",
    "filing.json",
    "photos.json",
    "custody.json",
    "reconciliation.json",
    "decisions.json",
    "audit_log.json",
}


def verify(zip_path: Path, *args: str, script: Path = VERIFIER) -> tuple[int, list[str]]:
    """Run the verifier as a person would; its exit status and the problems it printed.

    ``-I -S``: isolated, without site-packages, so the standard library is all it can use.
    """
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(script), str(zip_path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr == ""
    kinds = ("ALTERED", "MISSING", "ADDED", "MANIFEST ALTERED", "LOG EVENT ALTERED")
    problems = [line for line in done.stdout.splitlines() if line.startswith(kinds)]
    last = done.stdout.splitlines()[-1]
    assert last.startswith("INTACT" if done.returncode == 0 else "NOT INTACT"), done.stdout
    return done.returncode, problems


def rewrite(source: Path, target: Path, *, replace=None, drop=(), add=None) -> Path:
    """A copy of the package with members replaced, dropped or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def exported(fetch, make_user, photographed, decide, session, tmp_path):
    """A visited filing, decided by the city, its original looked at once, then exported by a
    county reviewer of its county."""
    shot = photographed()
    filing = shot.visit.site.filings[0]
    metering_at(session, filing.site_id)  # normal production: the A may be confirmed (rule 12)
    decide(filing, "confirm")
    looked = fetch(f"/api/photos/{shot.photos['inside'][0]['id']}/original", make_user())
    assert looked.status_code == 200
    reviewer = make_user(Role.county_reviewer, county=COUNTY)
    response = fetch(f"/api/filings/{filing.id}/evidence-package", reviewer)
    assert response.status_code == 200, response.data[:500]
    path = tmp_path / f"evidence-package-filing-{filing.id}.zip"
    path.write_bytes(response.data)
    return shot, reviewer, response, path


def test_the_package_holds_the_originals_and_a_manifest_of_every_file(exported, session):
    shot, reviewer, response, path = exported
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename={path.name}"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        originals = {uploaded["id"]: data for uploaded, data in shot.photos.values()}
        assert names == DOCUMENTS | {f"photos/{photo_id}.jpg" for photo_id in originals}
        for photo_id, data in originals.items():
            assert archive.read(f"photos/{photo_id}.jpg") == data  # byte for byte
        manifest_bytes = archive.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        listed = {entry["path"]: entry for entry in manifest["files"]}
        assert set(listed) == names - {"manifest.json", "manifest.sha256"}
        for name, entry in listed.items():
            data = archive.read(name)
            assert (entry["sha256"], entry["size"]) == (sha256(data), len(data))
        assert archive.read("verify_package.py") == VERIFIER.read_bytes()
        recorded = archive.read("manifest.sha256").decode()
        custody = json.loads(archive.read("custody.json"))
        log = json.loads(archive.read("audit_log.json"))["events"]
        decisions = json.loads(archive.read("decisions.json"))
        filing = json.loads(archive.read("filing.json"))
        reconciliation = json.loads(archive.read("reconciliation.json"))
    digest = sha256(manifest_bytes)
    assert recorded == f"{digest}  manifest.json\n"  # as sha256sum writes it
    assert manifest["filing_id"] == shot.filing_id and manifest["missing_originals"] == []
    assert manifest["audit"]["chain_checked_at_export"] is True
    assert filing["site"]["boundary"] == shot.visit.site.boundary
    assert reconciliation["filing_id"] == shot.filing_id
    assert [d["status"] for d in decisions] == ["confirmed"]

    # the export is audited with the manifest's hash, and that is what the response said
    [event] = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export.evidence_package")
    )
    assert (event.subject_type, event.subject_id, event.actor_id) == (
        "filing",
        shot.filing_id,
        reviewer.id,
    )
    assert event.data["manifest_sha256"] == digest == response.headers["X-Manifest-SHA256"]
    assert response.headers["X-Audit-Seq"] == str(event.seq)
    # every original included was downloaded, in custody, and custody.json already says so
    for photo_id in originals:
        events = session.execute(
            select(PhotoCustody.event, PhotoCustody.actor_id, PhotoCustody.door)
            .where(PhotoCustody.photo_id == photo_id)
            .order_by(PhotoCustody.id)
        ).all()
        assert events[-1] == ("downloaded", reviewer.id, "api")
        packed = [(c["event"], c["actor_id"]) for c in custody if c["photo_id"] == photo_id]
        assert packed[-1] == ("downloaded", reviewer.id)
    # the slice: the filing's, its visit's, its photos' and its decisions' events
    actions = {e["action"] for e in log}
    assert {"decision.proposed", "decision.confirmed", "photo.viewed_original"} <= actions
    assert {(e["subject_type"]) for e in log} >= {"filing", "decision", "photo", "assignment"}
    assert chain.verify_slice(log).ok
    rows = {row.id: row for row in session.scalars(select(AuditEvent))}
    for packed_event in log:
        assert packed_event["hash"] == rows[packed_event["id"]].hash
        # the offline verifier's canonical form is the chain's own
        assert verify_package.event_hash(packed_event) == chain.event_hash(packed_event)


def test_the_untouched_package_verifies(exported, tmp_path):
    _shot, _reviewer, response, path = exported
    assert verify(path) == (0, [])
    assert verify(path, "--manifest-sha256", response.headers["X-Manifest-SHA256"]) == (0, [])
    # the copy inside the package works as well, from wherever it was unpacked
    with zipfile.ZipFile(path) as archive:
        archive.extract("verify_package.py", tmp_path / "unpacked")
    assert verify(path, script=tmp_path / "unpacked" / "verify_package.py") == (0, [])


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def test_an_altered_original_is_named_with_both_hashes(exported, tmp_path):
    shot, _reviewer, _response, path = exported
    photo_id, original = shot.photos["inside"][0]["id"], shot.photos["inside"][1]
    altered = bytearray(original)
    altered[len(altered) // 2] ^= 0xFF  # one byte of the picture, same size
    changed = rewrite(path, tmp_path / "a.zip", replace={f"photos/{photo_id}.jpg": bytes(altered)})
    size = len(original)
    assert verify(changed) == (
        1,
        [
            f"ALTERED: photos/{photo_id}.jpg: expected sha256 {sha256(original)} ({size} bytes), "
            f"actual {sha256(bytes(altered))} ({size} bytes)"
        ],
    )


def test_a_removed_and_an_added_file_are_named(exported, tmp_path):
    shot, _reviewer, _response, path = exported
    photo_id, original = shot.photos["outside"][0]["id"], shot.photos["outside"][1]
    removed = rewrite(path, tmp_path / "b.zip", drop={f"photos/{photo_id}.jpg"})
    assert verify(removed) == (
        1,
        [f"MISSING: photos/{photo_id}.jpg: expected sha256 {sha256(original)}"],
    )
    extra = b"\xff\xd8 a photo nobody took"
    added = rewrite(path, tmp_path / "c.zip", add={"photos/9999.jpg": extra})
    assert verify(added) == (
        1,
        [
            f"ADDED: photos/9999.jpg: not in the manifest; sha256 {sha256(extra)} ({len(extra)} bytes)"
        ],
    )


def test_an_edited_manifest_is_caught_inside_and_against_the_audit_log(exported, tmp_path):
    _shot, _reviewer, response, path = exported
    recorded = response.headers["X-Manifest-SHA256"]
    manifest = manifest_of(path)
    manifest["enterprise"] = "另一家企业"
    edited = json.dumps(manifest, ensure_ascii=False).encode()
    changed = rewrite(path, tmp_path / "d.zip", replace={"manifest.json": edited})
    assert verify(changed) == (
        1,
        [
            f"MANIFEST ALTERED: manifest.json: expected sha256 {recorded} (manifest.sha256), "
            f"actual {sha256(edited)}"
        ],
    )
    # a forger who also rewrites manifest.sha256 is caught by the hash the audit log kept
    forged = rewrite(
        path,
        tmp_path / "d2.zip",
        replace={"manifest.json": edited, "manifest.sha256": f"{sha256(edited)}  manifest.json\n"},
    )
    assert verify(forged) == (0, [])  # the package alone cannot tell
    assert verify(forged, "--manifest-sha256", recorded) == (
        1,
        [
            f"MANIFEST ALTERED: manifest.json: expected sha256 {recorded} (the audit log), actual {sha256(edited)}"
        ],
    )


def test_an_edited_log_event_is_named_by_its_position(exported, tmp_path):
    _shot, _reviewer, _response, path = exported
    with zipfile.ZipFile(path) as archive:
        original = archive.read("audit_log.json")
    log = json.loads(original)
    target = next(e for e in log["events"] if e["action"] == "decision.confirmed")
    target["data"]["grade"] = "A+"
    recomputed = chain.event_hash(target)
    edited = json.dumps(log, ensure_ascii=False).encode()
    event_line = (
        f"LOG EVENT ALTERED: seq {target['seq']} (id {target['id']}, decision.confirmed): "
        f"recorded hash {target['hash']}, its content hashes to {recomputed}"
    )
    changed = rewrite(path, tmp_path / "e.zip", replace={"audit_log.json": edited})
    entry = next(e for e in manifest_of(path)["files"] if e["path"] == "audit_log.json")
    assert verify(changed) == (
        1,
        [
            f"ALTERED: audit_log.json: expected sha256 {entry['sha256']} ({entry['size']} bytes), "
            f"actual {sha256(edited)} ({len(edited)} bytes)",
            event_line,
        ],
    )
    # even with the manifest and its hash redone to match, the event's own hash gives it away
    manifest = manifest_of(path)
    for item in manifest["files"]:
        if item["path"] == "audit_log.json":
            item.update(sha256=sha256(edited), size=len(edited))
    new_manifest = json.dumps(manifest).encode()
    forged = rewrite(
        path,
        tmp_path / "e2.zip",
        replace={
            "audit_log.json": edited,
            "manifest.json": new_manifest,
            "manifest.sha256": sha256(new_manifest) + "  manifest.json\n",
        },
    )
    assert verify(forged) == (1, [event_line])


def test_a_missing_original_is_named_in_the_manifest(
    fetch, make_user, photographed, store, tmp_path
):
    shot = photographed()
    gone = shot.photos["inside"][0]
    store.path(gone["sha256"]).unlink()
    response = fetch(f"/api/filings/{shot.filing_id}/evidence-package", make_user())
    assert response.status_code == 200
    path = tmp_path / "p.zip"
    path.write_bytes(response.data)
    assert manifest_of(path)["missing_originals"] == [gone["doc_id"]]
    assert f"photos/{gone['id']}.jpg" not in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert verify(path) == (0, [])


def test_inspectors_get_403_and_other_counties_404(fetch, make_user, photographed):
    shot = photographed()
    url = f"/api/filings/{shot.filing_id}/evidence-package"
    assert fetch(url, shot.visit.lead).status_code == 403
    outsider = fetch(url, make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert outsider.status_code == 404 and outsider.json["code"] == "not_found"
    assert fetch("/api/filings/999999/evidence-package", make_user()).status_code == 404


def test_the_cli_writes_a_package_that_verifies(app, make_user, photographed, session, tmp_path):
    shot = photographed()
    reviewer = make_user(Role.city_reviewer)
    out = tmp_path / "cli.zip"
    result = app.test_cli_runner().invoke(
        args=[
            "export",
            "evidence-package",
            str(shot.filing_id),
            str(out),
            "--as-user",
            reviewer.username,
        ]
    )
    assert result.exit_code == 0, result.output
    digest = sha256(zipfile.ZipFile(out).read("manifest.json"))
    assert f"manifest sha256 {digest}" in result.output
    assert verify(out, "--manifest-sha256", digest) == (0, [])
    doors = session.scalars(
        select(PhotoCustody.door).where(
            PhotoCustody.event == "downloaded", PhotoCustody.actor_id == reviewer.id
        )
    )
    assert list(doors) == ["cli"] * 3
    missing = app.test_cli_runner().invoke(
        args=[
            "export",
            "evidence-package",
            "999999",
            str(tmp_path / "x.zip"),
            "--as-user",
            reviewer.username,
        ]
    )
    assert missing.exit_code == 1 and "not_found" in missing.output
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()
