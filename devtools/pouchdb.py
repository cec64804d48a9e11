"""Start and stop PouchDB Server, the CouchDB-protocol server for development and the tests.

Production runs Apache CouchDB 3.x. On one machine, and in the tests, PouchDB Server (the npm
package pinned in package.json) answers the same protocol on loopback. This module spawns it
with everything it writes kept inside one data directory, never in the repository or the
current directory:

    <data_dir>/config.json          PouchDB Server's ``/_config`` store; it keeps its uuid there
    <data_dir>/log.txt              its log (unless ``log_path`` says elsewhere)
    <data_dir>/pouchdb-server.out   what the node process itself prints (crashes, "port in use")
    <data_dir>/databases/           one LevelDB directory per database (empty when in memory)

From a shell, for developers (runs in the foreground until Ctrl-C):

    python -m devtools.pouchdb --port 5984 --data-dir instance/couchdb

PouchDB Server's command line, as read in node_modules/pouchdb-server/lib/index.js (4.2.0):

* ``--port 0`` does not mean "any port": 0 is falsy there and it falls back to 5984, so a free
  port is picked here and passed explicitly.
* ``--no-stdout-logs`` is a no-op: its option parser reads ``--no-x`` as "x = false", so it
  sets an unknown ``stdout-logs`` option. The short form ``-n`` works and is used.
* ``--dir`` and ``--config`` are honoured, but the log file is ``./log.txt`` relative to the
  process's working directory unless ``log.file`` is set in config.json. So the process runs
  with its working directory set to data_dir, and ``log.file`` is written into config.json.
* Command-line options win over config.json; ``--host``/``--port`` are always passed.

Security (express-pouchdb 4.2.0, read in node_modules/express-pouchdb/lib and
node_modules/pouchdb-server/lib/cors.js): out of the box PouchDB Server is in "admin party" (every
request, anonymous included, is a server admin) and answers CORS requests from any origin with
credentials. ``start_pouchdb(admin=(name, password))`` writes ``admins`` into config.json, which
PouchDB Server hashes in place (pbkdf2) when it starts; from then on anonymous requests are not
admins, ``/_config`` and ``/_log`` answer 401, and a database whose ``_security`` names only the
``_admin`` role (every inspector database, sync/provision.py) refuses anonymous reads and writes.
CORS is always switched off here (``httpd.enable_cors = false``): no browser page may talk to it.
Known limits of 4.2.0 with an admin: an anonymous ``GET /_all_dbs`` still lists the database
names, and an anonymous ``PUT /<new db>`` or ``PUT /<db>/_security`` is refused by crashing the
process (an unhandled rejection in express-pouchdb); nothing is written, the server must be
started again. It is a development server on loopback; production runs Apache CouchDB.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
POUCHDB_SERVER_BIN = REPO_ROOT / "node_modules" / ".bin" / "pouchdb-server"

DEFAULT_STARTUP_TIMEOUT = 30.0
DEFAULT_STOP_TIMEOUT = 10.0

_AUTO_PORT_ATTEMPTS = 3
# Loopback only, and never through an HTTP proxy from the environment.
_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PouchDBError(RuntimeError):
    """PouchDB Server is not installed, did not start, or could not be stopped."""


class _PortTakenError(PouchDBError):
    """The port was taken between choosing it and the server binding it."""


class PouchDBServer:
    """A running PouchDB Server process; ``stop()`` it, or use it as a context manager."""

    def __init__(
        self,
        *,
        process: subprocess.Popen[bytes],
        host: str,
        port: int,
        data_dir: Path,
        log_path: Path,
        output_path: Path,
        log_offset: int,
        admin: tuple[str, str] | None = None,
    ) -> None:
        self.process = process
        self.admin = admin
        self.host = host
        self.port = port
        self.url = f"http://{_url_host(host)}:{port}"
        self.data_dir = data_dir
        self.log_path = log_path
        self.output_path = output_path
        self.log_offset = log_offset  # where this run's lines start in log_path

    @property
    def admin_url(self) -> str:
        """The URL with the admin's credentials (percent-encoded); ``url`` when there is none."""
        if self.admin is None:
            return self.url
        name, password = (quote(part, safe="") for part in self.admin)
        return f"http://{name}:{password}@{_url_host(self.host)}:{self.port}"

    def __repr__(self) -> str:
        state = "running" if self.is_running() else f"exited {self.process.returncode}"
        return f"<PouchDBServer {self.url} pid={self.process.pid} {state}>"

    def __enter__(self) -> PouchDBServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> int:
        """Terminate the server's process group, kill it after ``timeout`` s; return the status.

        Safe to call more than once.
        """
        _running.discard(self)
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout)
        return self.process.returncode

    def _signal_group(self, signum: signal.Signals) -> None:
        # Only called while the process is not yet reaped, so its pid (= its process group id,
        # it was started in a new session) cannot have been reused.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def diagnostics(self, lines: int = 20) -> str:
        """The tail of the server's log and of the node process's own output."""
        parts = []
        for title, path in (("log", self.log_path), ("process output", self.output_path)):
            tail = _tail(path, lines)
            parts.append(f"--- {title} ({path}) ---\n{tail or '(empty)'}")
        return "\n".join(parts)


