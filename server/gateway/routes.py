"""``/sync/<db>/…``: authenticate, confine to the user's own database, pass on only what
replication needs, check every document written, stream what comes back."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from flask import Blueprint, Flask, Response, current_app, request, stream_with_context

from server.accounts.models import Role
from server.api.scope import couch_client, db_session, end_reads, reads
from server.auth import public
from server.config import instance_path
from server.errors import Unauthenticated
from server.gateway import checkpoints, longpoll
from server.gateway.auth import gateway_user
from server.gateway.bulk import MAX_BULK_BYTES, read_body
from server.gateway.policy import Refused, Route, route, split_path
from sync.contract import (
    MAX_REQUEST_BYTES,
    db_name,
    device_doc_problem,
    nesting_problem,
    oversized_attachment,
)
from sync.couch import CouchClient, CouchError
from sync.provision import ensure_inspector_db
from sync.restore import restore_server_documents

blp = Blueprint("gateway", __name__, url_prefix="/sync")

# Headers a response keeps on its way back to the device (hop-by-hop ones never do).
_PASS_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Content-Encoding", "Location")
_SERVER_ROOT_KEYS = ("couchdb", "uuid", "version", "vendor")
_FORWARD_HEADERS = ("Content-Type", "Accept", "If-None-Match", "If-Match")
# A longpoll _changes sends a heartbeat every few seconds; allow for a slow one.
_STREAM_TIMEOUT = (5.0, 120.0)


def _couch_error(status: int, error: str, reason: str, retry_after: int | None = None) -> Response:
    response = Response(
        json.dumps({"error": error, "reason": reason}), status, mimetype="application/json"
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="sync"'
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
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


_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


@blp.route("/<path:target>", methods=_METHODS, merge_slashes=False, strict_slashes=False)
@public  # the gateway authenticates itself: it also takes basic auth, which PouchDB sends
@reads  # SQL only authenticates; CouchDB takes the writes
def gateway(target: str) -> Response:
    try:
        user = gateway_user(db_session())
    except Unauthenticated as exc:
        return _couch_error(401, "unauthorized", exc.message)
    end_reads()  # no SQL transaction stays open while CouchDB answers
    try:
        # The path as the client sent it, checked before anything is decided: the URL sent
        # on to CouchDB is built only from the segments split_path() returns.
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
        db, rest = split_path(raw, request.path)
        if user.role is not Role.inspector or db != db_name(user.id):
            raise Refused(
                403,
                "forbidden",
                f"you may replicate only your own database, {db_name(user.id)}"
                if user.role is Role.inspector
                else "only inspectors have a sync database",
            )
        found = route(request.method, rest, request.args.to_dict())
        if found.kind == "db" and request.method == "POST":
            raise Refused(
                404, "not_found", "POST to the database is not something replication needs"
            )
        _provisioned(user.id)
        return _handle(found, db, user.id, rest)
    except Refused as exc:
        return _couch_error(exc.status, exc.error, exc.reason, exc.retry_after)
    except CouchError as exc:
        if exc.status == 0:  # CouchDB did not answer: a transient failure, the device retries
            return _couch_error(503, "unavailable", "the sync store is not reachable; retry")
        return _couch_error(exc.status, exc.error, exc.reason)


def _provisioned(user_id: int) -> None:
    """Make sure the inspector's database exists, once per process (the call is idempotent,
    so another process doing the same is harmless)."""
    done: set[int] = current_app.extensions.setdefault("gateway_provisioned", set())
    if user_id not in done:
        try:
            ensure_inspector_db(couch(), user_id)
        except CouchError as exc:
            if exc.status != 409:
                raise
            ensure_inspector_db(couch(), user_id)  # another request did the same meanwhile
        done.add(user_id)


def _handle(target: Route, db: str, user_id: int, rest: list[str]) -> Response:
    if target.kind == "db":
        return _database(db)
    if target.kind == "bulk_docs":
        return _bulk_docs(db, user_id)
    if target.kind in ("put_doc", "delete_doc"):
        return _single_doc(target, db, user_id, rest[0])
    if target.kind == "local":
        return _local(target, db, rest[1])
    if target.path == "_changes" and request.args.get("feed") == "longpoll":
        return _longpoll(db, user_id)
    return _pass(target.path, db, stream=target.kind == "stream")


def _database(db: str) -> Response:
    if request.method == "PUT":  # PouchDB asks to create it; _provisioned() made it already
        return _couch_error(412, "file_exists", "The database already exists.")
    return _relay(couch().raw(request.method, _path(db, "")), stream=False)


def _bulk_docs(db: str, user_id: int) -> Response:
    """Each document checked alone as it is read; only the refused ones are answered
    ``forbidden``, whatever the size of the batch (see bulk.py)."""
    request.max_content_length = MAX_BULK_BYTES
    body = read_body(
        request.stream, request.content_length, lambda doc: device_doc_problem(doc, user_id)
    )
    new_edits = body.options.get("new_edits", True)
    results: list[Any] = []
    by_index: dict[int, Any] = {}
    with body.spool:
        for indexes, data in body.batches():
            upstream = couch().raw(
                "POST",
                _path(db, "_bulk_docs"),
                data=data,
                headers={"Content-Type": "application/json"},
            )
            with upstream:
                if upstream.status_code >= 300:
                    return _relay(upstream, stream=False)
                answers = upstream.json()
            if new_edits is False:
                results.extend(answers)  # CouchDB answers only the failures then
            else:
                by_index.update(zip(indexes, answers, strict=False))
    if new_edits is False:
        merged = [*results, *(body.refused[i] for i in sorted(body.refused))]
    else:
        merged = [
            body.refused.get(i) or by_index.get(i) for i in sorted({*by_index, *body.refused})
        ]
    if body.refused_docs:  # a server document the tablet deleted or changed comes back
        restore_server_documents(couch(), db, body.refused_docs)
    return Response(json.dumps(merged), 201, mimetype="application/json")


def _single_doc(target: Route, db: str, user_id: int, doc_id: str) -> Response:
    if request.method == "PUT":
        if not request.mimetype == "application/json":
            raise Refused(415, "bad_content_type", "PUT a document as JSON; attachments inline")
        doc = _json_body()
        if isinstance(doc, dict):
            doc.setdefault("_id", doc_id)
            if doc["_id"] != doc_id:
                raise Refused(400, "bad_request", "the _id in the body differs from the URL")
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
    problem = device_doc_problem({"_id": doc_id, "_deleted": True}, user_id)
    if problem is not None:
        restore_server_documents(couch(), db, [{"_id": doc_id, "_deleted": True}])
        raise Refused(403, "forbidden", problem)
    return _pass(target.path, db, stream=False)


def _local(target: Route, db: str, name: str) -> Response:
    """Checkpoints: bounded in size and in number per database (see checkpoints.py)."""
    checkpoints.check_local_id(name)
    if request.method == "PUT":
        if (request.content_length or 0) > checkpoints.MAX_LOCAL_DOC_BYTES:
            checkpoints.local_body(b" " * (request.content_length or 0))  # raises: too large
        request.max_content_length = checkpoints.MAX_LOCAL_DOC_BYTES
        checkpoints.local_body(request.get_data())
        checkpoints.admit(couch(), db, name)
    elif request.method == "DELETE":
        checkpoints.forget(db, name)
    return _pass(target.path, db, stream=False)


def _longpoll(db: str, user_id: int) -> Response:
    """A live feed: held in a slot, for a bounded time (see longpoll.py)."""
    slots: longpoll.Slots = current_app.extensions["gateway_longpoll_slots"]
    held = slots.take(user_id)
    try:
        params, hold = longpoll.upstream_params(request.args.to_dict(flat=False))
        headers = {k: v for k, v in request.headers.items() if k in _FORWARD_HEADERS}
        upstream = couch().raw(
            request.method,
            _path(db, "_changes"),
            params=params,
            data=request.get_data() if request.method == "POST" else None,
            headers={**headers, "Accept-Encoding": "identity"},  # heartbeats as they come
            stream=True,
            timeout=(5.0, hold + 30.0),
        )
    except BaseException:
        slots.release(held)
        raise
    if upstream.status_code >= 300:
        slots.release(held)
        return _relay(upstream, stream=False)

    def body() -> Iterator[bytes]:
        try:
            yield from longpoll.relay(upstream, request.args.get("since"), hold)
        finally:
            slots.release(held)

    headers = {k: v for k, v in upstream.headers.items() if k in ("Content-Type", "Cache-Control")}
    return Response(stream_with_context(body()), upstream.status_code, headers=headers)


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
        body = json.loads(request.get_data())
    except (ValueError, RecursionError) as exc:
        raise Refused(400, "bad_request", "the body is not valid JSON") from exc
    problem = nesting_problem(body)
    if problem is not None:
        raise Refused(400, "bad_request", problem)
    return body


def _path(db: str, rest: str) -> str:
    return f"{db}/{rest}" if rest else db


def init_app(app: Flask) -> None:
    # The app's request limit; _bulk_docs reads its body as a stream under a higher one.
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    slots_dir = app.config.get("GATEWAY_SLOTS_DIR") or instance_path() / "gateway-slots"
    # gunicorn.conf.py sets the per-process cap from its thread count.
    per_process = int(
        app.config.get("GATEWAY_LONGPOLLS_PER_PROCESS")
        or os.environ.get("GATEWAY_LONGPOLLS_PER_PROCESS", "32")
    )
    app.extensions["gateway_longpoll_slots"] = longpoll.Slots(Path(slots_dir), per_process)
    app.register_blueprint(blp)
