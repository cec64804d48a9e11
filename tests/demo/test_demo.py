"""The demo city: deterministic data, loaded through the services, every rule holding."""

import dataclasses
import json
import math

import pytest
from sqlalchemy import func, select

from server.accounts.models import Role, User
from server.catalogue import catalogue
from server.compliance.models import ConflictDeclaration, IntegrityRecord, Penalty
from server.demo.generate import generate_city
from server.demo.load import DEMO_PASSWORD, demo_accounts, load_demo_city
from server.errors import Conflict
from server.filings.models import Filing, IndustryCase
from server.registry.credit_code import credit_code_problem
from server.registry.geometry import DATUMS, boundary_problems
from server.registry.models import Enterprise, Site

ZHUMADIAN_COUNTIES = {"驿城区", "确山县", "泌阳县", "汝南县", "平舆县", "西平县"}


def as_bytes(seed, plants=300):
    data = dataclasses.asdict(generate_city(seed=seed, plants=plants))
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()


def test_same_seed_gives_byte_identical_data():
    assert as_bytes(2020) == as_bytes(2020)
    assert as_bytes(2020) != as_bytes(2021)


@pytest.mark.parametrize("plants", [1, 7, 300, 1000])
def test_plants_counts_sites(plants):
    city = generate_city(plants=plants)
    assert sum(len(e.sites) for e in city.enterprises) == plants


def test_generated_codes_and_names_are_valid_and_unique():
    city = generate_city(plants=2000)
    codes = [e.credit_code for e in city.enterprises]
    assert all(credit_code_problem(code) is None for code in codes)
    assert len(set(codes)) == len(codes)
    assert len({e.name for e in city.enterprises}) == len(city.enterprises)
    mns = [p["mn"] for e in city.enterprises for s in e.sites for p in s.cems_points]
    assert len(set(mns)) == len(mns)
    assert all(len(mn) <= 24 and mn.isalnum() for mn in mns)


def _extent_m(boundary):
    ring = boundary[0][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    lat = sum(lats) / len(lats)
    width = (max(lons) - min(lons)) * 111_320 * math.cos(math.radians(lat))
    return max(width, (max(lats) - min(lats)) * 110_574)


def test_load_the_demo_city(session):
    result = load_demo_city(session)

    assert session.scalar(select(func.count(Site.id))) == 300
    enterprises = session.scalars(select(Enterprise)).all()
    assert 250 <= len(enterprises) < 300  # some enterprises have two sites
    assert {e.county for e in enterprises} == ZHUMADIAN_COUNTIES
    assert {e.city for e in enterprises} == {"驻马店市"}
    assert all(credit_code_problem(e.credit_code) is None for e in enterprises)
    assert any(len(e.sites) == 2 for e in enterprises)

    for site in session.scalars(select(Site)):
        assert site.datum in DATUMS
        assert boundary_problems(site.boundary) == []
        assert 80 <= _extent_m(site.boundary) <= 450
        assert 1 <= len(site.lines) <= 6 and 1 <= len(site.gates) <= 3
        assert len(site.cems_points) <= 3
        assert len(site.filings) == 1
    datums = session.scalars(select(Site.datum)).all()
    assert datums.count("GCJ02") > len(datums) / 2 and {"WGS84", "BD09"} <= set(datums)

    cases = session.scalars(select(IndustryCase)).all()
    industries = {(c.guide_version, c.industry_code) for c in cases}
    assert len({code for guide, code in industries if guide == "MEE2020"}) >= 8
    assert {code for guide, code in industries if guide == "HENAN2020"} >= {
        "machining",
        "plastic_products",
    }
    # Every grade of every scale in use is claimed somewhere.
    seen: dict[tuple[str, ...], set[str]] = {}
    for case in cases:
        scale = catalogue().industry(case.guide_version, case.industry_code).scale
        seen.setdefault(scale, set()).add(case.claimed_grade)
    assert all(grades == set(scale) for scale, grades in seen.items())
    assert {"leading", "advanced", "B-"} <= set().union(*seen.values())
    main_grades = [c.claimed_grade for c in cases if c.is_main]
    assert main_grades.count("A") < main_grades.count("B") < main_grades.count("C")
    multi = [f for f in session.scalars(select(Filing)) if len(f.cases) == 2]
    assert 3 <= len(multi) <= 40
    assert all(sum(c.is_main for c in f.cases) == 1 for f in multi)
    assert all(2 <= len(c.claims) <= 6 for c in cases)

    years = session.execute(select(Filing.year, func.count()).group_by(Filing.year)).all()
    assert dict(years) == {2026: 299, 2025: 1}
    received = session.scalars(select(Filing.received_on).where(Filing.year == 2026)).all()
    assert min(received).month >= 6 and max(received).month <= 9

    assert session.scalar(select(func.count(Penalty.id))) >= 3
    barred = session.scalars(select(IntegrityRecord)).all()
    assert len(barred) == 2
    assert session.scalar(select(func.count(ConflictDeclaration.id))) >= 5

    users = session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    reviewers = [u for u in users if u.role is Role.county_reviewer]
    assert {u.county for u in reviewers} == ZHUMADIAN_COUNTIES
    assert sum(u.blacklisted for u in users) == 1
    assert sorted(u.username for u in users) == sorted(a[0] for a in demo_accounts())

    summary = result.summary()
    assert "enterprises" in summary and "filings 300" in summary


def test_the_barred_enterprise_has_no_filing_for_2026(session):
    load_demo_city(session, plants=60)
    record = session.scalars(
        select(IntegrityRecord).order_by(IntegrityRecord.barred_until.desc())
    ).first()
    assert record.barred_until.year == 2027
    filings = session.scalars(
        select(Filing).join(Filing.site).where(Site.enterprise_id == record.enterprise_id)
    ).all()
    assert [f.year for f in filings] == [2025]


def test_only_if_empty_skips_the_second_time(session):
    first = load_demo_city(session, only_if_empty=True, plants=12)
    assert not first.skipped
    before = session.scalar(select(func.count(Enterprise.id)))
    second = load_demo_city(session, only_if_empty=True, plants=12)
    assert second.skipped
    assert second.summary() == "skipped: database already has data"
    assert session.scalar(select(func.count(Enterprise.id))) == before
    with pytest.raises(Conflict, match="demo accounts already exist"):
        load_demo_city(session, plants=12)


def test_a_county_reviewer_signs_in_and_sees_only_their_county(session, client):
    load_demo_city(session, plants=40)
    token = client.post(
        "/api/auth/token", json={"username": "county-queshan", "password": DEMO_PASSWORD}
    )
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json['access_token']}"}
    listed = client.get("/api/enterprises?page_size=100", headers=headers)
    assert listed.status_code == 200
    assert listed.json and {e["county"] for e in listed.json} == {"确山县"}


