"""Start and stop a throwaway Apache CouchDB 3.5.0 from the release tarball (tests, benchmarks).

Production runs Apache CouchDB 3. The tarball (``../shared/couchdb/``, a release build for
Debian 12; its README) is unpacked into a temporary folder of its own, configured, started,
and removed again when stopped:

* ``single_node = true``, bound to 127.0.0.1 on a free port (or the one asked for),
* an admin with a random password (``server.admin_url`` carries it; ``server.url`` does not),
* its own Erlang node name (``couchdb-<random>@127.0.0.1``) and cookie, so two can run on one
  machine, and its data, logs and configuration all inside the folder.

``stop()`` leaves the folder so ``start()`` can bring the same server (same port, same data)
back: the recovery tests restart CouchDB in the middle of a sync. ``close()`` stops it and
removes the folder.

Where the tarball is: ``COUCHDB_TARBALL``, else ``$SHARED_DIR/couchdb/<name>``, where
``SHARED_DIR`` defaults to ``../shared`` beside the repository. From a shell:

    python -m devtools.couchdb check            # exit 0 when the tarball is there
    python -m devtools.couchdb run -- CMD ...   # CMD with TEST_COUCHDB_URL set, then clean up
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

import requests

from devtools.pouchdb import _free_port, _port_is_free, _tail
from devtools.secrets import random_admin

REPO_ROOT = Path(__file__).resolve().parent.parent
TARBALL_NAME = "apache-couchdb-3.5.0-debian12-amd64.tar.gz"
DEFAULT_STARTUP_TIMEOUT = 90.0
DEFAULT_STOP_TIMEOUT = 20.0
HOST = "127.0.0.1"


class CouchDBError(RuntimeError):
    """The tarball is missing, or Apache CouchDB did not start or stop."""


def shared_dir() -> Path:
    return Path(os.environ.get("SHARED_DIR") or REPO_ROOT.parent / "shared").resolve()


def find_tarball() -> Path | None:
    """The release tarball, or ``None`` when this machine has none."""
    configured = os.environ.get("COUCHDB_TARBALL")
    path = Path(configured) if configured else shared_dir() / "couchdb" / TARBALL_NAME
    return path if path.is_file() else None


class ApacheCouchDB:
    """One unpacked Apache CouchDB; ``start()``/``stop()`` it, ``close()`` removes it."""

    def __init__(self, root: Path, port: int, admin: tuple[str, str]) -> None:
        self.root = root
        self.port = port
        self.admin = admin
        self.url = f"http://{HOST}:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.output_path = root / "couchdb.out"

    @property
    def admin_url(self) -> str:
        name, password = (quote(part, safe="") for part in self.admin)
        return f"http://{name}:{password}@{HOST}:{self.port}"

    def __repr__(self) -> str:
        return f"<ApacheCouchDB {self.url} running={self.is_running()}>"

    def __enter__(self) -> ApacheCouchDB:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = DEFAULT_STARTUP_TIMEOUT) -> None:
        """Start it (again) on its port with its data; return once it answers as Apache CouchDB
        with the admin's credentials."""
        if self.is_running():
            return
        if not _port_is_free(HOST, self.port):
            raise CouchDBError(f"port {self.port} on {HOST} is already in use")
        with self.output_path.open("ab") as output:
            self.process = subprocess.Popen(
                [str(self.root / "couchdb" / "bin" / "couchdb")],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
                env={**os.environ, "HOME": str(self.root)},  # its cookie file stays inside
            )
        _running.add(self)
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with requests.Session() as session:
            session.trust_env = False
            session.auth = self.admin
            while True:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise CouchDBError(
                        f"Apache CouchDB exited with status {self.process.returncode}\n"
                        + _tail(self.output_path, 30)
                    )
                try:
                    # _up answers only once the node is ready; the admin's credentials prove
                    # it is this server (another one on the port would refuse them).
                    answer = session.get(f"{self.url}/_up", timeout=2)
                    if answer.status_code == 200:
                        return
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise CouchDBError(
                        f"Apache CouchDB did not answer on {self.url} within {timeout:.0f} s\n"
                        + _tail(self.output_path, 30)
                    )
                time.sleep(0.2)

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> None:
        """Stop the process group (SIGTERM, then SIGKILL); the folder stays. Idempotent."""
        _running.discard(self)
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)

    def close(self) -> None:
        """Stop it and remove its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


_running: set[ApacheCouchDB] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_running):
        server.close()


def start_couchdb(
    tarball: Path | None = None,
    *,
    port: int | None = None,
    parent: Path | None = None,
    timeout: float = DEFAULT_STARTUP_TIMEOUT,
) -> ApacheCouchDB:
    """Unpack the tarball into a new temporary folder (under ``parent``), configure and start
    it. Raises ``CouchDBError`` when there is no tarball."""
    tarball = tarball or find_tarball()
    if tarball is None:
        raise CouchDBError(
            f"no Apache CouchDB tarball: set COUCHDB_TARBALL or put {TARBALL_NAME} under "
            f"{shared_dir() / 'couchdb'}"
        )
    root = Path(tempfile.mkdtemp(prefix="couchdb-", dir=parent))
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(root, filter="tar")
        port = port or _free_port(HOST)
        admin = random_admin("admin")
        _configure(root, port, admin)
        server = ApacheCouchDB(root, port, admin)
        server.start(timeout)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server


def _configure(root: Path, port: int, admin: tuple[str, str]) -> None:
    home = root / "couchdb"
    data = root / "data"
    data.mkdir()
    ini = home / "etc" / "local.d" / "90-test.ini"
    ini.write_text(
        "[couchdb]\n"
        "single_node = true\n"
        f"database_dir = {data}\n"
        f"view_index_dir = {data}\n"
        "[chttpd]\n"
        f"bind_address = {HOST}\n"
        f"port = {port}\n"
        "[httpd]\n"
        f"bind_address = {HOST}\n"
        "enable_cors = false\n"
        "[chttpd_auth]\n"
        f"secret = {secrets.token_hex(16)}\n"
        "[log]\n"
        "level = warning\n"
        "[smoosh]\n"
        "db_channels = \n"  # no background compaction in a throwaway server
        "view_channels = \n"
        "[admins]\n"
        f"{admin[0]} = {admin[1]}\n",
        encoding="utf-8",
    )
    ini.chmod(0o600)
    vm_args = home / "etc" / "vm.args"
    node = f"couchdb-{secrets.token_hex(6)}@{HOST}"
    lines = []
    for line in vm_args.read_text(encoding="utf-8").splitlines():
        if line.startswith("-name "):
            lines += [f"-name {node}", f"-setcookie {secrets.token_hex(16)}"]
        elif not line.startswith("-setcookie"):
            lines.append(line)
    vm_args.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(command: list[str], variable: str) -> int:
    tarball = find_tarball()
    if tarball is None:
        print(f"no Apache CouchDB tarball ({TARBALL_NAME}): skipping the Apache CouchDB run")
        return 0
    started = time.monotonic()
    with start_couchdb(tarball) as server:
        print(
            f"Apache CouchDB 3.5.0 on {server.url} (admin with a random password, "
            f"up in {time.monotonic() - started:.1f} s)",
            flush=True,
        )
        env = {**os.environ, variable: server.admin_url}
        return subprocess.call(command, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.couchdb", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("check", help="exit 0 when the tarball is there, 1 (with a message) if not")
    run = sub.add_parser("run", help="run a command against a fresh Apache CouchDB")
    run.add_argument("--variable", default="TEST_COUCHDB_URL", help="default: %(default)s")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    if args.action == "check":
        tarball = find_tarball()
        if tarball is None:
            print(f"no Apache CouchDB tarball ({TARBALL_NAME} under {shared_dir()}/couchdb)")
            return 1
        print(tarball)
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    return _run(command, args.variable)


if __name__ == "__main__":
    sys.exit(main())
