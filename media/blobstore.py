"""Originals, content-addressed by sha256 and never modified; derivatives beside them.

``BlobStore`` is the interface the server and the worker program against; ``FilesystemBlobStore``
keeps it in a folder today and an object-store class can implement the same methods later (the
keys are the object names). Layout under the root::

    originals/ab/cd/abcd…(64 hex)              the bytes exactly as received, read-only
    derivatives/ab/cd/abcd….<kind>.jpg         previews and thumbnails (regenerable)
    tmp/                                       partial writes; never read

Two levels of two hex digits keep every folder small (65,536 leaves for millions of photos).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class BlobIntegrityError(Exception):
    """Bytes do not match the hash they were given or stored under."""


class BlobNotFoundError(LookupError):
    """No blob (or derivative) under that hash."""


def original_key(sha256: str) -> str:
    """The object name of an original: ``originals/ab/cd/<sha256>``."""
    _check_sha256(sha256)
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def derivative_key(sha256: str, kind: str) -> str:
    """The object name of a derivative: ``derivatives/ab/cd/<sha256>.<kind>.jpg``."""
    _check_sha256(sha256)
    if not _KIND.match(kind):
        raise ValueError(f"derivative kind {kind!r} must match {_KIND.pattern}")
    return f"derivatives/{sha256[:2]}/{sha256[2:4]}/{sha256}.{kind}.jpg"


class BlobStore(ABC):
    """Where photo bytes live. ``put`` is idempotent: the same bytes twice are one blob."""

    @abstractmethod
    def put(self, data: bytes, *, expected_sha256: str | None = None) -> str:
        """Store ``data`` once under its sha256 and return the hash; never overwrite an original.

        Raises ``BlobIntegrityError`` when ``expected_sha256`` differs from the bytes' hash or
        when what was written does not read back with the same hash.
        """

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def size(self, sha256: str) -> int:
        """Bytes in the original; raises ``BlobNotFoundError``."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A binary file object on the original (the caller closes it); ``BlobNotFoundError``."""

    @abstractmethod
    def put_derivative(self, sha256: str, kind: str, data: bytes) -> None:
        """Store (or replace) a derivative of an existing original; ``BlobNotFoundError``."""

    @abstractmethod
    def open_derivative(self, sha256: str, kind: str) -> BinaryIO: ...

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as stream:
            return stream.read()

    def read_derivative(self, sha256: str, kind: str) -> bytes:
        with self.open_derivative(sha256, kind) as stream:
            return stream.read()

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored original (for audits): True when it still matches its name."""
        digest = hashlib.sha256()
        with self.open(sha256) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256


class FilesystemBlobStore(BlobStore):
    """The blob store in a local folder; writes are atomic (temp file, fsync, link or rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / original_key(sha256)

    def derivative_path(self, sha256: str, kind: str) -> Path:
        return self.root / derivative_key(sha256, kind)

    def put(self, data: bytes, *, expected_sha256: str | None = None) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if expected_sha256 is not None and expected_sha256 != sha256:
            raise BlobIntegrityError(f"bytes hash to {sha256}, not {expected_sha256}")
        final = self.path(sha256)
        if not final.exists():
            temp = self._write_temp(data, sha256)
            try:
                final.parent.mkdir(parents=True, exist_ok=True)
                _link_no_replace(temp, final)
                final.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                _fsync_dir(final.parent)
            finally:
                temp.unlink(missing_ok=True)
        if final.stat().st_size != len(data):  # a same-named file that is not these bytes
            raise BlobIntegrityError(f"stored original {sha256} has a different size")
        return sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFoundError(sha256) from exc

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFoundError(sha256) from exc

    def put_derivative(self, sha256: str, kind: str, data: bytes) -> None:
        final = self.derivative_path(sha256, kind)
        if not self.exists(sha256):
            raise BlobNotFoundError(f"no original {sha256} for a {kind} derivative")
        temp = self._write_temp(data, hashlib.sha256(data).hexdigest())
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)  # derivatives may be regenerated: replacing is fine
        finally:
            temp.unlink(missing_ok=True)

    def open_derivative(self, sha256: str, kind: str) -> BinaryIO:
        try:
            return self.derivative_path(sha256, kind).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFoundError(f"{sha256} {kind}") from exc

    def _write_temp(self, data: bytes, sha256: str) -> Path:
        """Write to a temp file, flush it to disk, and check it reads back with the same hash."""
        handle, name = tempfile.mkstemp(dir=self._tmp, prefix=sha256[:16] + ".")
        temp = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if hashlib.sha256(temp.read_bytes()).hexdigest() != sha256:
                raise BlobIntegrityError(f"written bytes of {sha256} do not read back the same")
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp


def _link_no_replace(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target`` unless ``target`` exists (then keep what is there)."""
    try:
        os.link(source, target)
    except FileExistsError:
        return  # another writer stored the same content first; the content address says it is equal
    except OSError as exc:  # a filesystem without hard links: rename, unless someone beat us
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if not target.exists():
            os.replace(source, target)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_sha256(sha256: str) -> None:
    if not _SHA256.match(sha256):
        raise ValueError(f"{sha256!r} is not a lowercase hex sha256")
