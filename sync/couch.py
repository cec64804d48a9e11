"""The CouchDB client: the only code in the project that talks to CouchDB.

It speaks the plain CouchDB HTTP API that Apache CouchDB 3.x serves (production) and that
PouchDB Server answers too (development and tests); nothing here relies on one of the two.

* Every request has a timeout.
* Database names and document ids are percent-encoded into the path: CouchDB names may
  contain ``/``, ``+``, ``$``, ``(`` and ``)``.
* Sequence values (``seq``, ``last_seq``, ``since``) are opaque: CouchDB 3 sends strings,
  PouchDB Server sends integers. They are passed back exactly as received, never compared or
  parsed.
* Every failure is a :class:`CouchError`: an HTTP error carries CouchDB's own ``error`` and
  ``reason``; a request that got no answer (refused, timed out, …) has ``status == 0``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from json import dumps as json_dumps
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

Json = dict[str, Any]
Seq = str | int
"""A CouchDB update sequence: opaque, only ever handed back to the server as ``since``."""
Timeout = float | tuple[float, float]
"""Seconds, or (connect, read) seconds, as requests takes them."""

DEFAULT_TIMEOUT: Timeout = (5.0, 30.0)

# https://docs.couchdb.org/en/stable/api/database/common.html#put--db
_DB_NAME = re.compile(r"[a-z][a-z0-9_$()+/-]*")
_DB_NAME_MAX_LENGTH = 238
_SYSTEM_DBS = frozenset({"_users", "_replicator", "_global_changes"})
_ID_PREFIXES = ("_design/", "_local/")  # kept literal in the path, as CouchDB routes them
_TRANSPORT_STATUS = 0
_PROBE_ORIGIN = "https://exposure-check.invalid"


class CouchError(Exception):
    """A CouchDB request failed.

    ``status`` is the HTTP status, or 0 when no answer came (``error`` then says why:
    ``unreachable``, ``timeout`` or ``request_failed``). ``error`` and ``reason`` are CouchDB's
    own, e.g. ``(409, "conflict", "Document update conflict.")``.
    """

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(status, error, reason)
        self.status = status
        self.error = error
        self.reason = reason

    def __str__(self) -> str:
        head = (
            self.error if self.status == _TRANSPORT_STATUS else f"HTTP {self.status} {self.error}"
        )
        return f"{head}: {self.reason}" if self.reason else head

    @classmethod
    def from_response(cls, response: requests.Response) -> CouchError:
        """Build the error from CouchDB's JSON error body (or whatever came instead)."""
        error = ""
        reason = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = str(body.get("error") or "")
            reason = str(body.get("reason") or "")
        if not error:
            error = (response.reason or "error").lower().replace(" ", "_")
        if not reason and body is None:
            reason = response.text.strip()[:200]
        return cls(response.status_code, error, reason)


