"""Settings from the environment, with embedded defaults for one machine.

| variable       | default                                             |
|----------------|-----------------------------------------------------|
| DATABASE_URL   | SQLite file ``instance/grading.sqlite3``            |
| COUCHDB_URL    | the local PouchDB Server, ``http://127.0.0.1:5984`` |
| MEDIA_ROOT     | ``instance/media``                                  |
| SECRET_KEY     | generated once into ``instance/secret_key``         |
| TOKEN_MAX_AGE  | 43200 seconds (12 hours)                            |
| GRADING_ENV    | ``production`` (``make run`` sets ``development``)  |
| SESSION_COOKIE_SECURE | on (``0``: the reviewer pages' cookie also over plain HTTP, for a |
|                | development server on loopback)                     |
| SIGN_IN_LOCK_SECONDS | 900: how long an account or address stays locked out |
| TRUSTED_PROXIES | 0: reverse proxies in front whose X-Forwarded-For/-Proto are believed |

The instance folder, the SQLite file, the secret key and the media store are the service
user's only (0700 folders, 0600 files): set when created, and corrected at start-up.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production")


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """The configured secret, or one generated on first start and kept under ``instance/``."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, the second reads what the first wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value not in {"0", "false", "no", "off"}


@dataclass(frozen=True)
class SignInLimits:
    """Brute-force limits of every sign-in door (API token, gateway basic auth, sign-in page).

    The first ``free_failures`` wrong passwords cost nothing; each further one makes the next
    attempt wait twice as long (2, 4, 8 … seconds, at most ``max_delay``); at ``lock_after``
    failures of one account, or ``address_lock_after`` from one client address, that account or
    address is locked out for ``lock_seconds``. Failures older than ``lock_seconds`` are
    forgotten, and a good password clears its account's count.
    """

    free_failures: int = 3
    max_delay: int = 60
    lock_after: int = 10
    address_lock_after: int = 30
    lock_seconds: int = 900


@dataclass(frozen=True)
class Settings:
    database_url: str
    couchdb_url: str
    media_root: Path
    secret_key: str = field(repr=False)
    token_max_age: int = 12 * 3600
    environment: str = "production"
    """``production`` refuses to start against an open CouchDB; ``development`` warns."""
    # The reviewer pages' cookie only over HTTPS; off only for a development server on loopback.
    session_cookie_secure: bool = True
    sign_in: SignInLimits = field(default_factory=SignInLimits)
    # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none; the client address
    # is the socket's). Only that many hops are believed, so a client cannot forge its address.
    trusted_proxies: int = 0
    # Seconds without a sync worker heartbeat before health says "stale" (it beats every 30 s).
    worker_stale_after: int = 120

    @classmethod
    def from_env(cls) -> Settings:
        instance = instance_path()
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings = cls(
            database_url=os.environ.get(
                "DATABASE_URL", f"sqlite:///{instance / 'grading.sqlite3'}"
            ),
            couchdb_url=os.environ.get("COUCHDB_URL", "http://127.0.0.1:5984"),
            media_root=Path(os.environ.get("MEDIA_ROOT", instance / "media")),
            secret_key=_secret_key(instance),
            token_max_age=int(os.environ.get("TOKEN_MAX_AGE", str(12 * 3600))),
            environment=_environment(),
            session_cookie_secure=_flag("SESSION_COOKIE_SECURE", True),
            sign_in=SignInLimits(lock_seconds=int(os.environ.get("SIGN_IN_LOCK_SECONDS", "900"))),
            trusted_proxies=int(os.environ.get("TRUSTED_PROXIES", "0")),
            worker_stale_after=int(os.environ.get("WORKER_STALE_AFTER", "120")),
        )
        secure_files(settings)
        return settings


def _environment() -> str:
    value = os.environ.get("GRADING_ENV", "production").strip().lower()
    if value not in ENVIRONMENTS:
        raise ValueError(f"GRADING_ENV must be one of {', '.join(ENVIRONMENTS)}, not {value!r}")
    return value


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (``sqlite:///path``), or None (memory, another database)."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    name = database_url[len(prefix) :].split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def _owner_only(path: Path, mode: int) -> None:
    try:
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(mode)
    except OSError:  # not ours to change (a mounted volume): the operator's to fix
        pass


def secure_files(settings: Settings) -> None:
    """Make the instance folder, the SQLite file (with its WAL files), the secret key and the
    media store readable by the service user only; the media store is created so if missing."""
    instance = instance_path()
    _owner_only(instance, 0o700)
    _owner_only(instance / "secret_key", 0o600)
    settings.media_root.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(settings.media_root, 0o700)
    database = sqlite_path(settings.database_url)
    if database is not None:
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not database.exists():
            # Created empty with the right mode, so SQLite never makes it world-readable.
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
        for suffix in ("", "-wal", "-shm"):
            _owner_only(Path(f"{database}{suffix}"), 0o600)
