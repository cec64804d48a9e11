"""The run command (`make run`): the whole system on one machine, stopped together by Ctrl-C.

1. PouchDB Server on 127.0.0.1 (unless COUCHDB_URL points at a CouchDB already running), with
   an admin whose random password is kept in ``instance/couchdb_admin`` (mode 0600, never
   printed) and CORS off; the web app and the worker get the credentials in COUCHDB_URL,
2. Alembic migrations on DATABASE_URL (default: SQLite under instance/),
3. the demo city, loaded once into an empty database,
4. the web app under gunicorn on 127.0.0.1 (WEB_PORT, default 5000), with the sync gateway,
5. the sync worker (``python -m sync``), supervised: restarted with a growing pause if it exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from devtools.pouchdb import PouchDBServer, start_pouchdb
from devtools.secrets import admin_credentials
from devtools.supervise import Supervisor

if TYPE_CHECKING:
    from server.demo.field import FieldDemo

REPO_ROOT = Path(__file__).resolve().parent.parent


def _prepare_database() -> FieldDemo | None:
    from media import FilesystemBlobStore
    from server.config import Settings
    from server.db import make_engine, make_sessionmaker
    from server.demo.field import ready_field_assignment
    from server.demo.load import DEMO_PASSWORD, demo_accounts, load_demo_city
    from server.migrate import upgrade

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    session = make_sessionmaker(engine)()
    try:
        media = FilesystemBlobStore(settings.media_root)
        result = load_demo_city(session, only_if_empty=True, media=media)
        field = ready_field_assignment(session)  # the field app's plant, its window from today
        session.commit()
    finally:
        session.close()
        engine.dispose()
    print(result.summary())
    print(f"\nDemo accounts (password: {DEMO_PASSWORD}):")
    for username, role, county in demo_accounts():
        print(f"  {username:<20} {role:<16} {county or 'whole city'}")
    return field


def start_local_couchdb(instance: Path, port: int | None) -> PouchDBServer:
    """PouchDB Server as the local CouchDB: an admin whose random password is kept in
    ``instance/couchdb_admin`` (mode 0600), CORS off. Prints where it is, never the password."""
    admin = admin_credentials(instance / "couchdb_admin")
    couch = start_pouchdb(port=port, data_dir=instance / "couchdb", admin=admin)
    print(
        f"PouchDB Server (the CouchDB) on {couch.url}, data in {instance / 'couchdb'}; "
        f"admin '{admin[0]}', password in {instance / 'couchdb_admin'}"
    )
    return couch


def gunicorn_command(port: int) -> list[str]:
    """The web app under gunicorn, configured by gunicorn.conf.py (threaded workers, slow
    clients bounded); WEB_WORKERS and WEB_THREADS size it."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(REPO_ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "wsgi:app",
    ]


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> int:
    # Explicit handlers: a shell may start us with SIGINT ignored, and SIGTERM must clean up too.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    os.chdir(REPO_ROOT)
    instance = Path(os.environ.get("INSTANCE_PATH", REPO_ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    web_port = int(os.environ.get("WEB_PORT", "5000"))
    # A development setup: an open CouchDB given in COUCHDB_URL is warned about, not refused.
    os.environ.setdefault("GRADING_ENV", "development")
    couch: PouchDBServer | None = None
    web: subprocess.Popen[bytes] | None = None
    worker: Supervisor | None = None
    try:
        if "COUCHDB_URL" not in os.environ:
            port = int(os.environ.get("COUCHDB_PORT", "5984"))
            couch = start_local_couchdb(instance, port)
            os.environ["COUCHDB_URL"] = couch.admin_url  # children only; never printed
        field = _prepare_database()
        web = subprocess.Popen(gunicorn_command(web_port), env=os.environ.copy())
        worker = Supervisor(
            "sync worker", [sys.executable, "-m", "sync"], env=os.environ.copy()
        ).start()
        time.sleep(1.0)
        url = f"http://127.0.0.1:{web_port}"
        print(f"\nWeb app: {url}   API docs: {url}/api/docs   health: {url}/api/health")
        print(f"Reviewer pages: {url}/review/ (sign in as city1, city2 or a county reviewer)")
        if field is not None:
            from server.demo.load import DEMO_PASSWORD

            print(
                f"Field app for inspectors: {url}/field/ (sign in as {field.username}, password "
                f"{DEMO_PASSWORD}: assignment {field.assignment_id}, {field.plant})"
            )
        print(f"Sync gateway for tablets: {url}/sync/inspector-<user id>   worker: python -m sync")
        print("Ctrl-C stops everything.\n")
        return web.wait()
    except KeyboardInterrupt:
        print("\nstopping: sync worker, web app, PouchDB Server")
        return 0
    finally:
        if worker is not None:
            worker.stop()
        for child in (web,):
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if couch is not None:
            couch.stop()


if __name__ == "__main__":
    sys.exit(main())
