"""Benchmark: the reviewer pages through gunicorn, against the health check in the same run.

Seeds 5,522 plants (Shijiazhuang's count in 2020, S1) with the demo city's finished visits, then
gives one visit 200 photos through the sync worker's ingest (the real photo pipeline: EXIF,
derivatives, geofence, time, device and reuse checks). Starts PouchDB Server and the web app
under gunicorn (one sync worker) on loopback, signs in as the city reviewer ``city1`` through
the sign-in form (session cookie, CSRF token), then times interleaved requests from this
process: ``GET /api/health``, the dossier of the 200-photo filing, and a queue page whose
filters change every request (county, industry, claimed grade, state, overdue, due within N
days, page 1 to 5) and the progress dashboard (issue 16). Reports p50 and p95 of each and
each page's p95 over the health check's.

    .venv/bin/python bench/bench_review_pages.py [--plants 5522] [--photos 200] [--requests 200]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ... (default: SQLite)

Targets (issue 8): dossier p95 at most 10x the health check's, queue page at most 5x;
(issue 16) the dashboard at most 5x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.pouchdb import start_pouchdb  # noqa: E402
from devtools.secrets import random_admin  # noqa: E402
from server.demo.load import DEMO_PASSWORD, load_demo_city  # noqa: E402

TARGETS = {"dossier": 10.0, "queue": 5.0, "dashboard": 5.0}  # dashboard: issue 16


def seed(url: str, media: Path, plants: int, photos: int) -> tuple[int, float]:
    """The demo city and one visit with ``photos`` photos; returns that visit's filing id."""
    from shapely.geometry import Point, Polygon
    from sqlalchemy import func, select

    from media import FilesystemBlobStore
    from media.geo import boundary_to_wgs84
    from server.assignments.models import Assignment
    from server.db import make_engine, make_sessionmaker
    from server.demo.pictures import demo_jpeg
    from server.evidence.models import Photo
    from server.filings.models import Filing, FilingStatus
    from server.inspections.batch import BatchContext
    from server.inspections.ingest import ingest_photo
    from server.migrate import upgrade
    from server.registry.models import Site

    engine = make_engine(url)
    upgrade(engine)
    session = make_sessionmaker(engine)()
    started = time.perf_counter()
    store = FilesystemBlobStore(media)
    load_demo_city(session, plants=plants, media=store)
    assignment = session.scalars(
        select(Assignment)
        .join(Filing, Filing.id == Assignment.filing_id)
        .where(Filing.status == FilingStatus.city_review)
        .order_by(Assignment.id)
    ).first()
    assert assignment is not None, "the demo city has finished visits"
    site = session.get(Site, assignment.site_id)
    assert site is not None and site.boundary
    polygon = Polygon(boundary_to_wgs84(site.boundary, site.datum or "WGS84")[0][0])
    west, south, east, north = polygon.bounds
    rng = random.Random(11)
    member = assignment.members[0].user
    have = session.scalar(select(func.count(Photo.id)).where(Photo.assignment_id == assignment.id))
    docs = []
    for n in range(photos - (have or 0)):
        while True:
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            if polygon.contains(Point(lon, lat)):
                break
        taken = assignment.window_start + dt.timedelta(minutes=70 + n)
        doc = {
            "_id": f"photo:bench-{n:04d}",
            "_rev": "1-bench",
            "type": "photo",
            "schema_version": 1,
            "device_id": f"tablet-{member.username}",
            "assignment_id": assignment.id,
            "item": "fugitive_photos",
            "taken_at": taken.isoformat(),
            "_attachments": {"photo.jpg": {"content_type": "image/jpeg"}},
        }
        data = demo_jpeg(90_000 + n, taken=taken.astimezone(dt.UTC), lon=lon, lat=lat)
        docs.append((doc, data))
    batch = BatchContext(session, [doc["_id"] for doc, _ in docs], bulk=False)
    for doc, data in docs:
        ingest_photo(session, owner_id=member.id, doc=doc, data=data, store=store, batch=batch)
    session.commit()
    filing_id = assignment.filing_id
    session.close()
    # A bulk load leaves the planner without statistics until autovacuum runs; a real city's
    # database has them, so gather them now rather than time plans made blind.
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return filing_id, time.perf_counter() - started