_running: set[PouchDBServer] = set()


@atexit.register
def _stop_all() -> None:
    """Do not leave servers behind when the interpreter exits without stopping them."""
    for server in list(_running):
        server.stop()


def start_pouchdb(
    *,
    port: int | None = None,
    data_dir: Path,
    host: str = "127.0.0.1",
    log_path: Path | None = None,
    in_memory: bool = False,
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
    admin: tuple[str, str] | None = None,
) -> PouchDBServer:
    """Start PouchDB Server on loopback and return once ``GET /`` answers.

    ``port=None`` picks a free port. ``data_dir`` holds its databases, config and log (see the
    module docstring); ``log_path`` moves the log elsewhere. ``in_memory`` keeps the databases
    in memory only (config and log are still written to disk). ``admin=(name, password)``
    makes that the only server admin (replacing any other in config.json); without it the
    server is in "admin party", for tests of the server itself only. CORS is always off.
    """
    _check_installed()
    _check_loopback(host)
    data_dir = Path(data_dir).resolve()
    if data_dir == REPO_ROOT:
        raise ValueError("data_dir must not be the repository root; use e.g. instance/couchdb")
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)  # config.json holds the admin's password hash
    log_path = (Path(log_path) if log_path is not None else data_dir / "log.txt").resolve()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    _write_config(data_dir / "config.json", log_path, admin)

    if port is not None:
        if not _port_is_free(host, port):
            raise PouchDBError(
                f"port {port} on {host} is already in use "
                "(another CouchDB or PouchDB Server running?)"
            )
        return _spawn(
            host=host,
            port=port,
            data_dir=data_dir,
            log_path=log_path,
            in_memory=in_memory,
            startup_timeout=startup_timeout,
            admin=admin,
        )

    for attempt in range(_AUTO_PORT_ATTEMPTS):
        try:
            return _spawn(
                host=host,
                port=_free_port(host),
                data_dir=data_dir,
                log_path=log_path,
                in_memory=in_memory,
                startup_timeout=startup_timeout,
                admin=admin,
            )
        except _PortTakenError:
            if attempt == _AUTO_PORT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _spawn(
    *,
    host: str,
    port: int,
    data_dir: Path,
    log_path: Path,
    in_memory: bool,
    startup_timeout: float,
    admin: tuple[str, str] | None = None,
) -> PouchDBServer:
    databases_dir = data_dir / "databases"
    databases_dir.mkdir(exist_ok=True)
    config_path = data_dir / "config.json"
    output_path = data_dir / "pouchdb-server.out"
    command = [
        str(POUCHDB_SERVER_BIN),
        "--host", host,
        "--port", str(port),
        "--dir", str(databases_dir),
        "--config", str(config_path),
        "-n",  # the log goes to log_path only; `--no-stdout-logs` would be ignored (see above)
    ]  # fmt: skip
    if in_memory:
        command.append("--in-memory")
    env = dict(os.environ)
    env.pop("PORT", None)  # pouchdb-server's default port; --port is always given anyway
    log_offset = log_path.stat().st_size if log_path.exists() else 0

    with output_path.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=data_dir,  # anything it writes relative to its cwd lands in data_dir
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: a Ctrl-C aimed at us does not reach it
        )
    server = PouchDBServer(
        process=process,
        host=host,
        port=port,
        data_dir=data_dir,
        log_path=log_path,
        output_path=output_path,
        log_offset=log_offset,
        admin=admin,
    )
    _running.add(server)
    try:
        _wait_until_ready(server, config_path, startup_timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: PouchDBServer, config_path: Path, timeout: float) -> None:
    started = time.monotonic()
    while True:
        status = server.process.poll()
        if status is not None:
            if not _port_is_free(server.host, server.port):
                # With -n, pouchdb-server 4.2.0 hides EADDRINUSE behind a crash in its error
                # handler ("stopTailingLog is not a function"); the port tells the real story.
                raise _PortTakenError(
                    f"port {server.port} on {server.host} was taken by another process\n"
                    + server.diagnostics()
                )
            raise PouchDBError(
                f"PouchDB Server exited with status {status} before answering on {server.url}\n"
                + server.diagnostics()
            )
        info = _get_root(server.url)
        # The uuid check makes sure it is this process that answers, not another server that
        # grabbed the port first: PouchDB Server saves its uuid to config.json before replying.
        uuid = info.get("uuid") if info is not None else None
        if uuid is not None and uuid == _config_uuid(config_path):
            return
        if time.monotonic() - started > timeout:
            raise PouchDBError(
                f"PouchDB Server did not answer GET {server.url}/ within {timeout:.0f} s\n"
                + server.diagnostics()
            )
        time.sleep(0.05)


