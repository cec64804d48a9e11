"""Which device: the sender against the inspector's registered devices, and the camera in the EXIF.

Two signals: the device id the door received the photo from (sync or upload), and the make,
model and (rarely present) body serial number the camera wrote. A photo taken on another phone
and passed to the tablet arrives from a registered device but names another camera.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from media.findings import Finding, finding
from media.metadata import PhotoMetadata


@dataclass(frozen=True)
class RegisteredDevice:
    """A device registered to an inspector, with the make and model its camera writes in EXIF."""

    device_id: str
    make: str | None = None
    model: str | None = None
    serial_number: str | None = None


def check_device(
    metadata: PhotoMetadata,
    *,
    sender_device_id: str | None,
    registered: Sequence[RegisteredDevice],
) -> list[Finding]:
    """Findings when the sender is not registered or the camera is not the registered one."""
    findings: list[Finding] = []
    known = {device.device_id: device for device in registered}
    if sender_device_id is not None and sender_device_id not in known:
        findings.append(
            finding(
                "device.unregistered",
                device_id=sender_device_id,
                registered_ids=sorted(known),
            )
        )
    if metadata.make is None and metadata.model is None:
        return [*findings, finding("device.unidentified")]
    sender = known.get(sender_device_id) if sender_device_id is not None else None
    candidates = [sender] if sender is not None else list(registered)
    comparable = [d for d in candidates if d.make or d.model]
    if comparable and not any(_same_camera(metadata, device) for device in comparable):
        camera = " ".join(part for part in (metadata.make, metadata.model) if part)
        findings.append(
            finding(
                "device.mismatch",
                camera=camera,
                exif_make=metadata.make,
                exif_model=metadata.model,
                exif_serial_number=metadata.serial_number,
                expected=[
                    {"device_id": d.device_id, "make": d.make, "model": d.model} for d in comparable
                ],
            )
        )
    return findings


def _same_camera(metadata: PhotoMetadata, device: RegisteredDevice) -> bool:
    make, model = _norm(metadata.make), _norm(metadata.model)
    if device.make and make and _norm(device.make) != make:
        return False
    if device.model and _strip_make(_norm(device.model), make) != _strip_make(model, make):
        return False
    serial = metadata.serial_number
    return not (device.serial_number and serial and _norm(device.serial_number) != _norm(serial))


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _strip_make(model: str, make: str) -> str:
    """``Canon EOS 40D`` and ``EOS 40D`` name the same model when the make is Canon."""
    return model[len(make) :].strip() if make and model.startswith(make) else model
