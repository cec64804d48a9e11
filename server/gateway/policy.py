"""What the gateway lets through: the endpoints replication needs, nothing else. Pure rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# Query parameters of _changes a replicating client may send. Filters other than _doc_ids are
# refused: they run code on the server, and PouchDB Server crashes on some (_selector).
CHANGES_PARAMS = frozenset(
    {
        "since",
        "limit",
        "feed",
        "heartbeat",
        "timeout",
        "include_docs",
        "style",
        "conflicts",
        "seq_interval",
        "descending",
        "filter",
        "doc_ids",
        "attachments",
        "att_encoding_info",
        "return_docs",
        "batch_size",
        "last-event-id",
    }
)
CHANGES_FEEDS = frozenset({"normal", "longpoll"})

# One path segment below /sync/, after percent-decoding once: database names, document ids
# (inspection:<uuid>), _local checkpoint ids (PouchDB's are base64 with "." and "_"),
# attachment names. Nothing else: no "%", no "/" or "\\", no control characters, no non-ASCII.
_SEGMENT = re.compile(r"[A-Za-z0-9._:=+~-]{1,256}")
# In the raw request target: an encoded dot, slash, backslash, percent or NUL, any encoded byte
# outside ASCII (overlong UTF-8 such as %c0%ae), a literal backslash or non-ASCII character.
_RAW_TRICK = re.compile(r"%(?:2e|2f|5c|25|00|[89a-f][0-9a-f])|\\|[^\x21-\x7e]", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    """One allowed operation; ``kind`` tells the gateway how to handle it."""

    kind: str  # "db" | "proxy" | "stream" | "bulk_docs" | "put_doc" | "delete_doc" | "local"
    path: str  # the CouchDB path below the database, quoted again


class Refused(Exception):
    def __init__(
        self, status: int, error: str, reason: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason
        self.retry_after = retry_after


def split_path(raw_target: str | None, path: str) -> tuple[str, list[str]]:
    """The database and the validated segments below it, from the request as the client sent it.

    ``raw_target`` is the request target exactly as it arrived (gunicorn's RAW_URI, werkzeug's
    REQUEST_URI; None when the server gives none), ``path`` the decoded path from ``/sync/`` on.
    The forwarded URL is built only from what this returns, each segment quoted again, so no
    dot segment, encoded or not, can reach CouchDB (and requests' own dot-segment removal has
    nothing to remove). Raises Refused.
    """
    raw_path = (raw_target or "").split("?", 1)[0]
    if _RAW_TRICK.search(raw_path):
        raise _bad_path("encoded dots, slashes, backslashes or percent signs are not accepted")
    segments = path.removeprefix("/sync/").split("/")
    db, rest = segments[0], segments[1:]
    if rest == [""]:  # /sync/<db>/ is the database itself
        rest = []
    for segment in [db, *rest]:
        if not segment:
            raise _bad_path("empty path segments are not accepted")
        if segment.strip(".") == "":
            raise _bad_path("dot segments are not accepted")
        if _SEGMENT.fullmatch(segment) is None:
            raise _bad_path(f"path segment {segment[:40]!r} has characters not accepted here")
    return db, rest


def _bad_path(reason: str) -> Refused:
    return Refused(400, "bad_request", f"{reason}; use plain database and document ids")


def route(method: str, parts: list[str], args: dict[str, str]) -> Route:
    """Classify ``method`` on the validated segments below /sync/<db>/ (see split_path); raise
    Refused if not allowed. The path in the Route is built from those segments only."""
    if not parts:
        if method in ("GET", "HEAD", "PUT"):
            return Route("db", "")
    elif parts[0].startswith("_"):
        found = _special(method, parts, args)
        if found is not None:
            return found
    else:
        return _document(method, parts)
    raise _not_needed(method, "/".join(parts))


def _special(method: str, parts: list[str], args: dict[str, str]) -> Route | None:
    head, single = parts[0], len(parts) == 1
    if head == "_changes" and single and method in ("GET", "POST"):
        _check_changes(args)
        return Route("stream", "_changes")
    if head in ("_revs_diff", "_ensure_full_commit") and single and method == "POST":
        return Route("proxy", head)
    if head == "_bulk_get" and single and method == "POST":
        return Route("stream", head)
    if head == "_all_docs" and single and method in ("GET", "POST"):
        return Route("stream", head)
    if head == "_bulk_docs" and single and method == "POST":
        return Route("bulk_docs", head)
    if head == "_local" and len(parts) == 2 and method in ("GET", "PUT", "DELETE"):
        return Route("local", "_local/" + quote(parts[1], safe=""))
    if head == "_design" and len(parts) == 2 and method in ("GET", "HEAD"):
        return Route("stream", "_design/" + quote(parts[1], safe=""))
    return None


def _document(method: str, parts: list[str]) -> Route:
    doc = quote(parts[0], safe="")
    if len(parts) == 1:
        kinds = {"GET": "stream", "HEAD": "stream", "PUT": "put_doc", "DELETE": "delete_doc"}
        if method in kinds:
            return Route(kinds[method], doc)
        raise _not_needed(method, "/".join(parts))
    if len(parts) > 2:
        raise _not_needed(method, "/".join(parts))
    if method in ("GET", "HEAD"):
        return Route("stream", doc + "/" + quote(parts[1], safe=""))
    raise Refused(403, "forbidden", "send attachments inline in the document (_bulk_docs)")


def _not_needed(method: str, rest: str) -> Refused:
    return Refused(
        404, "not_found", f"{method} /{rest} is not something replication needs; not passed on"
    )


def _check_changes(args: dict[str, str]) -> None:
    unknown = sorted(set(args) - CHANGES_PARAMS)
    if unknown:
        raise Refused(400, "bad_request", f"_changes parameters not accepted: {', '.join(unknown)}")
    if args.get("feed", "normal") not in CHANGES_FEEDS:
        raise Refused(400, "bad_request", "feed must be normal or longpoll")
    if args.get("filter", "_doc_ids") != "_doc_ids":
        raise Refused(403, "forbidden", "the only filter accepted is _doc_ids")
