"""``_bulk_docs`` read document by document, however large the batch PouchDB sends.

PouchDB pushes 100 documents a request by default, attachments inline in base64: 100 ordinary
3 MB photos make a 400 MB body, and one 26 MB photo alone is more than Flask's request limit.
A 413 for the whole request is an error PouchDB retries for ever, so the body is read as a
stream: each element of ``docs`` is cut out without parsing the rest, parsed and checked alone,
and refused alone (``forbidden``) when it is too large or not allowed; what passes is kept in a
spool (memory up to ``_SPOOL_MEMORY``, then a temporary file) and sent on to CouchDB in batches
of at most ``UPSTREAM_BATCH_BYTES``. Memory stays bounded by one document plus one upstream batch.
The spool is needed because PouchDB writes ``new_edits`` after ``docs``.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from server.gateway.policy import Refused
from sync.contract import (
    MAX_ATTACHMENT_BYTES,
    MAX_DOC_JSON_BYTES,
    MAX_JSON_DEPTH,
    nesting_problem,
)

# Far above what PouchDB's defaults produce (100 documents of at most one 15 MB photo each,
# about 2 GB in base64) is where a request is refused as a whole.
MAX_BULK_BYTES = 4 * 1024 * 1024 * 1024
# The largest element of ``docs`` that is parsed: an attachment at the limit in base64, plus the
# document's own limit and room for its revision history.
MAX_ELEMENT_BYTES = MAX_ATTACHMENT_BYTES * 4 // 3 + MAX_DOC_JSON_BYTES + 64 * 1024
UPSTREAM_BATCH_BYTES = 24 * 1024 * 1024
UPSTREAM_BATCH_DOCS = 100
_OTHER_KEY_BYTES = 64 * 1024
# A body up to Flask's usual request limit is parsed as a whole (read_body).
WHOLE_BODY_BYTES = 32 * 1024 * 1024
_CHUNK = 1024 * 1024
_SPOOL_MEMORY = 32 * 1024 * 1024
_TOKEN = re.compile(rb'["{}\[\]:,]')
_WHITESPACE = re.compile(rb"[ \t\r\n]*")
_SCALAR_END = re.compile(rb"[,\]}: \t\r\n]")


def _bad(reason: str) -> Refused:
    return Refused(400, "bad_request", f"the body is not valid _bulk_docs JSON: {reason}")


@dataclass
class Element:
    """One element of ``docs``: its bytes (None when larger than the limit), its top-level
    ``_id`` when one was seen, and whether it nests deeper than allowed."""

    raw: bytes | None
    doc_id: str | None
    size: int
    too_deep: bool


class _Scanner:
    """Cuts JSON values out of a byte stream; parses only keys and ids, never whole values."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buf = bytearray()
        self.pos = 0
        self.base = 0  # offset in the body of buf[0]
        self.mark: int | None = None  # start of the value being kept; None: nothing kept
        self.keep_limit = 0
        self.eof = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        if self.mark is not None and len(self.buf) - self.mark > self.keep_limit:
            self.mark = None  # the value is too large to keep: skip it, keeping nothing
        keep = self.pos if self.mark is None else self.mark
        if keep > _CHUNK:  # drop what was consumed and is not kept (offsets from pos stay)
            del self.buf[:keep]
            self.base += keep
            self.pos -= keep
            if self.mark is not None:
                self.mark -= keep
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.base + len(self.buf) + len(chunk) > MAX_BULK_BYTES:
            raise Refused(
                413, "too_large", f"a _bulk_docs request is at most {MAX_BULK_BYTES} bytes"
            )
        self.buf += chunk
        return True

    def peek(self) -> int | None:
        """The next byte that is not whitespace (not consumed); None at the end."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    def expect(self, char: bytes) -> None:
        if self.peek() != char[0]:
            raise _bad(f"expected {char.decode()!r} at byte {self.base + self.pos}")
        self.pos += 1

    def _string_end(self) -> int:
        """Position just after the string starting at self.pos (a quote)."""
        at = self.pos + 1
        while True:
            quote = self.buf.find(b'"', at)
            if quote == -1:
                ahead = len(self.buf) - self.pos  # offsets from pos survive _fill's compaction
                if not self._fill():
                    raise _bad("a string does not end")
                at = self.pos + ahead
                continue
            backslashes = 0
            while self.buf[quote - 1 - backslashes] == 0x5C:
                backslashes += 1
            if backslashes % 2 == 0:
                return quote + 1
            at = quote + 1

    def string(self, limit: int = 1024) -> str | None:
        """Consume a string; its value when at most ``limit`` bytes, else None."""
        if self.peek() != 0x22:
            raise _bad("expected a string")
        end = self._string_end()
        value = None
        if end - self.pos <= limit:
            try:
                value = json.loads(bytes(self.buf[self.pos : end]))
            except ValueError as exc:
                raise _bad("a string is malformed") from exc
        self.pos = end
        return value if isinstance(value, str) else None

    def value(self, keep_limit: int) -> Element:
        """Consume one JSON value; keep its bytes when at most ``keep_limit``."""
        first = self.peek()
        if first is None:
            raise _bad("the body ends too soon")
        start = self.base + self.pos
        self.mark, self.keep_limit = self.pos, keep_limit
        doc_id: str | None = None
        too_deep = False
        if first == 0x22:
            self.pos = self._string_end()
        elif first in (0x7B, 0x5B):
            doc_id, too_deep = self._container(top_is_object=first == 0x7B)
        else:  # a number, true, false or null
            while (found := _SCALAR_END.search(self.buf, self.pos)) is None:
                self.pos = len(self.buf)
                if not self._fill():
                    break
            self.pos = found.start() if found else len(self.buf)
        size = self.base + self.pos - start
        kept = self.mark is not None and size <= keep_limit
        raw = bytes(self.buf[self.mark : self.pos]) if kept else None
        self.mark = None
        return Element(raw, doc_id, size, too_deep)

    def _container(self, *, top_is_object: bool) -> tuple[str | None, bool]:
        """Consume an object or array; its top-level ``_id`` and whether it nests too deep."""
        depth, key_next, key, doc_id, too_deep = 0, True, None, None, False
        while True:
            found = _TOKEN.search(self.buf, self.pos)
            if found is None:
                self.pos = len(self.buf)
                if not self._fill():
                    raise _bad("a document does not end")
                continue
            char, self.pos = found.group(), found.start()
            if char == b'"':
                if depth == 1 and top_is_object:
                    text = self.string(300)
                    if key_next:
                        key = text
                    elif key == "_id":
                        doc_id = text
                else:
                    self.pos = self._string_end()
                continue
            self.pos += 1
            if char in (b"{", b"["):
                depth += 1
                too_deep = too_deep or depth > MAX_JSON_DEPTH
            elif char in (b"}", b"]"):
                depth -= 1
                if depth == 0:
                    return doc_id, too_deep
            elif depth == 1:
                key_next = char == b","


@dataclass
class BulkBody:
    """What was read: the options besides ``docs`` and each document's fate, in order."""

    options: dict[str, Any] = field(default_factory=dict)
    refused: dict[int, dict[str, Any]] = field(default_factory=dict)
    allowed: list[int] = field(default_factory=list)
    # What a refused document says of itself (id, revision, deleted): a server document a
    # tablet deleted or changed is written again from these (sync/restore.py).
    refused_docs: list[dict[str, Any]] = field(default_factory=list)
    spool: IO[bytes] = field(
        # Closed by the caller (``with body.spool``) once the batches are sent.
        default_factory=lambda: tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY)  # noqa: SIM115
    )
    extents: list[tuple[int, int]] = field(default_factory=list)
    # Set when the body was parsed as a whole: the one upstream body (see read_body).
    whole: bytes | None = None

    def batches(self) -> Iterator[tuple[list[int], bytes]]:
        """The allowed documents as upstream request bodies, with their indexes."""
        if self.whole is not None:
            if self.allowed:
                yield self.allowed, self.whole
            return
        self.spool.seek(0)
        indexes: list[int] = []
        parts: list[bytes] = []
        size = 0
        for index, (_offset, length) in zip(self.allowed, self.extents, strict=True):
            if parts and (size + length > UPSTREAM_BATCH_BYTES or len(parts) >= 100):
                yield indexes, self._body(parts)
                indexes, parts, size = [], [], 0
            indexes.append(index)
            parts.append(self.spool.read(length))
            size += length
        if parts:
            yield indexes, self._body(parts)

    def _body(self, parts: list[bytes]) -> bytes:
        head = {k: v for k, v in self.options.items() if k == "new_edits"}
        options = json.dumps(head)[1:-1].encode()
        return b'{"docs":[' + b",".join(parts) + b"]" + (b"," + options if options else b"") + b"}"


