"""The local CouchDB's admin credentials, generated once and kept readable by their owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ADMIN_NAME = "grading_admin"


def admin_credentials(path: Path, name: str = ADMIN_NAME) -> tuple[str, str]:
    """``(name, password)`` from ``path`` (``name:password``), created with mode 0600 on first
    use with a random password. The password is never printed; read it from the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        password = secrets.token_urlsafe(24)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(f"{name}:{password}\n")
        return name, password
    os.chmod(path, 0o600)
    stored_name, _, password = path.read_text(encoding="utf-8").strip().partition(":")
    if stored_name and password:
        return stored_name, password
    raise ValueError(f"{path} should hold one line 'name:password'; delete it to start over")


def random_admin(name: str = ADMIN_NAME) -> tuple[str, str]:
    """A throwaway admin for a test server."""
    return name, secrets.token_urlsafe(18)
