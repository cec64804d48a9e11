"""``/sync/<db>/…``: authenticate, confine to the user's own database, pass on only what
replication needs, check every document written, stream what comes back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import requests
from flask import Blueprint, Flask, Response, current_app, request, stream_with_context

from server.accounts.models import Role
from server.api.scope import couch_client, db_session, end_reads, reads
from server.auth import public
from server.errors import Unauthenticated
from server.gateway.auth import gateway_user
from server.gateway.policy import Refused, Route, route
from sync.contract import MAX_REQUEST_BYTES, db_name, device_doc_problem, oversized_attachment
from sync.couch import CouchClient, CouchError
from sync.provision import ensure_inspector_db

blp = Blueprint("gateway", __name__, url_prefix="/sync")

# Headers a response keeps on its way back to the device (hop-by-hop ones never do).
_PASS_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Content-Encoding", "Location")
_SERVER_ROOT_KEYS = ("couchdb", "uuid", "version", "vendor")
_FORWARD_HEADERS = ("Content-Type", "Accept", "If-None-Match", "If-Match")
# A longpoll _changes sends a heartbeat every few seconds; allow for a slow one.
_STREAM_TIMEOUT = (5.0, 120.0)


def _couch_error(status: int, error: str, reason: str) -> Response:
    response = Response(
        json.dumps({"error": error, "reason": reason}), status, mimetype="application/json"
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="sync"'
    return response


def couch() -> CouchClient:
    return couch_client("gateway")


@blp.route("/", methods=["GET", "HEAD"])
@public
def server_root() -> Response:
    """What PouchDB asks of the server before replicating: its identity (uuid), nothing more."""
    try:
        gateway_user(db_session())
    except Unauthenticated as exc:
        return _couch_error(401, "unauthorized", exc.message)
    end_reads()  # no SQL transaction stays open while CouchDB answers
    try:
        info = couch().server_info()
    except CouchError:
        return _couch_error(503, "unavailable", "the sync store is not reachable; retry")
    body = {k: info[k] for k in _SERVER_ROOT_KEYS if k in info}
    return Response(json.dumps(body), 200, mimetype="application/json")


@blp.route("/<db>", methods=["GET", "HEAD", "PUT"], strict_slashes=False)
@blp.route("/<db>/<path:rest>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
@public  # the gateway authenticates itself: it also takes basic auth, which PouchDB sends
@reads  # SQL only authenticates; CouchDB takes the writes
def gateway(db: str, rest: str = "") -> Response:
    try:
        user = gateway_user(db_session())
    except Unauthenticated as exc:
        return _couch_error(401, "unauthorized", exc.message)
    end_reads()  # no SQL transaction stays open while CouchDB answers
    if user.role is not Role.inspector or db != db_name(user.id):
        return _couch_error(
            403,
            "forbidden",
            f"you may replicate only your own database, {db_name(user.id)}"
            if user.role is Role.inspector
            else "only inspectors have a sync database",
        )
    try:
        target = route(request.method, rest, request.args.to_dict())
        _provisioned(user.id)
        return _handle(target, db, user.id)
    except Refused as exc:
        return _couch_error(exc.status, exc.error, exc.reason)
    except CouchError as exc:
        if exc.status == 0:  # CouchDB did not answer: a transient failure, the device retries
            return _couch_error(503, "unavailable", "the sync store is not reachable; retry")
        return _couch_error(exc.status, exc.error, exc.reason)


def _provisioned(user_id: int) -> None:
    """Make sure the inspector's database exists, once per process (the call is idempotent,
    so another process doing the same is harmless)."""
    done: set[int] = current_app.extensions.setdefault("gateway_provisioned", set())
    if user_id not in done:
        ensure_inspector_db(couch(), user_id)
        done.add(user_id)


def _handle(target: Route, db: str, user_id: int) -> Response:
    if target.kind == "db":
        return _database(db)
    if target.kind == "bulk_docs":
        return _bulk_docs(db, user_id)
    if target.kind in ("put_doc", "delete_doc"):
        return _single_doc(target, db, user_id)
    return _pass(target.path, db, stream=target.kind == "stream")


def _database(db: str) -> Response:
    if request.method == "PUT":  # PouchDB asks to create it; _provisioned() made it already
        return _couch_error(412, "file_exists", "The database already exists.")
    return _relay(couch().raw(request.method, _path(db, "")), stream=False)


def _bulk_docs(db: str, user_id: int) -> Response:
    body = _json_body()
    docs = body.get("docs") if isinstance(body, dict) else None
    if not isinstance(docs, list):
        raise Refused(400, "bad_request", '_bulk_docs takes {"docs": [...]}')
    refused: dict[int, dict[str, Any]] = {}
    allowed: list[tuple[int, Any]] = []
    for index, doc in enumerate(docs):
        problem = device_doc_problem(doc, user_id)
        if problem is None:
            allowed.append((index, doc))
        else:
            doc_id = doc.get("_id") if isinstance(doc, dict) else None
            refused[index] = {"id": doc_id, "error": "forbidden", "reason": problem}
    results: list[Any] = []
    if allowed:
        # Every document passed (the usual case): send the body on as it came, unparsed again.
        data = (
            request.get_data()
            if not refused
            else json.dumps({**body, "docs": [doc for _, doc in allowed]})
        )
        upstream = couch().raw(
            "POST",
            _path(db, "_bulk_docs"),
            data=data,
            headers={"Content-Type": "application/json"},
        )
        with upstream:
            if upstream.status_code >= 300:
                return _relay(upstream, stream=False)
            results = upstream.json()
    merged = _merge(results, allowed, refused, new_edits=body.get("new_edits", True))
    return Response(json.dumps(merged), 201, mimetype="application/json")


def _merge(
    results: list[Any], allowed: list[tuple[int, Any]], refused: dict[int, Any], *, new_edits: bool
) -> list[Any]:
    """Put the per-document answers back in the order the device sent the documents."""
    if new_edits is False:
        # CouchDB answers only the failures when new_edits is false (replication).
        return [*results, *(refused[i] for i in sorted(refused))]
    by_index = dict(zip((i for i, _ in allowed), results, strict=False))
    return [refused.get(i) or by_index.get(i) for i in sorted({*by_index, *refused})]


def _single_doc(target: Route, db: str, user_id: int) -> Response:
    if request.method == "PUT":
        if not request.mimetype == "application/json":
            raise Refused(415, "bad_content_type", "PUT a document as JSON; attachments inline")
        doc = _json_body()
        if isinstance(doc, dict):
            doc.setdefault("_id", request.view_args["rest"].split("/")[0])  # type: ignore[index]
        too_large = oversized_attachment(doc)
        if too_large is not None:
            raise Refused(413, "too_large", too_large)
        problem = device_doc_problem(doc, user_id)
        if problem is not None:
            raise Refused(403, "forbidden", problem)
        upstream = couch().raw(
            "PUT",
            _path(db, target.path),
            params=request.args.to_dict(),
            data=json.dumps(doc),
            headers={"Content-Type": "application/json"},
        )
        return _relay(upstream, stream=False)
    doc_id = request.view_args["rest"].split("/")[0]  # type: ignore[index]
    problem = device_doc_problem({"_id": doc_id, "_deleted": True}, user_id)
    if problem is not None:
        raise Refused(403, "forbidden", problem)
    return _pass(target.path, db, stream=False)


def _pass(path: str, db: str, *, stream: bool) -> Response:
    headers = {k: v for k, v in request.headers.items() if k in _FORWARD_HEADERS}
    upstream = couch().raw(
        request.method,
        _path(db, path),
        params=request.args.to_dict(flat=False),
        data=request.get_data() if request.method in ("POST", "PUT") else None,
        headers=headers,
        stream=stream,
        timeout=_STREAM_TIMEOUT if stream else None,
    )
    return _relay(upstream, stream=stream)


def _relay(upstream: requests.Response, *, stream: bool) -> Response:
    headers = {k: v for k, v in upstream.headers.items() if k in _PASS_HEADERS}
    if not stream:
        headers.pop("Content-Encoding", None)  # .content is already decoded
        with upstream:
            return Response(upstream.content, upstream.status_code, headers=headers)

    def body() -> Iterator[bytes]:
        # The bytes as CouchDB sent them (still compressed, if it compressed them), so the
        # Content-Encoding passed on stays true.
        try:
            yield from upstream.raw.stream(64 * 1024, decode_content=False)
        finally:
            upstream.close()

    return Response(stream_with_context(body()), upstream.status_code, headers=headers)


def _json_body() -> Any:
    try:
        return json.loads(request.get_data())
    except ValueError as exc:
        raise Refused(400, "bad_request", "the body is not valid JSON") from exc


def _path(db: str, rest: str) -> str:
    return f"{db}/{rest}" if rest else db


def init_app(app: Flask) -> None:
    # Larger than the API's own limit would be refused by Flask with 413 before reaching here.
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.register_blueprint(blp)