def read_body(
    stream: IO[bytes], length: int | None, check: Callable[[Any], str | None]
) -> BulkBody:
    """Read a ``_bulk_docs`` body of ``length`` bytes (None: unknown) from ``stream``.

    A body of at most ``WHOLE_BODY_BYTES`` that nests no deeper than allowed (the usual case:
    PouchDB's default batches of ordinary photos) is parsed once as a whole, and when every
    document passes it goes on to CouchDB as it came; anything else is read document by
    document (``read_bulk``), which also says where a malformed body goes wrong and refuses a
    document nested too deep for the parser alone."""
    if length is None or length > WHOLE_BODY_BYTES:
        return read_bulk(stream, check)
    data = stream.read(length)
    whole = _whole(data, check)
    return whole if whole is not None else read_bulk(io.BytesIO(data), check)


def _whole(data: bytes, check: Callable[[Any], str | None]) -> BulkBody | None:
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):  # read_bulk says where, or refuses the deep one alone
        return None
    docs = parsed.get("docs") if isinstance(parsed, dict) else None
    if not isinstance(docs, list):
        return None
    body = BulkBody(options={k: v for k, v in parsed.items() if k != "docs"})
    kept: list[Any] = []
    for index, doc in enumerate(docs):
        problem = nesting_problem(doc) or check(doc)
        if problem is None:
            body.allowed.append(index)
            kept.append(doc)
        else:
            _refuse(body, index, doc, None, problem)
    if not body.refused:
        body.whole = data
    else:
        body.whole = body._body([json.dumps(doc).encode() for doc in kept])
    return body