class Browser:
    """One signed-in reviewer: the session cookie, sent with every page request."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[float, int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return elapsed, response.status, text

    def sign_in(self, username: str) -> None:
        _, _, page = self.request("GET", "/review/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "the sign-in form has a CSRF token"
        form = {"csrf_token": token.group(1), "username": username, "password": DEMO_PASSWORD}
        _, status, _ = self.request("POST", "/review/sign-in", urlencode(form))
        assert status == 303, status


def wait_until_up(browser: Browser) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            browser.request("GET", "/api/health")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web app did not start")


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def run(browser: Browser, dossier: str, requests: int) -> dict[str, list[float]]:
    """Interleaved health check, dossier and queue page, so all see the same machine load."""
    from server.demo.vocabulary import COUNTIES

    rng = random.Random(7)
    counties = [c.name for c in COUNTIES]
    filters = [
        lambda: f"county={quote(rng.choice(counties))}",
        lambda: f"industry={rng.choice(['foundry', 'packaging_printing', 'cement'])}",
        lambda: f"claimed_grade={rng.choice(['A', 'B', 'C'])}",
        lambda: "status=received",
        lambda: "deadline=overdue",
        lambda: f"deadline=upcoming&within={rng.randint(1, 14)}",
        lambda: f"county={quote(rng.choice(counties))}&deadline=overdue&claimed_grade=B",
    ]
    for _ in range(20):  # warm-up: imports, caches, connection pool
        browser.request("GET", "/api/health")
        browser.request("GET", dossier)
        browser.request("GET", "/review/?page=2")
        browser.request("GET", "/review/dashboard")
    timings: dict[str, list[float]] = {"health": [], "dossier": [], "queue": [], "dashboard": []}
    for i in range(requests):
        query = f"{filters[i % len(filters)]()}&page={rng.randint(1, 5)}"
        for name, path in (
            ("health", "/api/health"),
            ("dossier", dossier),
            ("queue", f"/review/?{query}"),
            ("dashboard", "/review/dashboard"),
        ):
            elapsed, status, _ = browser.request("GET", path)
            assert status == 200, (status, path)
            timings[name].append(elapsed)
    return timings


def report(timings: dict[str, list[float]], photos: int, plants: int) -> list[str]:
    """Print p50, p95 and each page's p95 over the health check's; the targets missed."""
    h95 = percentile(timings["health"], 95)
    labels = {
        "health": "GET /api/health",
        "dossier": f"GET /review/filings/<id> ({photos} photos)",
        "queue": f"GET /review/?<filters> ({plants} filings)",
        "dashboard": f"GET /review/dashboard ({plants} filings)",
    }
    print(f"{'request':<44}{'p50 ms':>8}{'p95 ms':>8}{'p95 / health':>14}")
    missed = []
    for name, values in timings.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        ratio = p95 / h95
        target = TARGETS.get(name)
        mark = f"{ratio:>13.2f}x" + (f" (target <= {target:.0f}x)" if target else "")
        print(f"{labels[name]:<44}{p50:>8.1f}{p95:>8.1f}{mark}")
        if target and ratio > target:
            missed.append(name)
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--plants", type=int, default=5522)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        media = Path(tmp) / "media"
        filing_id, seconds = seed(url, media, args.plants, args.photos)
        print(f"seeded {args.plants} plants, {args.photos} photos into {url.split(':')[0]} "
              f"in {seconds:.1f} s")  # fmt: skip
        couch = start_pouchdb(data_dir=Path(tmp) / "couch", admin=random_admin())
        port = 5598
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COUCHDB_URL": couch.admin_url,
            "MEDIA_ROOT": str(media),
            "INSTANCE_PATH": tmp,
            "SECRET_KEY": "bench-only",
        }
        command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}"]
        web = subprocess.Popen(
            [*command, "--workers", "1", "--log-level", "warning"], cwd=ROOT, env=env
        )
        try:
            browser = Browser(port)
            wait_until_up(browser)
            browser.sign_in("city1")
            dossier = f"/review/filings/{filing_id}"
            _, status, page = browser.request("GET", dossier)
            assert status == 200, status
            shown = page.count('class="thumb')
            assert shown >= args.photos, f"the dossier shows {shown} photos"
            timings = run(browser, dossier, args.requests)
        finally:
            web.terminate()
            web.wait(timeout=10)
            couch.stop()
    missed = report(timings, args.photos, args.plants)
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
