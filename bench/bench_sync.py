"""Benchmark: the sync worker and the gateway, each against its baseline in the same run.

(a) Worker ingest: 10,000 realistic submitted inspections (about 150 answered items each) are
    written into one inspector's database; the baseline reads the same feed raw
    (``_changes?include_docs=true``, 100 per page); the worker then ingests it (validation
    against the pinned form, SQL rows, checkpoint, in one transaction per batch of 100).
    Reported: worker rate / raw read rate. Target: at least 0.5.
(b) Replication: PouchDB (Node) pushes 1,000 photo documents (a 100 kB JPEG each) once
    through the gateway (gunicorn, 2 gthread workers) and once straight to PouchDB Server,
    into fresh databases. Reported: gateway time / direct time. Target: ≤ 1.5×.

    .venv/bin/python bench/bench_sync.py [--inspections 10000] [--photos 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.pouchdb import start_pouchdb  # noqa: E402
from devtools.secrets import random_admin  # noqa: E402
from media.blobstore import FilesystemBlobStore  # noqa: E402
from server.db import make_engine, make_sessionmaker  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from sync.couch import CouchClient  # noqa: E402
from sync.provision import ensure_inspector_db  # noqa: E402
from sync.worker import PassReport, Worker  # noqa: E402


def make_photo(path: Path, kilobytes: int = 100) -> Path:
    """A JPEG of about ``kilobytes`` made from noise (so it does not compress away)."""
    import random

    from PIL import Image

    rng = random.Random(5)
    side = 160
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        image.save(path, quality=85)
        if path.stat().st_size >= kilobytes * 1024:
            return path
        side += 40


def setup_world(url: str, couch_url: str, tmp: Path):  # type: ignore[no-untyped-def]
    """A migrated database with a published assignment and two inspectors."""
    from tests.sync.conftest import Live
    from tests.sync.world import build_world

    engine = make_engine(url)
    upgrade(engine)
    live = Live(url, engine, couch_url, "http://unused", tmp)
    lead, second = live.inspector("bench-lead"), live.inspector("bench-second")
    return live, build_world(live, [lead, second]), lead


def bench_worker(couch_url: str, tmp: Path, count: int) -> dict[str, float]:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/sync.sqlite3"
    live, world, lead = setup_world(url, couch_url, tmp)
    couch = CouchClient(couch_url)
    db = ensure_inspector_db(couch, lead.id)
    for start in range(0, count, 500):
        docs = [world.document(lead) for _ in range(min(500, count - start))]
        for doc in docs:
            doc["_id"] = f"inspection:bench{start:06d}-{docs.index(doc):04d}"
        couch.bulk_docs(db, docs)
    started = time.perf_counter()
    since, read = None, 0
    while True:
        page = couch.changes(db, since=since, limit=100, include_docs=True)
        read += len(page["results"])
        since = page["last_seq"]
        if not page["results"]:
            break
    raw = time.perf_counter() - started
    worker = Worker(
        make_sessionmaker(live.engine), couch, FilesystemBlobStore(tmp / "media"), batch_size=100
    )
    report = PassReport()
    started = time.perf_counter()
    while worker.process_db(db, report):
        pass
    ingest = time.perf_counter() - started
    worker.close()
    started = time.perf_counter()
    from sync import outbox

    written = outbox.flush(make_sessionmaker(live.engine), couch)
    flush = time.perf_counter() - started
    couch.close()
    live.engine.dispose()
    assert report.processed == count, report
    return {
        "docs": read,
        "raw_s": raw,
        "ingest_s": ingest,
        "feedback_s": flush,
        "feedback": written,
    }


def node_replicate(spec: dict[str, object]) -> dict[str, float]:
    done = subprocess.run(
        ["node", str(ROOT / "bench" / "replicate.cjs")],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def bench_replication(couch_url: str, tmp: Path, count: int) -> dict[str, float]:
    url = f"sqlite:///{tmp}/gateway.sqlite3"
    live, _world, lead = setup_world(url, couch_url, tmp)
    live.engine.dispose()
    port = 5611
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COUCHDB_URL": couch_url,
        "INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "bench-only",
    }
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(2.5)
        couch = CouchClient(couch_url)
        couch.create_db("bench-direct")
        couch.close()
        photo = make_photo(tmp / "photo.jpg")
        common = {
            "dir": str(tmp),
            "photo": str(photo),
            "count": count,
            "owner": f"user:{lead.id}",
        }
        direct = node_replicate({**common, "label": "direct", "url": f"{couch_url}/bench-direct"})
        gateway = node_replicate(
            {
                **common,
                "label": "gateway",
                "username": "bench-lead",
                "password": "correct horse battery",
                "url": f"http://127.0.0.1:{port}/sync/inspector-{lead.id}",
            }
        )
    finally:
        web.terminate()
        web.wait(timeout=10)
    assert direct["written"] == gateway["written"] == count, (direct, gateway)
    return {"direct_s": direct["seconds"], "gateway_s": gateway["seconds"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        couch = start_pouchdb(data_dir=Path(tmp) / "couch", admin=random_admin())
        try:
            for part in ("a", "b"):
                Path(tmp, part).mkdir()
            a = bench_worker(couch.admin_url, Path(tmp) / "a", args.inspections)
            b = bench_replication(couch.admin_url, Path(tmp) / "b", args.photos)
        finally:
            couch.stop()
    rate = (a["docs"] / a["ingest_s"]) / (a["docs"] / a["raw_s"])
    print(
        f"(a) {a['docs']} inspections: raw _changes read {a['raw_s']:.1f} s "
        f"({a['docs'] / a['raw_s']:.0f}/s); worker ingest {a['ingest_s']:.1f} s "
        f"({a['docs'] / a['ingest_s']:.0f}/s); feedback write-back {a['feedback_s']:.1f} s"
    )
    print(f"    ingest rate / raw read rate: {rate:.2f} (target >= 0.5)")
    ratio = b["gateway_s"] / b["direct_s"]
    print(
        f"(b) {args.photos} photo documents: direct {b['direct_s']:.1f} s, "
        f"through the gateway {b['gateway_s']:.1f} s"
    )
    print(f"    gateway / direct: {ratio:.2f}x (target <= 1.5x)")
    return 0 if rate >= 0.5 and ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
