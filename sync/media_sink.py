"""Where the worker keeps photo bytes: the media store's content-addressed originals."""

from __future__ import annotations

from pathlib import Path

from media.blobstore import FilesystemBlobStore


def media_store(root: Path) -> FilesystemBlobStore:
    return FilesystemBlobStore(root)
