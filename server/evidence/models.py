"""Photo evidence: each photo received, what it says about itself, its findings and custody.

A ``Photo`` is one use of a photo (a document id from a tablet or an upload); its bytes live in
the media store under their sha256, so the same bytes sent twice are one blob and two rows.
``PhotoFinding`` rows are what the checks said (replaced when the checks run again);
``PhotoCustody`` rows are appended, never changed: who sent it, by which door, who looked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow


class PhotoStatus:
    accepted = "accepted"  # stored, metadata read, checks run (findings may still be critical)
    rejected = "rejected"  # refused: not a photo we accept, or not for the inspector's visit
    withdrawn = "withdrawn"  # deleted on the tablet; kept here


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(120), unique=True)
    door: Mapped[str] = mapped_column(String(10))  # "sync" or "upload"
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    inspection_doc_id: Mapped[str | None] = mapped_column(String(120), index=True)
    item: Mapped[str | None] = mapped_column(String(200))  # the form item it answers
    device_id: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(40))  # as the sender claimed it
    tablet_taken_at: Mapped[dt.datetime | None]  # the time the tablet recorded
    # DevicePosition.to_dict(): where the tablet's browser said it was (lat, lon, accuracy_m, at)
    device_position: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    current_rev: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12))  # accepted | rejected | withdrawn
    problem: Mapped[str | None] = mapped_column(String(300))
    # What the content is (sniffed, never the name or the claimed type) and what it says.
    mime: Mapped[str | None] = mapped_column(String(40))
    # PhotoMetadata.to_dict(): the checks re-run from this without reading the original again.
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON)
    exif_taken_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # UTC
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS-84, as the camera wrote it
    longitude: Mapped[float | None] = mapped_column(Float)
    altitude_m: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    make: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    width: Mapped[int | None]
    height: Mapped[int | None]
    orientation: Mapped[int | None]
    # The 64-bit perceptual hash as a signed BIGINT (media.phash.to_signed) and its four
    # 16-bit bands, each indexed: near duplicates are found by probing the bands.
    phash: Mapped[int | None] = mapped_column(BigInteger)
    phash_band0: Mapped[int | None] = mapped_column(index=True)
    phash_band1: Mapped[int | None] = mapped_column(index=True)
    phash_band2: Mapped[int | None] = mapped_column(index=True)
    phash_band3: Mapped[int | None] = mapped_column(index=True)
    rejection_code: Mapped[str | None] = mapped_column(String(40))
    rejection: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # code, messages, data
    evaluated_at: Mapped[dt.datetime | None]

    findings: Mapped[list[PhotoFinding]] = relationship(
        back_populates="photo", order_by="PhotoFinding.id", cascade="all, delete-orphan"
    )
    custody: Mapped[list[PhotoCustody]] = relationship(
        back_populates="photo", order_by="PhotoCustody.id"
    )


class PhotoFinding(Base):
    """One thing the checks said about a photo (media.findings); replaced on re-evaluation."""

    __tablename__ = "photo_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))  # info | warning | critical
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evaluated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    photo: Mapped[Photo] = relationship(back_populates="findings")


class CustodyEvent:
    received = "received"  # bytes arrived, were stored and read
    refused = "refused"  # bytes arrived and were refused (the reason in ``detail``)
    reevaluated = "reevaluated"  # the checks ran again on a changed context
    viewed_preview = "viewed_preview"
    viewed_original = "viewed_original"
    downloaded = "downloaded"  # the original, as a file to keep


class PhotoCustody(Base):
    """The chain of custody: appended, never updated or deleted (enforced below)."""

    __tablename__ = "photo_custody"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    door: Mapped[str | None] = mapped_column(String(10))  # sync | upload | api
    device_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    photo: Mapped[Photo] = relationship(back_populates="custody")


@event.listens_for(PhotoCustody, "before_update")
@event.listens_for(PhotoCustody, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: PhotoCustody) -> None:
    raise RuntimeError(f"custody event {target.id} is append-only")


class Device(Base):
    """A tablet registered to an inspector, with what its camera writes in EXIF."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("user_id", "device_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(100))  # as the tablet reports it
    make: Mapped[str | None] = mapped_column(String(100))  # EXIF Make
    model: Mapped[str | None] = mapped_column(String(100))  # EXIF Model
    serial_number: Mapped[str | None] = mapped_column(String(100))  # EXIF BodySerialNumber
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
