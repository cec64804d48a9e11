"""Draws of a batch: 100% of A, at least 30% of B per stratum, once, then supplementary only."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.errors import NotFound
from server.review.errors import RateTooLow
from server.review.jurisdiction import add_version
from server.sampling.draw import Candidate, draw
from server.sampling.errors import AlreadyDrawn, NoFilings, NotDrawn
from server.sampling.models import Draw, DrawEntry
from server.sampling.repository import get_draw
from server.sampling.service import create_draw, verify_draw
from tests.factories import CITY, COUNTY, OTHER_COUNTY, foundry_case


def draw_count(session):
    return session.scalar(select(func.count(Draw.id)))


def draw_events(session):
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("draw.%")))


@pytest.fixture
def city_batch(make_batch, make_city_filing, make_filing):
    """3 A, 10 B here, 4 B elsewhere, 1 B- (ceramics), 2 C (not drawn), 1 B still at the county."""
    batch = make_batch(industries=["ceramics", "foundry"])
    filings = {
        "A": [make_city_filing("A") for _ in range(3)],
        "B_here": [make_city_filing("B") for _ in range(10)],
        "B_there": [make_city_filing("B", county=OTHER_COUNTY) for _ in range(4)],
        "B_minus": [make_city_filing("B-", industry="ceramics")],
        "C": [make_city_filing("C") for _ in range(2)],
        "county_stage": [make_filing(cases=[foundry_case("B")])],
    }
    return batch, filings


def entries(session, draw_row):
    return list(session.scalars(select(DrawEntry).where(DrawEntry.draw_id == draw_row.id)))


def test_all_a_and_30_percent_of_each_b_stratum(session, city_batch, city_actor):
    batch, filings = city_batch
    row = create_draw(session, actor=city_actor, batch_id=batch.id)
    rows = entries(session, row)
    by_filing = {e.filing_id: e for e in rows}
    assert {f.id for f in filings["A"]} <= {e.filing_id for e in rows if e.reason == "full_check"}
    here = [by_filing[f.id] for f in filings["B_here"]]
    there = [by_filing[f.id] for f in filings["B_there"]]
    assert sum(e.selected for e in here) == 3  # ceil(0.3 × 10)
    assert sum(e.selected for e in there) == 2  # ceil(0.3 × 4)
    assert by_filing[filings["B_minus"][0].id].reason == "sampled"  # ceil(0.3 × 1)
    for f in filings["C"] + filings["county_stage"]:
        assert f.id not in by_filing
    assert (row.eligible_count, row.selected_count) == (18, 9)
    assert (row.kind, row.sequence, row.sampling_rate) == ("main", 1, "0.30")
    assert len(row.seed) == 64
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "draw.created")).one()
    assert event.data["seed"] == row.seed
    assert sorted(event.data["selected"]) == sorted(e.filing_id for e in rows if e.selected)


def test_draw_is_reproducible_from_its_record(session, city_batch, city_actor):
    batch, _ = city_batch
    row = create_draw(session, actor=city_actor, batch_id=batch.id, seed="public-ceremony-2026")
    stored = entries(session, row)
    again = draw(
        seed="public-ceremony-2026",
        rate=Decimal("0.30"),
        candidates=[
            Candidate(e.filing_id, e.county, e.industry_code, e.claimed_grade) for e in stored
        ],
    )
    assert again.selected_ids == sorted(e.filing_id for e in stored if e.selected)
    assert again.eligible_hash == row.eligible_hash
    result = verify_draw(session, row)
    assert result.matches, result.problems
    assert (result.selected_count, result.eligible_count) == (9, 18)


def test_tampering_is_caught_by_verification(session, city_batch, city_actor):
    batch, _ = city_batch
    row = create_draw(session, actor=city_actor, batch_id=batch.id)
    flipped = next(e for e in entries(session, row) if e.reason == "not_sampled")
    flipped.selected, flipped.reason = True, "sampled"
    session.flush()
    result = verify_draw(session, row)
    assert not result.matches
    assert f"filing {flipped.filing_id}: recorded sampled, re-drawn not_sampled" in result.problems


def test_batch_with_no_filings_refused_and_nothing_recorded(
    session, make_batch, make_filing, city_actor
):
    batch = make_batch(industries=["cement"])
    make_filing()  # foundry: another batch's
    with pytest.raises(NoFilings) as refused:
        create_draw(session, actor=city_actor, batch_id=batch.id)
    assert refused.value.code == "sampling.no_filings"
    assert "its filings by state: none" in refused.value.message
    assert draw_count(session) == 0
    assert draw_events(session) == 0


def test_batch_whose_filings_are_all_at_the_county(session, make_batch, make_filing, city_actor):
    batch = make_batch()
    make_filing(cases=[foundry_case("B")])
    with pytest.raises(NoFilings, match="its filings by state: 1 received"):
        create_draw(session, actor=city_actor, batch_id=batch.id)
    assert draw_count(session) == 0


def test_rate_below_30_percent_or_the_citys_rate_refused(
    session, city_batch, city_actor, admin_actor
):
    batch, _ = city_batch
    with pytest.raises(RateTooLow, match=r"below the minimum 0\.30"):
        create_draw(session, actor=city_actor, batch_id=batch.id, sampling_rate="0.25")
    add_version(
        session,
        actor=admin_actor,
        city=CITY,
        effective_from=batch.deadline.replace(month=1),
        sampling_rate="0.40",
    )
    with pytest.raises(RateTooLow, match=rf"below {CITY}'s rate 0\.40"):
        create_draw(session, actor=city_actor, batch_id=batch.id, sampling_rate="0.35")
    assert draw_count(session) == 0
    row = create_draw(session, actor=city_actor, batch_id=batch.id)
    assert (row.sampling_rate, row.settings_version) == ("0.40", 1)


def test_a_batch_is_never_redrawn(session, city_batch, city_actor):
    batch, _ = city_batch
    create_draw(session, actor=city_actor, batch_id=batch.id)
    with pytest.raises(AlreadyDrawn, match="supplementary draw"):
        create_draw(session, actor=city_actor, batch_id=batch.id)
    assert draw_count(session) == 1


def test_supplementary_on_a_batch_never_drawn(session, city_batch, city_actor):
    batch, _ = city_batch
    with pytest.raises(NotDrawn) as refused:
        create_draw(session, actor=city_actor, batch_id=batch.id, supplementary=True)
    assert refused.value.code == "sampling.not_drawn"
    assert draw_count(session) == 0
    assert draw_events(session) == 0


def test_supplementary_draw_covers_only_late_filings(
    session, city_batch, city_actor, at_city, make_city_filing
):
    batch, filings = city_batch
    main = create_draw(session, actor=city_actor, batch_id=batch.id)
    late = [make_city_filing("B") for _ in range(3)] + [make_city_filing("A")]
    at_city(filings["county_stage"][0])
    supplementary = create_draw(session, actor=city_actor, batch_id=batch.id, supplementary=True)
    assert (supplementary.kind, supplementary.sequence) == ("supplementary", 2)
    drawn = {e.filing_id: e for e in entries(session, supplementary)}
    assert set(drawn) == {f.id for f in late} | {filings["county_stage"][0].id}
    assert sum(e.selected for e in drawn.values() if e.reason != "full_check") == 2  # ceil(1.2)
    assert drawn[late[-1].id].reason == "full_check"
    assert not set(drawn) & {e.filing_id for e in entries(session, main)}
    with pytest.raises(NoFilings, match="not in an earlier draw"):
        create_draw(session, actor=city_actor, batch_id=batch.id, supplementary=True)


def test_only_city_reviewers_and_admins_draw(session, city_batch, make_user):
    from server.accounts.actor import Actor
    from server.errors import Forbidden

    batch, _ = city_batch
    county = Actor.of(make_user(Role.county_reviewer, county=COUNTY))
    with pytest.raises(Forbidden):
        create_draw(session, actor=county, batch_id=batch.id)


def test_unpublished_draw_hidden_from_county_reviewers(session, city_batch, city_actor, make_user):
    from server.accounts.actor import Actor

    batch, _ = city_batch
    row = create_draw(session, actor=city_actor, batch_id=batch.id)
    county = Actor.of(make_user(Role.county_reviewer, county=COUNTY))
    with pytest.raises(NotFound):
        get_draw(session, county, row.id)
