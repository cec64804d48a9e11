"""Benchmark: the sync worker and the gateway, each against its baseline in the same run.

(a) Worker ingest: 10,000 realistic submitted inspections (about 150 answered items each) are
    written into one inspector's database; the baseline reads the same feed raw
    (``_changes?include_docs=true``, 100 per page, the faster of two reads); the worker then
    ingests it (validation
    against the pinned form, SQL rows, checkpoint, in one transaction per batch of 100).
    Reported: worker rate / raw read rate, on SQLite and on PostgreSQL when one answers
    (BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test; the run
    works in a schema of its own and drops it). Target: at least 0.5 on each.
(b) Replication: PouchDB (Node) pushes 1,000 photo documents (a 100 kB JPEG each) once
    through the gateway (gunicorn, 2 gthread workers) and once straight to PouchDB Server,
    into fresh databases. Reported: gateway time / direct time. Target: ≤ 1.5×.

    .venv/bin/python bench/bench_sync.py [--inspections 10000] [--photos 1000] [--profile]
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


POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def setup_world(url: str, couch_url: str, tmp: Path, *, db: str = ""):  # type: ignore[no-untyped-def,unused-ignore]
    """A migrated database with a published assignment and two inspectors."""
    from tests.sync.conftest import Live, fresh_database
    from tests.sync.world import build_world

    if url.startswith("postgresql"):
        url, engine, drop = fresh_database(url, tmp)  # a schema of its own
    else:
        engine = make_engine(url)
        upgrade(engine)
        drop = engine.dispose
    live = Live(url, engine, couch_url, "http://unused", tmp)
    lead, second = live.inspector(f"bench-lead{db}"), live.inspector(f"bench-second{db}")
    return live, build_world(live, [lead, second]), lead, drop


def postgres_answers(url: str) -> bool:
    try:
        engine = make_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def bench_worker(
    couch_url: str,
    tmp: Path,
    count: int,
    url: str,
    *,
    profile: bool = False,
    batch_size: int = 100,
) -> dict[str, float]:
    live, world, lead, drop = setup_world(url, couch_url, tmp, db=tmp.name)
    couch = CouchClient(couch_url)
    db = f"inspector-{lead.id}"
    if lead.id in _USED:  # PostgreSQL and SQLite both start their user ids at 1
        couch.delete_db(db)
    _USED.add(lead.id)
    db = ensure_inspector_db(couch, lead.id)
    for start in range(0, count, 500):
        docs = [world.document(lead) for _ in range(min(500, count - start))]
        for doc in docs:
            doc["_id"] = f"inspection:bench{start:06d}-{docs.index(doc):04d}"
        couch.bulk_docs(db, docs)
    # The baseline: the same feed read raw, twice, the faster counted (the first read warms
    # PouchDB Server's caches; the worker then reads a warm feed too).
    raw = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        since, read = None, 0
        while True:
            page = couch.changes(db, since=since, limit=batch_size, include_docs=True)
            read += len(page["results"])
            since = page["last_seq"]
            if not page["results"]:
                break
        raw = min(raw, time.perf_counter() - started)
    worker = Worker(
        make_sessionmaker(live.engine),
        couch,
        FilesystemBlobStore(tmp / "media"),
        batch_size=batch_size,
    )
    report = PassReport()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    while worker.process_db(db, report):
        pass
    ingest = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    worker.close()
    started = time.perf_counter()
    from sync import outbox

    written = outbox.flush(make_sessionmaker(live.engine), couch)
    flush = time.perf_counter() - started
    couch.close()
    drop()
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
    _live, _world, lead, drop = setup_world(url, couch_url, tmp)
    drop()
    couch = CouchClient(couch_url)
    if lead.id in _USED:
        couch.delete_db(f"inspector-{lead.id}")
    ensure_inspector_db(couch, lead.id)
    couch.close()
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


_USED: set[int] = set()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=1_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the worker's ingest")
    parser.add_argument(
        "--batch-size", type=int, default=100, help="the worker's batch and the raw read's page"
    )
    args = parser.parse_args()
    postgres = os.environ.get("BENCH_DATABASE_URL") or POSTGRES
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        couch = start_pouchdb(data_dir=Path(tmp) / "couch", admin=random_admin())
        try:
            databases = {"SQLite": f"sqlite:///{tmp}/sqlite/sync.sqlite3"}
            if postgres_answers(postgres):
                databases["PostgreSQL"] = postgres
            else:
                print(f"PostgreSQL does not answer at {postgres}: SQLite only")
            for name, url in databases.items():
                Path(tmp, name).mkdir()
                Path(tmp, "sqlite").mkdir(exist_ok=True)
                a = bench_worker(
                    couch.admin_url,
                    Path(tmp) / name,
                    args.inspections,
                    url,
                    profile=args.profile,
                    batch_size=args.batch_size,
                )
                rate = (a["docs"] / a["ingest_s"]) / (a["docs"] / a["raw_s"])
                ratios[name] = rate
                print(
                    f"(a) {name}: {a['docs']} inspections: raw _changes read {a['raw_s']:.1f} s "
                    f"({a['docs'] / a['raw_s']:.0f}/s); worker ingest {a['ingest_s']:.1f} s "
                    f"({a['docs'] / a['ingest_s']:.0f}/s); feedback write-back "
                    f"{a['feedback_s']:.1f} s"
                )
                print(f"    ingest rate / raw read rate: {rate:.2f} (target >= 0.5)", flush=True)
            Path(tmp, "b").mkdir()
            b = (
                bench_replication(couch.admin_url, Path(tmp) / "b", args.photos)
                if args.photos
                else None
            )
        finally:
            couch.stop()
    ok = all(rate >= 0.5 for rate in ratios.values())
    if b is not None:
        ratio = b["gateway_s"] / b["direct_s"]
        print(
            f"(b) {args.photos} photo documents: direct {b['direct_s']:.1f} s, "
            f"through the gateway {b['gateway_s']:.1f} s"
        )
        print(f"    gateway / direct: {ratio:.2f}x (target <= 1.5x)")
        ok = ok and ratio <= 1.5
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