class CouchClient:
    """A CouchDB server, reached over one ``requests.Session``.

    ``url`` may carry credentials (``http://user:pass@127.0.0.1:5984``, percent-encoded where
    needed) and a path prefix (a server behind a reverse proxy). The credentials are sent as
    HTTP basic auth and kept out of :attr:`url` and ``repr()``.

    Close the client (or use it as a context manager) to release its connections.
    """

    def __init__(self, url: str, *, timeout: Timeout = DEFAULT_TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {_without_credentials(url)!r}")
        if parts.query or parts.fragment:
            raise ValueError("a CouchDB URL has no query or fragment")
        host = parts.netloc.rpartition("@")[2]
        path = parts.path.rstrip("/") + "/"
        self.url = urlunsplit((parts.scheme, host, path, "", ""))
        """The server's base URL, ending in ``/``, without credentials."""
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if parts.username is not None:
            self.session.auth = (unquote(parts.username), unquote(parts.password or ""))

    def __repr__(self) -> str:
        return f"<CouchClient {self.url}>"

    def __enter__(self) -> CouchClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def clone(self) -> CouchClient:
        """Another client for the same server and credentials, with its own connections (for
        use from another thread)."""
        other = CouchClient(self.url, timeout=self.timeout)
        other.session.auth = self.session.auth
        return other

    # --- server ------------------------------------------------------------------------------

    def server_info(self) -> Json:
        """``GET /``: the welcome object (version, vendor, uuid, …)."""
        return _json_object(self._checked(self._request("GET", "")))

    def health(self) -> str:
        """``"ok"`` when the server answers ``GET /``, otherwise a short reason. Never raises."""
        try:
            info = self.server_info()
        except CouchError as exc:
            return exc.reason if exc.status == _TRANSPORT_STATUS else str(exc)
        except Exception as exc:  # the contract is "never raises": report, do not crash
            return f"unexpected error: {exc.__class__.__name__}: {exc}"
        if "version" not in info:
            return "the server answered GET / but not like CouchDB (no version)"
        return "ok"

    def exposure(self) -> str:
        """Whether the server is open to anyone who can reach it. Never raises.

        ``"ok"``; ``"unsafe: …"`` when an anonymous request gets server-admin rights (no admin
        configured: "admin party", as PouchDB Server starts by default) or when the server lets
        any web origin in (CORS); ``"unknown: …"`` when it does not answer. Asked without this
        client's credentials, with a made-up ``Origin``: ``GET /_session`` tells the roles an
        anonymous request gets on Apache CouchDB 3 and PouchDB Server alike.
        """
        anonymous = requests.Session()
        anonymous.trust_env = False  # no credentials from ~/.netrc
        try:
            response = anonymous.get(
                self.url + "_session",
                headers={"Accept": "application/json", "Origin": _PROBE_ORIGIN},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return f"unknown: {exc.__class__.__name__}"
        finally:
            anonymous.close()
        problems = []
        try:
            body = response.json()
        except ValueError:
            body = None
        context = body.get("userCtx") if isinstance(body, dict) else None
        roles = context.get("roles") if isinstance(context, dict) else None
        if response.status_code == 200 and isinstance(roles, list) and "_admin" in roles:
            problems.append("anonymous requests are server admins (no CouchDB admin is set)")
        allowed = response.headers.get("Access-Control-Allow-Origin")
        if allowed in ("*", _PROBE_ORIGIN):
            problems.append("any web origin may send requests (CORS is open)")
        if problems:
            return "unsafe: " + "; ".join(problems)
        if response.status_code >= 500:
            return f"unknown: GET /_session answered {response.status_code}"
        return "ok"

    # --- databases ---------------------------------------------------------------------------

    def db_exists(self, db: str) -> bool:
        response = self._request("HEAD", _db_path(db))
        if response.status_code == 404:
            return False
        self._checked(response)
        return True

    def create_db(self, db: str) -> bool:
        """Create the database; ``False`` if it already existed (CouchDB's 412)."""
        response = self._request("PUT", _db_path(db))
        if response.status_code == 412:
            return False
        self._checked(response)
        return True

    def delete_db(self, db: str) -> bool:
        """Delete the database; ``False`` if there was none (CouchDB's 404)."""
        response = self._request("DELETE", _db_path(db))
        if response.status_code == 404:
            return False
        self._checked(response)
        return True

    def db_info(self, db: str) -> Json:
        return _json_object(self._checked(self._request("GET", _db_path(db))))

    def put_security(self, db: str, security: Mapping[str, Any]) -> None:
        self._checked(self._request("PUT", f"{_db_path(db)}/_security", json=dict(security)))

    # --- documents ---------------------------------------------------------------------------

    def current_revs(self, db: str, doc_ids: list[str]) -> dict[str, str]:
        """The current revision of each existing (not deleted) document among ``doc_ids``."""
        response = self._request("POST", f"{_db_path(db)}/_all_docs", json={"keys": doc_ids})
        rows = _json_object(self._checked(response)).get("rows", [])
        return {
            row["id"]: row["value"]["rev"]
            for row in rows
            if "value" in row and not row["value"].get("deleted")
        }

    def bulk_docs(self, db: str, docs: Sequence[Mapping[str, Any]]) -> list[Json]:
        """Write several documents in one request; one answer per document, in order."""
        response = self._request("POST", f"{_db_path(db)}/_bulk_docs", json={"docs": list(docs)})
        answer = self._checked(response).json()
        if not isinstance(answer, list):
            raise CouchError(response.status_code, "bad_response", "expected a list")
        return answer

    def bulk_get_revs(self, db: str, doc_id: str, revs: list[str]) -> list[Json]:
        """The bodies of the given revisions of one document (conflicts' losing revisions)."""
        params = {"open_revs": json_dumps(revs)}
        headers = {"Accept": "application/json"}
        response = self._request(
            "GET", f"{_db_path(db)}/{_doc_path(doc_id)}", params=params, headers=headers
        )
        answer = self._checked(response).json()
        return [item["ok"] for item in answer if isinstance(item, dict) and "ok" in item]

    def get_attachment(self, db: str, doc_id: str, name: str, rev: str | None = None) -> bytes:
        params = {"rev": rev} if rev else None
        path = f"{_db_path(db)}/{_doc_path(doc_id)}/{quote(name, safe='')}"
        response = self._request("GET", path, params=params, headers={"Accept": "*/*"})
        return self._checked(response).content

    def raw(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        timeout: Timeout | None = None,
    ) -> requests.Response:
        """One request passed through as it is (the sync gateway's door); the caller owns the
        response and must close it. ``path`` is already quoted, relative to the server."""
        try:
            return self.session.request(
                method,
                self.url + path,
                params=params,
                data=data,
                headers=dict(headers or {}),
                stream=stream,
                timeout=timeout or self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            reason = _describe_timeout(exc, timeout or self.timeout)
            raise CouchError(_TRANSPORT_STATUS, "timeout", reason) from exc
        except requests.ConnectionError as exc:
            reason = _describe_connection_error(exc)
            raise CouchError(_TRANSPORT_STATUS, "unreachable", reason) from exc

    def put_doc(self, db: str, doc: Mapping[str, Any]) -> str:
        """Create or update a document (it carries its ``_id``, and ``_rev`` to update one).

        Returns the new revision; a stale or missing ``_rev`` raises ``CouchError`` 409.
        """
        doc_id = doc.get("_id")
        if not isinstance(doc_id, str) or not doc_id:
            raise ValueError("put_doc needs a document with a non-empty string _id")
        response = self._request("PUT", f"{_db_path(db)}/{_doc_path(doc_id)}", json=dict(doc))
        rev = _json_object(self._checked(response)).get("rev")
        if not isinstance(rev, str):
            raise CouchError(response.status_code, "bad_response", "no rev in the answer")
        return rev

    def get_doc(self, db: str, doc_id: str) -> Json | None:
        """The current revision of a document; ``None`` if it is missing or deleted.

        A missing database is an error, not ``None``.
        """
        response = self._request("GET", f"{_db_path(db)}/{_doc_path(doc_id)}")
        if response.status_code == 404:
            error = CouchError.from_response(response)
            if error.reason in ("missing", "deleted"):
                return None
            raise error
        return _json_object(self._checked(response))

    # --- changes -----------------------------------------------------------------------------

    def changes(
        self,
        db: str,
        since: Seq | None = None,
        limit: int | None = None,
        include_docs: bool = False,
        extra: Mapping[str, str] | None = None,
    ) -> Json:
        """One batch of the ``_changes`` feed (``feed=normal``): ``results`` and ``last_seq``.

        Pass ``last_seq`` back unchanged as ``since`` to continue; ``since=None`` starts from
        the beginning.
        """
        params: dict[str, str] = {}
        if since is not None:
            params["since"] = str(since)
        if limit is not None:
            params["limit"] = str(limit)
        if include_docs:
            params["include_docs"] = "true"
        params.update(extra or {})
        response = self._request("GET", f"{_db_path(db)}/_changes", params=params)
        return _json_object(self._checked(response))

    # --- plumbing ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request; a request that got no HTTP answer raises ``CouchError`` (status 0)."""
        try:
            return self.session.request(
                method,
                self.url + path,
                params=params,
                json=json,
                headers=dict(headers) if headers else None,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            reason = _describe_timeout(exc, self.timeout)
            raise CouchError(_TRANSPORT_STATUS, "timeout", reason) from exc
        except requests.ConnectionError as exc:
            reason = _describe_connection_error(exc)
            raise CouchError(_TRANSPORT_STATUS, "unreachable", reason) from exc
        except requests.RequestException as exc:
            reason = f"{exc.__class__.__name__}: {exc}"
            raise CouchError(_TRANSPORT_STATUS, "request_failed", reason) from exc

    @staticmethod
    def _checked(response: requests.Response) -> requests.Response:
        if response.status_code >= 300:
            raise CouchError.from_response(response)
        return response


def _db_path(db: str) -> str:
    """The database's path segment; refuses names CouchDB 3 would refuse (PouchDB does not)."""
    valid = db in _SYSTEM_DBS or (
        _DB_NAME.fullmatch(db) is not None and len(db) <= _DB_NAME_MAX_LENGTH
    )
    if not valid:
        raise ValueError(
            f"illegal CouchDB database name {db!r}: a lowercase letter, then lowercase letters, "
            f"digits and _$()+-/ (at most {_DB_NAME_MAX_LENGTH} characters)"
        )
    return quote(db, safe="")


def _doc_path(doc_id: str) -> str:
    if not doc_id:
        raise ValueError("empty document id")
    for prefix in _ID_PREFIXES:
        if doc_id.startswith(prefix) and len(doc_id) > len(prefix):
            return prefix + quote(doc_id[len(prefix) :], safe="")
    return quote(doc_id, safe="")


def _json_object(response: requests.Response) -> Json:
    try:
        body = response.json()
    except ValueError as exc:
        raise CouchError(response.status_code, "bad_response", "the answer is not JSON") from exc
    if not isinstance(body, dict):
        raise CouchError(response.status_code, "bad_response", "the answer is not a JSON object")
    return body


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (requests → urllib3 → socket errors)."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        stack.extend(e for e in (*linked, *current.args) if isinstance(e, BaseException))


def _describe_connection_error(exc: requests.ConnectionError) -> str:
    causes = list(_causes(exc))
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed"
    if any(isinstance(e, ConnectionRefusedError) for e in causes):
        return "connection refused"
    if any(isinstance(e, ConnectionResetError) for e in causes):
        return "connection reset"
    if any(e.__class__.__name__ == "NameResolutionError" for e in causes):
        return "host name not found"
    if any(isinstance(e, OSError) and e.errno is not None for e in causes):
        oserror = next(e for e in causes if isinstance(e, OSError) and e.errno is not None)
        return f"cannot connect: {oserror.strerror or oserror}"
    return "cannot connect"


def _describe_timeout(exc: requests.Timeout, timeout: Timeout) -> str:
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    if isinstance(exc, requests.ConnectTimeout):
        return f"timed out: no connection within {connect:g} s"
    return f"timed out: no answer within {read:g} s"


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
