"""Benchmark: the filtered, paginated filing list against the health check, through gunicorn.

Seeds 5,522 plants (Shijiazhuang's count in 2020, S1) with their filings into a fresh database,
starts PouchDB Server and the web app under gunicorn (one sync worker) on loopback, then times
HTTP requests from this process: GET /api/health and GET /api/filings with filters that vary
per request (county, industry, claimed grade, status, page). Reports p50 and p95 of each and
the ratio of the list's p95 to the health check's p95, measured in the same run.

    .venv/bin/python bench/bench_filings_list.py [--plants 5522] [--requests 400]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ... (default: SQLite)

Target (issue 2): list p95 under 3x the health check's p95.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.pouchdb import start_pouchdb  # noqa: E402
from devtools.secrets import random_admin  # noqa: E402
from server.demo.load import DEMO_PASSWORD, load_demo_city  # noqa: E402

TARGET = 3.0


def seed(url: str, plants: int) -> float:
    from server.db import make_engine, make_sessionmaker
    from server.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    session = make_sessionmaker(engine)()
    started = time.perf_counter()
    load_demo_city(session, plants=plants)
    session.commit()
    session.close()
    # A bulk load leaves the planner without statistics until autovacuum runs; a real city's
    # database has them, so gather them now rather than time plans made blind.
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return time.perf_counter() - started


def request(port: int, path: str, token: str | None = None) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return time.perf_counter() - started, response.status


def token(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": username, "password": DEMO_PASSWORD})
    connection.request("POST", "/api/auth/token", body, {"Content-Type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return str(answer["access_token"])


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            request(port, "/api/health")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web app did not start")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=5522)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        seconds = seed(url, args.plants)
        print(f"seeded {args.plants} plants into {url.split(':')[0]} in {seconds:.1f} s")
        couch = start_pouchdb(data_dir=Path(tmp) / "couch", admin=random_admin())
        port = 5599
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COUCHDB_URL": couch.admin_url,
            "INSTANCE_PATH": tmp,
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
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(port)
            bearer = token(port, "city1")
            from server.demo.vocabulary import COUNTIES

            counties = [c.name for c in COUNTIES]
            filters = [
                lambda: f"county={quote(rng.choice(counties))}",
                lambda: f"industry={rng.choice(['foundry', 'packaging_printing', 'cement'])}",
                lambda: f"claimed_grade={rng.choice(['A', 'B', 'C'])}",
                lambda: "status=received",
                lambda: f"county={quote(rng.choice(counties))}&claimed_grade=B",
            ]
            for _ in range(30):  # warm-up: imports, caches, connection pool
                request(port, "/api/health")
                request(port, "/api/filings?page_size=20", bearer)
            health: list[float] = []
            listing: list[float] = []
            for i in range(args.requests):  # interleaved, so both see the same machine load
                elapsed, status = request(port, "/api/health")
                assert status == 200, status
                health.append(elapsed)
                page = rng.randint(1, 5)
                query = f"{filters[i % len(filters)]()}&page={page}&page_size=20"
                elapsed, status = request(port, f"/api/filings?{query}", bearer)
                assert status == 200, (status, query)
                listing.append(elapsed)
        finally:
            web.terminate()
            web.wait(timeout=10)
            couch.stop()
    h50, h95 = percentile(health, 50), percentile(health, 95)
    l50, l95 = percentile(listing, 50), percentile(listing, 95)
    ratio = l95 / h95
    print(f"{'request':<34}{'p50 ms':>8}{'p95 ms':>8}")
    print(f"{'GET /api/health':<34}{h50:>8.1f}{h95:>8.1f}")
    print(f"{'GET /api/filings (filtered, 20)':<34}{l50:>8.1f}{l95:>8.1f}")
    print(f"ratio p95 list / p95 health: {ratio:.2f}x (target < {TARGET:.0f}x)")
    return 0 if ratio < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
