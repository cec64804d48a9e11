"""The chain's pure core: canonical bytes exactly as docs/audit.md writes them, and the
verifiers on plain dictionaries (as an evidence package carries them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from server.audit.chain import (
    GENESIS_HASH,
    BreakKind,
    canonical_bytes,
    compute_hash,
    export_record,
    normalise_data,
    verify,
    verify_slice,
)

AT = dt.datetime(2026, 9, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def chain(n: int) -> list[dict]:
    events, last = [], GENESIS_HASH
    for seq in range(1, n + 1):
        event = {
            "id": seq + 100,
            "seq": seq,
            "prev_hash": last,
            "at": "2026-09-02T02:00:00.000000Z",
            "actor_id": 7 if seq % 2 else None,
            "action": "filing.transition",
            "subject_type": "filing",
            "subject_id": 42,
            "data": {"to": "decided", "理由": "现场核查一致", "n": seq},
        }
        event["hash"] = last = compute_hash(
            **{k: event[k] for k in event if k not in ("id", "hash")}
        )
        events.append(event)
    return events


def test_canonical_bytes_are_the_documented_json():
    data = {"b": [1, 2.5, None, True], "a": "驻马店"}
    got = canonical_bytes(
        seq=1,
        prev_hash=GENESIS_HASH,
        at=AT,
        actor_id=None,
        action="filing.received",
        subject_type="filing",
        subject_id=42,
        data=data,
    )
    expected = (
        '{"action":"filing.received","actor_id":null,"at":"2026-09-02T02:00:00.000000Z",'
        '"data":{"a":"驻马店","b":[1,2.5,null,true]},"prev_hash":"' + "0" * 64 + '",'
        '"seq":1,"subject_id":42,"subject_type":"filing"}'
    ).encode()
    assert got == expected
    # what a standalone script does with the standard library alone
    content = {
        "seq": 1, "prev_hash": "0" * 64, "at": "2026-09-02T02:00:00.000000Z", "actor_id": None,
        "action": "filing.received", "subject_type": "filing", "subject_id": 42, "data": data,
    }  # fmt: skip
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode()).hexdigest() == compute_hash(
        seq=1, prev_hash="0" * 64, at=AT, actor_id=None, action="filing.received",
        subject_type="filing", subject_id=42, data=data,
    )  # fmt: skip


def test_data_is_normalised_as_a_json_column_returns_it():
    data = normalise_data({"pair": (1, 2), 3: "three", "on": dt.date(2026, 9, 2)})
    assert data == {"pair": [1, 2], "3": "three", "on": "2026-09-02"}


def test_an_intact_chain_and_its_head():
    events = chain(5)
    report = verify(events, head=(5, events[-1]["hash"]))
    assert report.ok and report.count == 5 and report.head_hash == events[-1]["hash"]


def test_changed_content_is_named_at_its_event():
    events = chain(5)
    events[2]["data"]["to"] = "downgraded"
    report = verify(events)
    assert report.first_break.kind is BreakKind.hash_mismatch
    assert (report.first_break.seq, report.first_break.id, report.count) == (3, 103, 2)


def test_a_rewritten_hash_breaks_the_next_link():
    events = chain(5)
    events[2]["data"]["to"] = "downgraded"
    fields = {k: events[2][k] for k in events[2] if k not in ("id", "hash")}
    events[2]["hash"] = compute_hash(**fields)
    report = verify(events)
    assert (report.first_break.kind, report.first_break.seq) == (BreakKind.prev_hash_mismatch, 4)


def test_removed_and_reordered_events():
    events = chain(6)
    gap = verify(events[:2] + events[3:])
    assert (gap.first_break.kind, gap.first_break.seq) == (BreakKind.seq_gap, 4)
    assert "seq 3 missing" in gap.first_break.message
    first_gone = verify(events[1:])
    assert (first_gone.first_break.kind, first_gone.first_break.seq) == (BreakKind.seq_gap, 2)
    swapped = [dict(e) for e in events]
    swapped[1]["seq"], swapped[2]["seq"] = 3, 2
    report = verify(sorted(swapped, key=lambda e: e["seq"]))
    assert report.first_break.kind is BreakKind.prev_hash_mismatch
    tail_gone = verify(events[:-1], head=(6, events[-1]["hash"]))
    assert tail_gone.first_break.kind is BreakKind.head_mismatch


def test_a_slice_checks_content_and_consecutive_links():
    events = chain(8)
    picked = [events[1], events[2], events[5]]  # seqs 2, 3 (linked) and 6
    assert verify_slice(reversed(picked)).ok
    assert verify_slice(picked).linked == 1
    changed = [dict(e) for e in picked]
    changed[2] = {**changed[2], "actor_id": 99}
    report = verify_slice(changed)
    assert (report.first_break.kind, report.first_break.seq) == (BreakKind.hash_mismatch, 6)
    forged = {**events[2], "prev_hash": "f" * 64}  # its own hash valid, linked elsewhere
    forged["hash"] = compute_hash(**{k: forged[k] for k in forged if k not in ("id", "hash")})
    report = verify_slice([events[1], forged])
    assert (report.first_break.kind, report.first_break.seq) == (BreakKind.prev_hash_mismatch, 3)
    assert verify_slice([events[1], events[1]]).first_break.kind is BreakKind.seq_order


def test_export_record_round_trips_through_json():
    event = chain(1)[0]
    record = json.loads(json.dumps(export_record(event), ensure_ascii=False))
    assert verify_slice([record]).ok and record["at"] == "2026-09-02T02:00:00.000000Z"


@pytest.mark.parametrize(
    "fields",
    [
        {"actor_id": None, "subject_id": None, "action": "a", "subject_type": "b", "data": {}},
        {"actor_id": 3, "subject_id": 0, "action": 'quote " back \\ slash', "subject_type": "照片",
         "data": {"z": [1.5, -0.0, 10**20, True, None], "a": {"\n": "\u2028"}}},
        {"actor_id": 2**63, "subject_id": -1, "action": "x\ty", "subject_type": "", "data": {"": ""}},
    ],
)  # fmt: skip
def test_the_assembled_text_is_json_of_the_whole_event(fields):
    event = {"seq": 12, "prev_hash": "ab" * 32, "at": AT, **fields}
    reference = json.dumps(
        {**event, "at": "2026-09-02T02:00:00.000000Z"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    assert canonical_bytes(**event) == reference.encode("utf-8")
