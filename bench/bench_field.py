"""Benchmark: the inspector's field app (issue 15), in headless Chromium against a live server.

(a) The app shell: the bytes the server sends on a first visit (the page, then the service
    worker's install, which revalidates what the page already fetched), as sent and as gzip
    (level 6: what a compressing reverse proxy would send; the app server itself does not
    compress), and the bytes it sends when the app is reloaded (served by the service worker).
(b) Offline: the time from opening the checklist (a click on the assignment page, and a cold
    reload of the checklist's address) to the checklist being drawn and answerable, with the
    network off. Median of 7.
(c) Sync: one submitted inspection with 40 photos (a 3 MB JPEG each) pushed by PouchDB (Node,
    the app's batch_size 10) through the gateway (gunicorn, 2 gthread workers, as in issue 5),
    against the same documents pushed straight to PouchDB Server. Median of 5; reported as the
    gateway's time / the direct time.

    .venv/bin/python bench/bench_field.py [--photos 40] [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from bench.bench_sync import make_photo  # noqa: E402
from devtools.pouchdb import start_pouchdb  # noqa: E402
from devtools.secrets import random_admin  # noqa: E402
from media import FilesystemBlobStore  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Settings  # noqa: E402
from server.db import make_sessionmaker  # noqa: E402
from sync.couch import CouchClient  # noqa: E402
from sync.worker import Worker  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.field.world import build_field_world  # noqa: E402
from tests.sync.conftest import Live, fresh_database  # noqa: E402


class Counting:
    """WSGI middleware: the body bytes of every response, with its path and status."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log: list[tuple[str, int, bytes]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        status: list[int] = []

        def start(code: str, headers: list[Any], exc_info: Any = None) -> Any:
            status.append(int(code.split(maxsplit=1)[0]))
            return start_response(code, headers, exc_info)

        body = b"".join(self.app(environ, start))
        with self.lock:
            self.log.append((path, status[0], body))
        return [body]

    def take(self) -> list[tuple[str, int, bytes]]:
        with self.lock:
            taken, self.log = self.log, []
        return taken


