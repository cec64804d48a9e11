"""Refuse to serve on top of an open CouchDB (issue 12, finding 5).

Anyone who can write into an inspector's CouchDB database without credentials can plant a
document that the worker then ingests as that inspector's evidence. So at start-up the app asks
the CouchDB, without credentials, whether an anonymous request gets admin rights or any web
origin is let in (``CouchClient.exposure``). In ``production`` (the default ``GRADING_ENV``)
such a CouchDB stops the app from starting; in ``development`` it is logged as a warning.
A CouchDB that does not answer yet is not a reason to refuse: ``/api/health`` reports it, and
reports an unsafe CouchDB as ``couchdb_security`` for as long as it stays open.
"""

from __future__ import annotations

import logging

from server.config import Settings
from sync.couch import CouchClient

log = logging.getLogger(__name__)

START_TIMEOUT = (2.0, 5.0)


class UnsafeCouchDBError(RuntimeError):
    """The configured CouchDB accepts anonymous admin requests or any web origin."""


def check_couchdb_exposure(settings: Settings) -> str:
    """Ask the CouchDB whether it is open; raise in production when it is. Returns the verdict."""
    with CouchClient(settings.couchdb_url, timeout=START_TIMEOUT) as client:
        verdict = client.exposure()
        where = client.url  # without credentials
    if not verdict.startswith("unsafe"):
        if verdict != "ok":
            log.warning("could not check whether the CouchDB at %s is open: %s", where, verdict)
        return verdict
    message = (
        f"the CouchDB at {where} is {verdict}. Set a CouchDB admin, give the app its "
        "credentials in COUCHDB_URL (http://user:password@host:port) and switch CORS off"
    )
    if settings.environment != "development":
        raise UnsafeCouchDBError(
            message + "; the app does not start against it (GRADING_ENV=production)"
        )
    log.warning("%s (allowed only because GRADING_ENV=development)", message)
    return verdict