def read_bulk(stream: IO[bytes], check: Callable[[Any], str | None]) -> BulkBody:
    """Read a ``_bulk_docs`` body from ``stream``; ``check(doc)`` says why a document is refused
    (None: allowed). Raises Refused when the body as a whole is not ``{"docs": [...]}``."""
    scanner = _Scanner(stream)
    body = BulkBody()
    saw_docs = False
    scanner.expect(b"{")
    if scanner.peek() == 0x7D:
        scanner.pos += 1
    else:
        while True:
            key = scanner.string()
            scanner.expect(b":")
            if key == "docs":
                saw_docs = True
                _read_docs(scanner, body, check)
            else:
                other = scanner.value(_OTHER_KEY_BYTES)
                if other.raw is None or other.too_deep:
                    raise _bad(f"{key!r} is too large")
                if key is not None:
                    body.options[key] = _loads(other.raw)
            if scanner.peek() == 0x2C:
                scanner.pos += 1
                continue
            scanner.expect(b"}")
            break
    if scanner.peek() is not None:
        raise _bad("something follows the object")
    if not saw_docs:
        raise Refused(400, "bad_request", '_bulk_docs takes {"docs": [...]}')
    return body


def _read_docs(scanner: _Scanner, body: BulkBody, check: Callable[[Any], str | None]) -> None:
    scanner.expect(b"[")
    if scanner.peek() == 0x5D:
        scanner.pos += 1
        return
    index = 0
    while True:
        element = scanner.value(MAX_ELEMENT_BYTES)
        problem = _element_problem(element)
        doc: Any = None
        if problem is None:
            doc = _loads(element.raw or b"")
            problem = check(doc)
        if problem is None:
            offset = body.spool.tell()
            body.spool.write(element.raw or b"")
            body.allowed.append(index)
            body.extents.append((offset, element.size))
        else:
            _refuse(body, index, doc, element.doc_id, problem)
        index += 1
        if scanner.peek() == 0x2C:
            scanner.pos += 1
            continue
        scanner.expect(b"]")
        return


def _refuse(body: BulkBody, index: int, doc: Any, doc_id: str | None, problem: str) -> None:
    if isinstance(doc, dict):
        doc_id = doc.get("_id")
        # what it says of itself: a server document it deleted is written again from this
        body.refused_docs.append({k: doc[k] for k in ("_id", "_rev", "_deleted") if k in doc})
    body.refused[index] = {"id": doc_id, "error": "forbidden", "reason": problem}


def _element_problem(element: Element) -> str | None:
    if element.raw is None:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        return (
            f"document is {element.size} bytes as sent; a photo is at most {limit} MB "
            f"({MAX_ATTACHMENT_BYTES} bytes): send a smaller photo"
        )
    if element.too_deep:
        return f"JSON nests deeper than {MAX_JSON_DEPTH} levels; send a flatter document"
    return None


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _bad("a document is malformed") from exc
