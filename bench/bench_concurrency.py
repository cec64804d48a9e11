"""Benchmark: 20 clients at once for 60 s, mixing reads, writes, photo uploads and exports.

For each database (the embedded default SQLite, then PostgreSQL when reachable): migrate, load
the demo city, start PouchDB Server, the web app under gunicorn with the run command's settings
(2 workers) and the sync worker; then ``--clients`` threads send requests for ``--seconds``,
each picking a kind at random:

    health       GET /api/health                       (the baseline, timed under the same load)
    list         GET /api/filings?page=N
    dossier      GET /api/filings/<id>/reconciliation
    photos       GET /api/photos?page=N
    patch        GET a filing, then PATCH it with If-Match as admin (412 when another won: fine)
    penalty      POST /api/penalties
    upload       POST /api/photos, a real JPEG, as an inspector on their assignment
    export       GET /api/exports/results.csv

Reported per kind: count, p50, p95 and p95 / health p95; throughput; responses >= 500, which
must be 0: the benchmark exits 1 (and says which) if any occurred.

    .venv/bin/python bench/bench_concurrency.py [--clients 20] [--seconds 60]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test | --postgres none]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.pouchdb import start_pouchdb  # noqa: E402

KINDS = {  # kind: weight
    "health": 2,
    "list": 3,
    "dossier": 3,
    "photos": 2,
    "patch": 2,
    "penalty": 1,
    "upload": 1,
    "export": 1,
}
PASSWORD = "demo-password-2026"


def jpeg(seed: int) -> bytes:
    """A camera-sized JPEG (1600×1200, about 400 kB) that no other upload repeats."""
    from PIL import Image

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (200, 150), rng.randbytes(200 * 150 * 3))
    out = io.BytesIO()
    small.resize((1600, 1200)).save(out, "JPEG", quality=85)
    return out.getvalue()


def prepare(url: str, env: dict[str, str]) -> dict[str, Any]:
    """Migrate, load the demo city; the ids the clients use."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.assignments.models import Assignment, AssignmentMember, AssignmentStatus
    from server.db import make_engine
    from server.filings.models import Filing
    from server.migrate import upgrade
    from server.registry.models import Enterprise

    engine = make_engine(url)
    upgrade(engine)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "demo", "load"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with engine.connect() as c:
        filings = list(c.scalars(select(Filing.id).order_by(Filing.id)))
        enterprises = list(c.scalars(select(Enterprise.id).order_by(Enterprise.id)))
        uploads = c.execute(
            select(User.username, Assignment.id)
            .join(AssignmentMember, AssignmentMember.user_id == User.id)
            .join(Assignment, Assignment.id == AssignmentMember.assignment_id)
            .where(Assignment.status == AssignmentStatus.published)
        ).all()
    engine.dispose()
    return {"filings": filings, "enterprises": enterprises, "uploads": uploads}


class Client(threading.Thread):
    def __init__(
        self, n: int, base: str, ids: dict[str, Any], tokens: dict[str, dict[str, str]], stop: float
    ):
        super().__init__(daemon=True)
        self.rng, self.base, self.ids, self.tokens, self.stop = (
            random.Random(n),
            base,
            ids,
            tokens,
            stop,
        )
        self.n, self.sent = n, 0
        self.http = requests.Session()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.failures: list[str] = []
        self.statuses: dict[str, list[int]] = defaultdict(list)

    def run(self) -> None:
        kinds, weights = list(KINDS), list(KINDS.values())
        while time.monotonic() < self.stop:
            kind = self.rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            status, what = getattr(self, kind)()
            self.timings[kind].append(time.perf_counter() - started)
            self.statuses[kind].append(status)
            if status >= 500:
                self.failures.append(f"{kind} {what}: {status}")

    def _get(self, path: str, token: str = "city") -> tuple[int, str]:
        r = self.http.get(self.base + path, headers=self.tokens[token], timeout=120)
        return r.status_code, path if r.status_code < 500 else f"{path} {r.text[:200]}"

    def health(self) -> tuple[int, str]:
        return self._get("/api/health")

    def list(self) -> tuple[int, str]:
        return self._get(f"/api/filings?page={self.rng.randint(1, 10)}&page_size=20")

    def dossier(self) -> tuple[int, str]:
        return self._get(f"/api/filings/{self.rng.choice(self.ids['filings'])}/reconciliation")

    def photos(self) -> tuple[int, str]:
        return self._get(f"/api/photos?page={self.rng.randint(1, 5)}&page_size=20")

    def export(self) -> tuple[int, str]:
        r = self.http.get(
            self.base + "/api/exports/results.csv", headers=self.tokens["city"], timeout=120
        )
        return r.status_code, r.text[:200] if r.status_code >= 500 else ""

    def patch(self) -> tuple[int, str]:
        path = f"/api/filings/{self.rng.choice(self.ids['filings'])}"
        got = self.http.get(self.base + path, headers=self.tokens["admin"], timeout=120)
        if got.status_code != 200:
            return got.status_code, path
        r = self.http.patch(
            self.base + path,
            headers={**self.tokens["admin"], "If-Match": got.headers["ETag"]},
            json={"essential_service": not got.json()["essential_service"]},
            timeout=120,
        )
        return r.status_code, f"{path} {r.text[:200]}"

    def penalty(self) -> tuple[int, str]:
        r = self.http.post(
            self.base + "/api/penalties",
            headers=self.tokens["city"],
            json={
                "enterprise_id": self.rng.choice(self.ids["enterprises"]),
                "kind": "downgraded",
                "decided_on": "2026-05-01",
                "document_no": f"驻环罚〔2026〕{self.rng.randint(1, 10**6)}号",
            },
            timeout=120,
        )
        return r.status_code, r.text[:200]

    def upload(self) -> tuple[int, str]:
        username, assignment_id = self.rng.choice(self.ids["uploads"])
        self.sent += 1
        r = self.http.post(
            self.base + "/api/photos",
            headers=self.tokens[username],
            data={
                "doc_id": f"photo:{uuid.uuid4()}",
                "assignment_id": str(assignment_id),
                "device_id": f"bench-tablet-{self.n}",
            },
            files={"file": ("IMG.jpg", jpeg(self.n * 100_000 + self.sent), "image/jpeg")},
            timeout=120,
        )
        return r.status_code, r.text[:200]


