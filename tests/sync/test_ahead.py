"""Validating ahead (sync/ahead.py): a page's submitted inspections are validated while the
previous batch is applied; the apply stage uses such an answer only for an equal plant context,
so what is stored is exactly what validating in the apply stage would give."""

from __future__ import annotations

from types import SimpleNamespace

from inspection_forms import PlantContext
from server.inspections.forms import dry_run
from sync.ahead import validate_ahead
from tests.forms.documents import common_document
from tests.sync.docs import inspection

CONTEXT = PlantContext(lines=("L01", "L02"), gates=("G01",), cems_points=("MN411700000001",))


def _change(doc: dict, rev: str = "1-a") -> dict:
    doc = {**doc, "_rev": rev}
    return {"id": doc["_id"], "seq": "1", "changes": [{"rev": rev}], "doc": doc}


def _submitted(answers_context: PlantContext, **fields) -> dict:
    body = common_document(answers_context)
    return inspection(
        7,
        assignment_id=41,
        status="submitted",
        form_id=body["form_id"],
        form_version=body["form_version"],
        answers=body["answers"],
        started_at="2026-07-16T09:05:00+08:00",
        submitted_at="2026-07-16T11:40:00+08:00",
        **fields,
    )


def test_known_assignments_are_validated_ahead_as_the_apply_stage_would():
    good = _submitted(CONTEXT)
    # answers for a line the plant does not have: the validator finds problems
    bad = _submitted(PlantContext(lines=("L01", "L02", "L09"), gates=("G01",)))
    draft = {**_submitted(CONTEXT), "status": "draft"}
    elsewhere = {**_submitted(CONTEXT), "assignment_id": 99}
    pins = frozenset({(good["form_id"], good["form_version"])})
    feed = {"results": [_change(d) for d in (good, bad, draft, elsewhere)]}

    found = validate_ahead(feed, {41: (CONTEXT, pins)})

    assert set(found) == {(good["_id"], "1-a"), (bad["_id"], "1-a")}  # drafts, unknown: later
    for doc in (good, bad):
        ahead = found[(doc["_id"], "1-a")]
        assert ahead.context == CONTEXT
        assert ahead.problems == dry_run(doc, CONTEXT)
    assert found[(good["_id"], "1-a")].problems == []
    assert found[(bad["_id"], "1-a")].problems != []


def test_an_answer_ahead_is_used_only_for_an_equal_context():
    """The plant's lines changed between the read-ahead and the apply: validated again."""
    from server.inspections import ingest
    from server.inspections.batch import Validated

    doc = {**_submitted(CONTEXT), "_rev": "1-a"}
    stale = Validated(CONTEXT, [])
    changed = PlantContext(lines=("L01",), gates=("G01",), cems_points=("MN411700000001",))

    pins = {(doc["form_id"], doc["form_version"]): None}
    batch = SimpleNamespace(validated={(doc["_id"], "1-a"): stale})

    assert ingest._validate(SimpleNamespace(context=CONTEXT, pins=pins), doc, batch) is (
        stale.problems
    )
    again = ingest._validate(SimpleNamespace(context=changed, pins=pins), doc, batch)
    assert again == dry_run(doc, changed) and again != []
