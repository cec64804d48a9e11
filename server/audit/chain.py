"""The audit chain, pure: an event's canonical bytes and hash, and checking a chain or a slice.

Standard library only (no SQLAlchemy, nothing of the server), so an offline verifier can reuse
it; docs/audit.md writes the format out for a script that does not. An event is anything with
the fields ``seq, prev_hash, hash, at, actor_id, action, subject_type, subject_id, data`` (and
optionally ``id``), as attributes (an ``AuditEvent`` row) or as keys (a JSON object from an
evidence package).

Canonical bytes of an event: the UTF-8 encoding of the JSON object of exactly these keys::

    {"action", "actor_id", "at", "data", "prev_hash", "seq", "subject_id", "subject_type"}

keys sorted at every level, separators ``,`` and ``:`` (no spaces), non-ASCII characters as
themselves (no ``\\u`` escapes), NaN and infinities refused, and ``at`` written in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six fraction digits). ``hash`` is the lower-case hex
SHA-256 of those bytes. The first event has ``seq`` 1 and ``prev_hash`` = 64 zeros; every
later event's ``prev_hash`` is the ``hash`` of the event before it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

GENESIS_HASH = "0" * 64
CONTENT_FIELDS = (
    "seq",
    "prev_hash",
    "at",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "data",
)


class BreakKind(enum.StrEnum):
    hash_mismatch = "hash_mismatch"  # the event's content was changed after it was written
    prev_hash_mismatch = (
        "prev_hash_mismatch"  # an event before it was removed, inserted, reordered or rewritten
    )
    seq_gap = "seq_gap"  # a position is missing: an event was removed
    seq_order = "seq_order"  # seqs repeat or go backwards: the rows were renumbered
    head_mismatch = "head_mismatch"  # the chain ends elsewhere than the recorded head


@dataclass(frozen=True)
class Break:
    """The first broken link: where, and what is wrong there."""

    kind: BreakKind
    seq: int | None
    id: int | None
    message: str
    expected: Any = None
    found: Any = None

    def describe(self) -> str:
        where = f"seq {self.seq}" + (f" (id {self.id})" if self.id is not None else "")
        return f"{where}: {self.kind.value}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    count: int  # events checked (up to the break, when there is one)
    head_seq: int  # the last good event's seq (0: none)
    head_hash: str  # its hash (GENESIS_HASH: none)
    first_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _field(event: Any, name: str) -> Any:
    if isinstance(event, Mapping):
        return event.get(name)
    return getattr(event, name, None)


@lru_cache(maxsize=1024)  # a sync batch stamps all its events with one time
def canonical_at(value: dt.datetime | str) -> str:
    """A timestamp as the chain writes it: UTC, microseconds, ``Z``. Naive values are UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    # What json cannot write but audit data may carry: days and times, written as ISO text.
    if isinstance(value, dt.datetime):
        return canonical_at(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(
        f"audit data must be JSON (dict, list, str, int, float, bool, None); got {type(value).__name__}"
    )


# One encoder each, made once: json.dumps with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain
)
_UNSORTED = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain
)


def dumps(value: Any) -> str:
    """Canonical JSON text: sorted keys, compact, UTF-8 characters as themselves, no NaN."""
    return _CANONICAL.encode(value)


def is_plain(value: Any) -> bool:
    """Whether ``value`` is already as a JSON column reads back: dicts with text keys, lists,
    text, integers, finite floats, booleans and None."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(map(is_plain, value))
    if kind is dict:
        return all(type(key) is str for key in value) and all(map(is_plain, value.values()))
    return False


def normalise_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``data`` as it reads back from a JSON column (keys as text, tuples as lists, days as
    ISO text), so the hash computed before storing equals the hash of what is stored."""
    data = dict(data or {})
    if is_plain(data):
        return data
    # Not sorted here: keys that are not text become text first (then sort alike everywhere).
    loaded = json.loads(_UNSORTED.encode(data))
    assert isinstance(loaded, dict)
    return loaded


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _CANONICAL.encode(value)


def content_text(
    *,
    seq: int,
    prev_hash: str,
    at: dt.datetime | str,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    data_text: str,
) -> str:
    """The canonical text of an event whose ``data`` is already written (``dumps(data)``):
    the same text as ``dumps`` of the whole event, assembled without writing ``data`` again."""
    # The keys in sorted order: action, actor_id, at, data, prev_hash, seq, subject_id, subject_type.
    return (
        f'{{"action":{_scalar(action)},"actor_id":{_scalar(actor_id)},'
        f'"at":{_scalar(canonical_at(at))},"data":{data_text},'
        f'"prev_hash":{_scalar(prev_hash)},"seq":{_scalar(seq)},'
        f'"subject_id":{_scalar(subject_id)},"subject_type":{_scalar(subject_type)}}}'
    )


def canonical_bytes(
    *,
    seq: int,
    prev_hash: str,
    at: dt.datetime | str,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    data: Mapping[str, Any] | None,
) -> bytes:
    text = content_text(
        seq=seq,
        prev_hash=prev_hash,
        at=at,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data_text=dumps(dict(data or {})),
    )
    return text.encode("utf-8")


def compute_hash(
    *,
    seq: int,
    prev_hash: str,
    at: dt.datetime | str,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    data: Mapping[str, Any] | None,
) -> str:
    """The hex SHA-256 of the event's canonical bytes."""
    return hashlib.sha256(
        canonical_bytes(
            seq=seq,
            prev_hash=prev_hash,
            at=at,
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            data=data,
        )
    ).hexdigest()


