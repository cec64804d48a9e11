"""Settings from the environment, with embedded defaults for one machine.

| variable       | default                                             |
|----------------|-----------------------------------------------------|
| DATABASE_URL   | SQLite file ``instance/grading.sqlite3``            |
| COUCHDB_URL    | the local PouchDB Server, ``http://127.0.0.1:5984`` |
| MEDIA_ROOT     | ``instance/media``                                  |
| SECRET_KEY     | generated once into ``instance/secret_key``         |
| TOKEN_MAX_AGE  | 43200 seconds (12 hours)                            |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, the second reads what the first wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    couchdb_url: str
    media_root: Path
    secret_key: str = field(repr=False)
    token_max_age: int = 12 * 3600
    # Seconds without a sync worker heartbeat before health says "stale" (it beats every 30 s).
    worker_stale_after: int = 120

    @classmethod
    def from_env(cls) -> Settings:
        instance = instance_path()
        instance.mkdir(parents=True, exist_ok=True)
        return cls(
            database_url=os.environ.get(
                "DATABASE_URL", f"sqlite:///{instance / 'grading.sqlite3'}"
            ),
            couchdb_url=os.environ.get("COUCHDB_URL", "http://127.0.0.1:5984"),
            media_root=Path(os.environ.get("MEDIA_ROOT", instance / "media")),
            secret_key=_secret_key(instance),
            token_max_age=int(os.environ.get("TOKEN_MAX_AGE", str(12 * 3600))),
            worker_stale_after=int(os.environ.get("WORKER_STALE_AFTER", "120")),
        )
