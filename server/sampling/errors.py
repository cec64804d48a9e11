"""Sampling refusals."""

from __future__ import annotations

from server.errors import Conflict


class NoFilings(Conflict):
    """Nothing in the batch to draw from."""

    code = "sampling.no_filings"


class AlreadyDrawn(Conflict):
    """A batch is drawn once; late filings get a supplementary draw, never a re-draw."""

    code = "sampling.already_drawn"


class NotDrawn(Conflict):
    """A supplementary draw needs a main draw to supplement."""

    code = "sampling.not_drawn"


class AlreadyPublished(Conflict):
    code = "sampling.already_published"
