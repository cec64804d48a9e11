"""Photo evidence toolkit: EXIF, derivatives, geofence and time checks, the blob store.

Pure Python; imports nothing of server or sync, and no Flask. Both doors (sync and REST upload)
call ``process`` (or ``ingest``, which also stores), then ``checks.evaluate`` with the context
they know. docs/media.md describes the pipeline, the reason codes and the storage layout.
"""

from media.blobstore import BlobIntegrityError, BlobNotFoundError, BlobStore, FilesystemBlobStore
from media.checks import (
    CheckContext,
    PhotoUse,
    RegisteredDevice,
    SiteBoundary,
    Thresholds,
    evaluate,
)
from media.derivatives import DerivativeSpec
from media.errors import REJECTIONS, PhotoRejected
from media.findings import FINDINGS, Finding, Severity
from media.metadata import MetadataProblem, PhotoMetadata
from media.pipeline import (
    DEFAULT_LIMITS,
    PREVIEW,
    THUMBNAIL,
    Limits,
    ProcessedPhoto,
    ingest,
    process,
)
from media.pool import BoundedPool, PoolFull

__all__ = [
    "DEFAULT_LIMITS",
    "FINDINGS",
    "PREVIEW",
    "REJECTIONS",
    "THUMBNAIL",
    "BlobIntegrityError",
    "BlobNotFoundError",
    "BlobStore",
    "BoundedPool",
    "CheckContext",
    "DerivativeSpec",
    "FilesystemBlobStore",
    "Finding",
    "Limits",
    "MetadataProblem",
    "PhotoMetadata",
    "PhotoRejected",
    "PhotoUse",
    "PoolFull",
    "ProcessedPhoto",
    "RegisteredDevice",
    "Severity",
    "SiteBoundary",
    "Thresholds",
    "evaluate",
    "ingest",
    "process",
]
