"""Refusals of the photo evidence services (the API maps each once to its status and code)."""

from __future__ import annotations

from typing import ClassVar

from server.errors import Conflict, DomainError


class PhotoIdTaken(Conflict):
    """A photo document id names one photo for good: other bytes or another sender need a new id."""

    code = "photo.id_taken"


class PhotoIntakeBusy(DomainError):
    """Every photo slot of this web worker is taken: try again shortly (nothing was stored)."""

    status = 503
    code = "photo.busy"
    retry_after: ClassVar[int] = 5


class NoDerivative(DomainError):
    """The photo was refused, so there is no picture to show."""

    status = 404
    code = "photo.no_picture"


class DuplicateDevice(Conflict):
    code = "device.duplicate"
