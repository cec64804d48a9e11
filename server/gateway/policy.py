"""What the gateway lets through: the endpoints replication needs, nothing else. Pure rules."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Route:
    """One allowed operation; ``kind`` tells the gateway how to handle it."""

    kind: str  # "db" | "proxy" | "stream" | "bulk_docs" | "put_doc" | "delete_doc"
    path: str  # the CouchDB path below the database, quoted again


class Refused(Exception):
    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


def route(method: str, rest: str, args: dict[str, str]) -> Route:
    """Classify ``method rest`` (the path below /sync/<db>/); raise Refused if not allowed."""
    parts = rest.split("/") if rest else []
    if not parts:
        if method in ("GET", "HEAD", "PUT"):
            return Route("db", "")
    elif parts[0].startswith("_"):
        found = _special(method, parts, args)
        if found is not None:
            return found
    else:
        return _document(method, parts)
    raise _not_needed(method, rest)


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
    if head == "_local" and not single and method in ("GET", "PUT", "DELETE"):
        return Route("proxy", "_local/" + quote("/".join(parts[1:]), safe=""))
    if head == "_design" and not single and method in ("GET", "HEAD"):
        return Route("stream", "_design/" + quote("/".join(parts[1:]), safe=""))
    return None


def _document(method: str, parts: list[str]) -> Route:
    doc = quote(parts[0], safe="")
    if len(parts) == 1:
        kinds = {"GET": "stream", "HEAD": "stream", "PUT": "put_doc", "DELETE": "delete_doc"}
        if method in kinds:
            return Route(kinds[method], doc)
        raise _not_needed(method, "/".join(parts))
    if method in ("GET", "HEAD"):
        return Route("stream", doc + "/" + quote("/".join(parts[1:]), safe=""))
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