def test_demo_visits_carry_production_evidence_and_one_is_void(session):
    from server.reconciliation.models import DataImport, ReconciliationResult

    result = load_demo_city(session)
    assert result.production == result.assignments == 6
    imports = session.scalars(select(DataImport).order_by(DataImport.id)).all()
    refused = [e["code"] for i in imports for e in i.errors]
    assert refused.count("hj212.bad_crc") >= 1  # the corrupt packet, refused by its line
    results = session.scalars(
        select(ReconciliationResult).order_by(ReconciliationResult.filing_id)
    ).all()
    statuses = [v["production"]["status"] for r in results for v in r.result["visits"]]
    assert statuses.count("not_normal") == 1  # the plant whose treatment was off
    assert sum(v["void"] for r in results for v in r.result["visits"]) == 1


def test_the_demo_city_has_what_every_page_needs(session, tmp_path):
    """A newcomer's first hour (issue 16): a batch with a published draw and teams, one still
    to be drawn, a filing returned for supplement with its missing items, a void visit among
    the plants in city review, a decided and a downgraded plant."""
    from media import FilesystemBlobStore
    from server.assignments.models import Assignment, AssignmentStatus
    from server.filings.models import FilingStatus
    from server.reconciliation.models import ReconciliationResult
    from server.review.grades import histories
    from server.review.models import ReviewBatch, ReviewTransition
    from server.sampling.models import Draw, DrawEntry
    from server.sampling.service import verify_draw

    result = load_demo_city(session, plants=60, media=FilesystemBlobStore(tmp_path))
    bench = result.workbench
    batches = {b.id: b for b in session.scalars(select(ReviewBatch))}
    assert set(batches) == {bench.drawn_batch, bench.undrawn_batch}
    [draw] = session.scalars(select(Draw).where(Draw.batch_id == bench.drawn_batch)).all()
    assert draw.published_at is not None and draw.selected_count == bench.selected >= 1
    assert verify_draw(session, draw).matches  # anyone re-drawing from the seed gets the same
    assert session.scalar(select(Draw.id).where(Draw.batch_id == bench.undrawn_batch)) is None
    selected = session.scalars(
        select(DrawEntry.filing_id).where(DrawEntry.draw_id == draw.id, DrawEntry.selected)
    ).all()
    teams = session.scalars(
        select(Assignment).where(
            Assignment.filing_id.in_(selected), Assignment.status == AssignmentStatus.published
        )
    ).all()
    assert len(teams) == bench.teams_published >= 1 and all(len(a.members) >= 2 for a in teams)

    returned = session.get(Filing, bench.returned)
    assert returned is not None and returned.status is FilingStatus.returned
    told = session.scalars(
        select(ReviewTransition.missing_items).where(
            ReviewTransition.filing_id == returned.id,
            ReviewTransition.action == "return_for_supplement",
        )
    ).one()
    assert told and len(told) >= 2

    in_city = set(
        session.scalars(select(Filing.id).where(Filing.status == FilingStatus.city_review))
    )
    void = [
        r.filing_id
        for r in session.scalars(select(ReconciliationResult))
        if any(v["void"] for v in r.result["visits"])
    ]
    assert len(void) == 1 and void[0] in in_city

    decided, downgraded = session.get(Filing, bench.decided), session.get(Filing, bench.downgraded)
    assert decided is not None and decided.status is FilingStatus.decided
    assert downgraded is not None and downgraded.status is FilingStatus.downgraded
    history = histories(session, [decided.id, downgraded.id])
    assert [e.source for e in history[decided.id]] == ["decision"]
    assert [e.source for e in history[downgraded.id]] == ["decision", "downgrade"]
