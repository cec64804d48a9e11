"""The filesystem blob store: content-addressed, byte-exact, idempotent, never overwriting."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest

from media import BlobIntegrityError, BlobNotFoundError, FilesystemBlobStore
from media.blobstore import derivative_key, original_key

DATA = b"\xff\xd8\xff photo bytes \x00\x01" * 1000
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> FilesystemBlobStore:
    return FilesystemBlobStore(tmp_path / "media")


def test_layout_and_byte_exact_read(store: FilesystemBlobStore) -> None:
    assert store.put(DATA) == SHA
    path = store.root / "originals" / SHA[:2] / SHA[2:4] / SHA
    assert store.path(SHA) == path and path.read_bytes() == DATA
    assert store.exists(SHA) and store.size(SHA) == len(DATA)
    assert store.read(SHA) == DATA
    with store.open(SHA) as stream:
        assert stream.read(3) == b"\xff\xd8\xff"
    assert not stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.verify(SHA)


def test_same_bytes_twice_are_one_blob(store: FilesystemBlobStore) -> None:
    assert store.put(DATA) == store.put(DATA, expected_sha256=SHA) == SHA
    files = [p for p in (store.root / "originals").rglob("*") if p.is_file()]
    assert files == [store.path(SHA)]
    assert list((store.root / "tmp").iterdir()) == []  # no partial writes left behind


def test_concurrent_puts_of_the_same_bytes(store: FilesystemBlobStore) -> None:
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(store.put(DATA))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [SHA] * 8
    assert store.read(SHA) == DATA
    assert list((store.root / "tmp").iterdir()) == []


def test_wrong_expected_hash_stores_nothing(store: FilesystemBlobStore) -> None:
    with pytest.raises(BlobIntegrityError):
        store.put(DATA, expected_sha256="0" * 64)
    assert not store.exists(SHA)


def test_an_existing_original_is_never_overwritten(store: FilesystemBlobStore) -> None:
    store.put(DATA)
    path = store.path(SHA)
    path.chmod(0o644)
    path.write_bytes(b"tampered")  # someone changed it behind the store's back
    with pytest.raises(BlobIntegrityError, match="different size"):
        store.put(DATA)
    assert path.read_bytes() == b"tampered"  # left for an operator to investigate
    assert not store.verify(SHA)


def test_derivatives(store: FilesystemBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.put_derivative(SHA, "thumb", b"small")
    store.put(DATA)
    store.put_derivative(SHA, "thumb", b"small")
    store.put_derivative(SHA, "thumb", b"smaller")  # regenerated
    assert store.read_derivative(SHA, "thumb") == b"smaller"
    assert store.derivative_path(SHA, "thumb") == store.root / derivative_key(SHA, "thumb")
    assert derivative_key(SHA, "thumb") == f"derivatives/{SHA[:2]}/{SHA[2:4]}/{SHA}.thumb.jpg"
    with pytest.raises(BlobNotFoundError):
        store.read_derivative(SHA, "preview")


def test_missing_blob_and_bad_names(store: FilesystemBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.read("f" * 64)
    with pytest.raises(BlobNotFoundError):
        store.size("f" * 64)
    for bad in ("../../etc/passwd", "F" * 64, "a" * 63, ""):
        with pytest.raises(ValueError):
            original_key(bad)
    for kind in ("../x", "Thumb", "", "a" * 40):
        with pytest.raises(ValueError):
            derivative_key(SHA, kind)


def test_write_is_verified_by_reading_back(
    store: FilesystemBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FlakyDisk:
        def __init__(self, stream: object) -> None:
            self.stream = stream

        def __getattr__(self, name: str) -> object:
            return getattr(self.stream, name)

        def __enter__(self) -> FlakyDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            return self.stream.write(data[:-1])  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FlakyDisk(real_fdopen(fd, mode)))
    with pytest.raises(BlobIntegrityError, match="read back"):
        store.put(DATA)
    assert not store.exists(SHA)
    assert list((store.root / "tmp").iterdir()) == []