def shell_bytes(log: list[tuple[str, int, bytes]]) -> tuple[str, int, int]:
    shell = [(p, s, b) for p, s, b in log if p.startswith(("/field/", "/review/static/"))]
    raw = sum(len(b) for _, _, b in shell)
    packed = sum(len(gzip.compress(b, 6)) if b else 0 for _, _, b in shell)
    full = sum(1 for _, s, _ in shell if s == 200)
    return f"{len(shell)} responses ({full} with a body, {len(shell) - full} 304)", raw, packed


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def browser_part(base: str, world: Any, counting: Counting, runs: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    chromium_path = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        counting.take()
        page.goto(f"{base}/field/")
        page.get_by_test_id("sign-in").wait_for()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        time.sleep(1.0)  # the install's fetches are over
        first = shell_bytes(counting.take())
        page.fill("input[name=username]", world.lead.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        card = page.locator(f"[data-assignment='{world.assignment_id}']")
        card.wait_for()
        counting.take()
        page.reload()
        card.wait_for()
        time.sleep(0.5)
        again = shell_bytes(counting.take())
        print(
            f"(a) app shell, first visit: {first[0]}, {first[1]:,} bytes as sent, "
            f"{first[2]:,} bytes gzip"
        )
        print(f"    reload: {again[0]} from the server, {again[1]:,} bytes ({again[2]:,} gzip)")

        context.set_offline(True)
        clicks: list[float] = []
        own: list[float] = []
        for _ in range(runs):
            page.goto(f"{base}/field/#/a/{world.assignment_id}")
            page.locator("[data-form='common'] a").wait_for()
            page.evaluate("delete document.body.dataset.checklistReady")
            started = time.perf_counter()
            page.locator("[data-form='common'] a").click()
            expect(page.locator("body[data-checklist-ready]")).to_have_count(1)
            clicks.append(time.perf_counter() - started)
            own.append(float(page.evaluate("document.body.dataset.checklistReady")) / 1000)
        cold: list[float] = []
        page.goto(f"{base}/field/#/a/{world.assignment_id}/f/common/1")
        for _ in range(runs):
            page.evaluate("delete document.body.dataset.checklistReady")
            started = time.perf_counter()
            page.reload()
            expect(page.locator("body[data-checklist-ready]")).to_have_count(1)
            cold.append(time.perf_counter() - started)
        print(f"(b) offline, assignment page -> checklist answerable: {median_ms(clicks)}")
        print(f"    of which the app's own work (read, build, draw): {median_ms(own)}")
        print(f"    offline, reload of the checklist's address (cold app start): {median_ms(cold)}")
        browser.close()


def node_push(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(ROOT / "bench" / "field_replicate.cjs")],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def gunicorn(url: str, couch_url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The app as `make run` serves it (2 gthread workers), as the issue 5 benchmark does."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COUCHDB_URL": couch_url,
        "INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "bench-only",
    }
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
    web = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    time.sleep(2.5)
    return web, f"http://127.0.0.1:{port}"


def sync_part(
    base: str, couch_url: str, world: Any, tmp: Path, photos: int, runs: int, batch: int
) -> None:
    photo = make_photo(tmp / "photo.jpg", kilobytes=3000)
    common = {
        "batch_size": batch,
        "dir": str(tmp),
        "photo": str(photo),
        "count": photos,
        "owner": f"user:{world.lead.id}",
        "assignment_id": world.assignment_id,
    }
    direct: list[float] = []
    gateway: list[float] = []
    with CouchClient(couch_url) as couch:
        for run in range(runs):
            name = f"bench-field-direct-{batch}-{run}"
            couch.create_db(name)
            d = node_push({**common, "label": f"d{batch}-{run}", "url": f"{couch_url}/{name}"})
            g = node_push(
                {
                    **common,
                    "label": f"g{batch}-{run}",
                    "url": f"{base}/sync/inspector-{world.lead.id}",
                    "username": world.lead.username,
                    "password": PASSWORD,
                }
            )
            assert d["written"] == g["written"] == photos + 1, (d, g)
            direct.append(d["seconds"])
            gateway.append(g["seconds"])
    size = photo.stat().st_size
    ratio = statistics.median(gateway) / statistics.median(direct)
    print(
        f"(c) batch_size {batch}, one inspection + {photos} photos of {size / 1e6:.1f} MB: "
        f"runs direct {', '.join(f'{x:.2f}' for x in direct)} s, "
        f"gateway {', '.join(f'{x:.2f}' for x in gateway)} s"
    )
    print(
        f"    median: straight to PouchDB Server "
        f"{statistics.median(direct):.2f} s, through the gateway {statistics.median(gateway):.2f} s"
    )
    print(f"    gateway / direct: {ratio:.2f}x (the sync target of issue 5: <= 1.5x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5, help="sync runs (browser timings: 7)")
    parser.add_argument(
        "--batch-sizes", default="10", help="PouchDB batch sizes to push with, e.g. 10,4"
    )
    parser.add_argument("--no-browser", action="store_true", help="the sync figures only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        couch = start_pouchdb(data_dir=tmp / "couch", admin=random_admin())
        url, engine, drop = fresh_database("sqlite://", tmp)
        settings = Settings(
            database_url=url,
            couchdb_url=couch.admin_url,
            media_root=tmp / "media",
            secret_key="bench-only",
        )
        counting = Counting(None)
        app = create_app(settings)
        counting.app = app.wsgi_app
        app.wsgi_app = counting  # type: ignore[method-assign]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            live = Live(url, engine, couch.admin_url, base, tmp)
            world = build_field_world(live)
            couch_client = CouchClient(couch.admin_url)
            worker = Worker(make_sessionmaker(engine), couch_client, FilesystemBlobStore(tmp / "m"))
            worker.run_once()
            worker.close()
            couch_client.close()
            if not args.no_browser:
                browser_part(base, world, counting, 7)
            web, served = gunicorn(url, couch.admin_url, tmp)
            try:
                for batch in (int(b) for b in args.batch_sizes.split(",")):
                    sync_part(served, couch.admin_url, world, tmp, args.photos, args.runs, batch)
            finally:
                web.terminate()
                web.wait(timeout=10)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            app.extensions["engine"].dispose()
            drop()
            couch.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