def token(base: str, username: str) -> dict[str, str]:
    r = requests.post(
        f"{base}/api/auth/token", json={"username": username, "password": PASSWORD}, timeout=30
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def p(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000
        if len(values) > 1
        else values[0] * 1000
    )


def run_one(label: str, url: str, tmp: Path, args: argparse.Namespace) -> list[str]:
    couch = start_pouchdb(data_dir=tmp / "couch")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COUCHDB_URL": couch.url,
        "INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "bench-only",
    }
    ids = prepare(url, env)
    port = 5600 + random.randint(0, 300)
    base = f"http://127.0.0.1:{port}"
    # The run command's settings (devtools/run.py): gunicorn wsgi:app, 2 workers; the sync worker.
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_WORKERS", "2"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "sync"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/api/health", timeout=5)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise SystemExit("the web app did not start") from None
                time.sleep(0.3)
        tokens = {"city": token(base, "city1"), "admin": token(base, "admin")}
        for username in {u for u, _ in ids["uploads"]}:
            tokens[username] = token(base, username)
        started = time.monotonic()
        clients = [
            Client(n, base, ids, tokens, started + args.seconds) for n in range(args.clients)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
    finally:
        for process in (worker, web):
            process.terminate()
            process.wait(timeout=30)
        couch.stop()
    return report(label, clients, elapsed)


def report(label: str, clients: list[Client], elapsed: float) -> list[str]:
    """Print the figures of one run; the 5xx answers seen."""
    timings: dict[str, list[float]] = defaultdict(list)
    failures = [f for c in clients for f in c.failures]
    for c in clients:
        for kind, values in c.timings.items():
            timings[kind].extend(values)
    total = sum(len(v) for v in timings.values())
    base95 = p(timings["health"], 95)
    print(
        f"\n{label}: {total} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s, "
        f"{len(failures)} responses >= 500"
    )
    statuses: dict[str, list[int]] = defaultdict(list)
    for c in clients:
        for kind, codes in c.statuses.items():
            statuses[kind].extend(codes)
    print("| kind | requests | 2xx | 4xx | p50 ms | p95 ms | p95 / health p95 |")
    print("|---|---|---|---|---|---|---|")
    for kind in KINDS:
        values, codes = timings[kind], statuses[kind]
        if values:
            ok = sum(200 <= code < 300 for code in codes)
            refused = sum(400 <= code < 500 for code in codes)
            p95 = p(values, 95)
            print(
                f"| {kind} | {len(values)} | {ok} | {refused} | {p(values, 50):.0f} | {p95:.0f} "
                f"| {p95 / base95:.1f}× |"
            )
    for failure in failures[:20]:
        print("  5xx:", failure)
    return failures


def postgres_schema(base_url: str) -> tuple[str, Any]:
    from sqlalchemy import text

    from server.db import make_engine

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base_url}{'&' if '?' in base_url else '?'}options={quote(f'-csearch_path={schema}')}"

    def drop() -> None:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    print(f"{args.clients} clients for {args.seconds:.0f} s; mix {json.dumps(KINDS)}")
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        failures += run_one(
            "SQLite (embedded default)", f"sqlite:///{tmp}/bench.sqlite3", Path(tmp), args
        )
    if args.postgres != "none":
        try:
            url, drop = postgres_schema(args.postgres)
        except Exception as exc:
            print(
                f"\nPostgreSQL at {args.postgres} is not reachable ({type(exc).__name__}); skipped"
            )
        else:
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    failures += run_one("PostgreSQL", url, Path(tmp), args)
            finally:
                drop()
    if failures:
        print(f"\nFAILED: {len(failures)} responses >= 500 (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