def _get_root(url: str) -> dict[str, Any] | None:
    try:
        with _LOCAL_OPENER.open(url + "/", timeout=1) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        exc.close()
        return None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    return body if isinstance(body, dict) else None


def _config_uuid(config_path: Path) -> object:
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    section = config.get("couchdb") if isinstance(config, dict) else None
    return section.get("uuid") if isinstance(section, dict) else None


def _write_config(config_path: Path, log_path: Path, admin: tuple[str, str] | None = None) -> None:
    """Point PouchDB Server's log at log_path, switch CORS off, set the admin (if given),
    keeping whatever else its config.json holds (its uuid)."""
    config: dict[str, Any] = {}
    if config_path.exists():
        try:
            loaded = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PouchDBError(f"cannot read PouchDB Server's config {config_path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise PouchDBError(f"PouchDB Server's config {config_path} is not a JSON object")
        config = loaded
    section = config.get("log")
    if not isinstance(section, dict):
        section = config["log"] = {}
    section["file"] = str(log_path)
    httpd = config.get("httpd")
    if not isinstance(httpd, dict):
        httpd = config["httpd"] = {}
    httpd["enable_cors"] = False
    if admin is not None:
        # Plain text here; PouchDB Server replaces it by its pbkdf2 hash as it starts.
        config["admins"] = {admin[0]: admin[1]}
    staging = config_path.with_name(config_path.name + ".new")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(json.dumps(config, indent=2) + "\n")
    staging.replace(config_path)


def _check_installed() -> None:
    if not POUCHDB_SERVER_BIN.exists():
        raise PouchDBError(
            f"PouchDB Server is not installed ({POUCHDB_SERVER_BIN} is missing): "
            "run `make install` (npm ci) first"
        )
    if shutil.which("node") is None:
        raise PouchDBError("Node.js is not on PATH: PouchDB Server needs `node` (version 20)")


def _check_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"PouchDB Server binds to a loopback address only, not {host!r}")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _free_port(host: str) -> int:
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        # Node sets SO_REUSEADDR too: a port in TIME_WAIT is free for it, a listening one is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _tail(path: Path, lines: int) -> str:
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            file.seek(max(0, file.tell() - 16 * 1024))
            data = file.read()
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def _follow(server: PouchDBServer, poll_interval: float = 0.25) -> int:
    """Echo the server's log to stdout until the process exits; return its exit status."""
    offset = server.log_offset
    while True:
        status = server.process.poll()
        try:
            with server.log_path.open("rb") as log:
                log.seek(offset)
                chunk = log.read()
        except OSError:
            chunk = b""
        if chunk:
            offset += len(chunk)
            sys.stdout.write(chunk.decode("utf-8", "replace"))
            sys.stdout.flush()
        if status is not None:
            print(f"PouchDB Server exited with status {status}", file=sys.stderr)
            print(_tail(server.output_path, 20), file=sys.stderr)
            return status or 1
        time.sleep(poll_interval)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.pouchdb",
        description="Run PouchDB Server on loopback in the foreground until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=5984, help="default: %(default)s")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("instance/couchdb"),
        help="databases, config.json and log.txt go here (default: %(default)s)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--log-path", type=Path, default=None, help="default: DATA_DIR/log.txt")
    parser.add_argument(
        "--in-memory", action="store_true", help="keep databases in memory only (lost on exit)"
    )
    args = parser.parse_args(argv)

    # `kill <pid>` (or a process supervisor) stops the server too, not just Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server = start_pouchdb(
            port=args.port,
            data_dir=args.data_dir,
            host=args.host,
            log_path=args.log_path,
            in_memory=args.in_memory,
        )
    except (PouchDBError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(
        f"PouchDB Server is up at {server.url} (pid {server.process.pid}, data in "
        f"{server.data_dir}); Ctrl-C stops it.",
        flush=True,
    )
    try:
        return _follow(server)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
