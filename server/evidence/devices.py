"""Inspectors' registered tablets: the device check compares each photo's sender against these.

Make, model and serial are what the tablet's camera writes in EXIF (Make, Model,
BodySerialNumber), so a photo taken on another phone and passed to the tablet shows up.
Devices are retired (``active`` false), never deleted: old photos keep pointing at them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.audit.service import record
from server.errors import Forbidden, NotFound, ValidationFailed
from server.evidence.errors import DuplicateDevice
from server.evidence.models import Device

_CHANGEABLE = ("make", "model", "serial_number", "active")


def _inspector(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_devices(session: Session, *, actor: Actor, user_id: int) -> list[Device]:
    """An inspector's devices, for admins and for the inspector. Raises Forbidden, NotFound."""
    if not actor.is_admin and actor.user_id != user_id:
        raise Forbidden("only admins (and the inspector) see an inspector's devices")
    _inspector(session, user_id)
    query = select(Device).where(Device.user_id == user_id).order_by(Device.id)
    return list(session.scalars(query))


def register_device(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    device_id: str,
    make: str | None = None,
    model: str | None = None,
    serial_number: str | None = None,
) -> Device:
    """Register a tablet to an inspector (admin only).

    Raises Forbidden, NotFound, ValidationFailed (not an inspector), DuplicateDevice.
    """
    actor.require(Role.admin)
    user = _inspector(session, user_id)
    if user.role is not Role.inspector:
        raise ValidationFailed(
            "devices are registered to inspectors",
            errors={"user_id": [f"{user.username} is a {user.role.value}"]},
        )
    taken = select(Device.id).where(Device.user_id == user_id, Device.device_id == device_id)
    if session.scalar(taken) is not None:
        raise DuplicateDevice(f"{device_id} is already registered to {user.username}")
    device = Device(
        user_id=user_id,
        device_id=device_id,
        make=make,
        model=model,
        serial_number=serial_number,
        registered_by=actor.user_id,
        active=True,
    )
    session.add(device)
    session.flush()  # the id goes into the audit event
    record(
        session,
        actor_id=actor.user_id,
        action="device.registered",
        subject_type="device",
        subject_id=device.id,
        data={"user_id": user_id, "device_id": device_id, "make": make, "model": model},
    )
    return device


def update_device(
    session: Session, *, actor: Actor, user_id: int, device_pk: int, changes: dict[str, Any]
) -> Device:
    """Change a device's camera details or retire it (admin only). Raises Forbidden, NotFound."""
    actor.require(Role.admin)
    device = session.get(Device, device_pk)
    if device is None or device.user_id != user_id:
        raise NotFound(f"device {device_pk} of user {user_id} not found")
    changed = {k: v for k, v in changes.items() if k in _CHANGEABLE}
    for key, value in changed.items():
        setattr(device, key, value)
    record(
        session,
        actor_id=actor.user_id,
        action="device.changed",
        subject_type="device",
        subject_id=device.id,
        data=changed,
    )
    return device