def event_hash(event: Any) -> str:
    """The hash an event's stored content gives (compare it with its stored ``hash``)."""
    return compute_hash(**{name: _field(event, name) for name in CONTENT_FIELDS})


def _content_break(event: Any) -> Break | None:
    seq, event_id = _field(event, "seq"), _field(event, "id")
    try:
        recomputed = event_hash(event)
    except (TypeError, ValueError) as exc:
        return Break(
            BreakKind.hash_mismatch, seq, event_id, f"the event cannot be read as written: {exc}"
        )
    stored = _field(event, "hash")
    if recomputed != stored:
        return Break(
            BreakKind.hash_mismatch,
            seq,
            event_id,
            "the event's content does not give its stored hash: it was changed after it was written",
            expected=recomputed,
            found=stored,
        )
    return None


def _link_break(event: Any, previous_hash: str) -> Break | None:
    prev_hash = _field(event, "prev_hash")
    if prev_hash == previous_hash:
        return None
    return Break(
        BreakKind.prev_hash_mismatch,
        _field(event, "seq"),
        _field(event, "id"),
        "prev_hash is not the hash of the event before it: an event before this one was "
        "removed, inserted, reordered or rewritten",
        expected=previous_hash,
        found=prev_hash,
    )


def verify(events: Iterable[Any], *, head: tuple[int, str] | None = None) -> VerifyReport:
    """Check a whole chain, given in seq order from seq 1; stops at the first broken link.

    Streams: holds one event at a time. ``head`` is the recorded (seq, hash) the chain must end
    at; without it, removing the newest events cannot be seen.
    """
    count, last_seq, last_hash = 0, 0, GENESIS_HASH
    for event in events:
        seq = _field(event, "seq")
        if not isinstance(seq, int) or seq <= last_seq:
            problem = Break(
                BreakKind.seq_order,
                seq,
                _field(event, "id"),
                f"seq {seq} after seq {last_seq}: positions must rise by one",
                expected=last_seq + 1,
                found=seq,
            )
            return VerifyReport(count, last_seq, last_hash, problem)
        if seq != last_seq + 1:
            missing = (
                f"seq {last_seq + 1}" if seq == last_seq + 2 else f"seqs {last_seq + 1}–{seq - 1}"
            )
            problem = Break(
                BreakKind.seq_gap,
                seq,
                _field(event, "id"),
                f"{missing} missing before this event: an event was removed",
                expected=last_seq + 1,
                found=seq,
            )
            return VerifyReport(count, last_seq, last_hash, problem)
        broken = _link_break(event, last_hash) or _content_break(event)
        if broken is not None:
            return VerifyReport(count, last_seq, last_hash, broken)
        count, last_seq, last_hash = count + 1, seq, _field(event, "hash")
    if head is not None and (last_seq, last_hash) != tuple(head):
        head_seq, head_hash = head
        if head_seq > last_seq:
            message = (
                f"the recorded head is seq {head_seq}; the newest event found is seq "
                f"{last_seq}: events at the end were removed"
            )
        else:
            message = (
                f"the chain ends at seq {last_seq} but the recorded head is seq {head_seq} "
                f"({head_hash[:12]}…): the head was changed or events were added around it"
            )
        problem = Break(
            BreakKind.head_mismatch,
            last_seq + 1 if head_seq > last_seq else last_seq,
            None,
            message,
            expected=(head_seq, head_hash),
            found=(last_seq, last_hash),
        )
        return VerifyReport(count, last_seq, last_hash, problem)
    return VerifyReport(count, last_seq, last_hash)


@dataclass(frozen=True)
class SliceReport:
    count: int  # events in the slice
    linked: int  # pairs of consecutive seqs whose link was checked
    first_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_slice(events: Iterable[Any]) -> SliceReport:
    """Check a subset of the chain (an evidence package's events): every event's hash matches
    its content, and where two seqs are consecutive (n, n+1) the second links to the first.

    Events may come in any order; a seq given twice is a break. A slice proves its events are
    unchanged and, where consecutive, in order; that they belong to the server's chain is
    shown by comparing a hash with the chain (the CLI, or the head printed when it was made).
    """
    ordered = sorted(events, key=lambda e: (_field(e, "seq") is None, _field(e, "seq") or 0))
    linked, previous = 0, None
    for event in ordered:
        seq = _field(event, "seq")
        if not isinstance(seq, int) or seq < 1:
            bad = Break(
                BreakKind.seq_order, seq, _field(event, "id"), f"seq {seq!r} is not a position"
            )
            return SliceReport(len(ordered), linked, bad)
        problem: Break | None = _content_break(event)
        if problem is None and previous is not None:
            previous_seq = _field(previous, "seq")
            if seq == previous_seq:
                problem = Break(
                    BreakKind.seq_order, seq, _field(event, "id"), f"seq {seq} appears twice"
                )
            elif seq == previous_seq + 1:
                problem = _link_break(event, _field(previous, "hash"))
                linked += 1
        if problem is None and seq == 1 and _field(event, "prev_hash") != GENESIS_HASH:
            problem = _link_break(event, GENESIS_HASH)
        if problem is not None:
            return SliceReport(len(ordered), linked, problem)
        previous = event
    return SliceReport(len(ordered), linked)


def export_record(event: Any) -> dict[str, Any]:
    """An event as a JSON object that ``verify_slice`` (and docs/audit.md's script) accept:
    its id, the content fields with ``at`` in canonical form, and its hash."""
    record = {name: _field(event, name) for name in CONTENT_FIELDS}
    record["at"] = canonical_at(record["at"])
    record["id"] = _field(event, "id")
    record["hash"] = _field(event, "hash")
    return record
