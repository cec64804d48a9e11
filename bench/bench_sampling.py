"""Benchmark: the sampling draw and team proposal against loading the filings they work on.

Seeds 5,522 plants (Shijiazhuang's count in 2020, S1) with their filings into a fresh database
and adds 200 inspectors (3 blacklisted) and 400 conflict declarations. Then, in the same run,
for several rounds each, times:

  (a) loading every filing with its industry cases, site and enterprise from the database;
  (b) the draw (100% A/A+/leading/advanced, ceil(30%) of B/B- per county × industry) plus a
      team proposal for every selected filing, from what (a) loaded and the inspector pool.

and reports the median of each and the ratio b / a (target: at most 2x). For information it
also times (c) the full service path once: create_draw + propose_for_draw, written to the
database (every filing is first moved to "forwarded" so it is at the city), then rolled back.

    .venv/bin/python bench/bench_sampling.py [--plants 5522] [--inspectors 200] [--rounds 7]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ... (default: SQLite)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402
from sqlalchemy.orm import Session, selectinload  # noqa: E402

from server.accounts.actor import Actor  # noqa: E402
from server.accounts.models import Role, User  # noqa: E402
from server.assignments.geography import distance_km  # noqa: E402
from server.assignments.proposals import inspector_pool, propose_for_draw  # noqa: E402
from server.assignments.repository import conflicted_users  # noqa: E402
from server.assignments.teams import Check, propose_teams  # noqa: E402
from server.catalogue import catalogue  # noqa: E402
from server.compliance.models import ConflictDeclaration, ConflictKind  # noqa: E402
from server.db import make_engine, make_sessionmaker  # noqa: E402
from server.demo.load import load_demo_city  # noqa: E402
from server.demo.vocabulary import CITY, COUNTIES  # noqa: E402
from server.filings.models import Filing, FilingStatus  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.registry.models import Enterprise, Site  # noqa: E402
from server.review.batches import create_batch  # noqa: E402
from server.sampling.draw import Candidate, draw, is_candidate  # noqa: E402
from server.sampling.service import create_draw  # noqa: E402

TARGET = 2.0
WINDOW = (dt.datetime(2026, 10, 8, tzinfo=dt.UTC), dt.datetime(2026, 10, 20, tzinfo=dt.UTC))


def seed(session: Session, plants: int, inspectors: int) -> None:
    load_demo_city(session, plants=plants)
    rng = random.Random(4)
    password_hash = session.scalar(select(User.password_hash).limit(1))
    counties = [c.name for c in COUNTIES] + [None]
    users = [
        User(
            username=f"bench-inspector-{i:03d}",
            display_name=f"核查员{i:03d}",
            password_hash=password_hash,
            role=Role.inspector,
            city=CITY,
            county=counties[i % len(counties)],
            blacklisted=i % 66 == 65,  # 3 of 200
        )
        for i in range(inspectors)
    ]
    session.add_all(users)
    session.flush()
    enterprise_ids = list(session.scalars(select(Enterprise.id)))
    session.add_all(
        ConflictDeclaration(
            enterprise_id=rng.choice(enterprise_ids),
            user_id=rng.choice(users).id,
            kind=ConflictKind.third_party_service,
            declared_on=dt.date(2026, 3, 1),
        )
        for _ in range(400)
    )
    session.commit()


def load_filings(session: Session) -> list[Filing]:
    """(a): every filing with its cases, site and enterprise, as the draw's caller would."""
    query = select(Filing).options(
        selectinload(Filing.cases), selectinload(Filing.site).selectinload(Site.enterprise)
    )
    return list(session.scalars(query))


def draw_and_propose(session: Session, filings: list[Filing]) -> tuple[int, int, int]:
    """(b): the draw over the loaded filings, then a team for every selected one."""
    candidates, enterprise_of = [], {}
    for filing in filings:
        main = next(case for case in filing.cases if case.is_main)
        if is_candidate(main.claimed_grade):
            county = filing.site.enterprise.county
            candidates.append(Candidate(filing.id, county, main.industry_code, main.claimed_grade))
            enterprise_of[filing.id] = (filing.site.enterprise_id, county)
    result = draw(seed="bench-2026", rate=Decimal("0.30"), candidates=candidates)
    selected = result.selected_ids
    conflicts = conflicted_users(session, sorted({enterprise_of[f][0] for f in selected}))
    checks = [
        Check(f, enterprise_of[f][1], frozenset(conflicts.get(enterprise_of[f][0], ())))
        for f in selected
    ]
    proposal = propose_teams(checks, inspector_pool(session, CITY), distance=distance_km)
    return len(candidates), len(selected), len(proposal.teams)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def full_service_path(factory) -> tuple[float, float, int, int]:
    """(c): create_draw and propose_for_draw as the API runs them, rolled back afterwards."""
    session = factory()
    try:
        admin = Actor.of(session.scalars(select(User).where(User.role == Role.admin)).first())
        session.execute(update(Filing).values(status=FilingStatus.forwarded))
        industries = sorted(catalogue().all_industry_codes())
        batch = create_batch(
            session,
            actor=admin,
            name="bench",
            city=CITY,
            year=2026,
            industries=industries,
            deadline=dt.date(2026, 9, 30),
        )
        started = time.perf_counter()
        row = create_draw(session, actor=admin, batch_id=batch.id, seed="bench-2026")
        drawn = time.perf_counter() - started
        started = time.perf_counter()
        report = propose_for_draw(
            session, actor=admin, draw_id=row.id, window_start=WINDOW[0], window_end=WINDOW[1]
        )
        session.flush()
        proposed = time.perf_counter() - started
        return drawn, proposed, row.selected_count, len(report.created)
    finally:
        session.rollback()
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=5522)
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        with factory() as session:
            seed(session, args.plants, args.inspectors)
        print(
            f"seeded {args.plants} plants and {args.inspectors} inspectors into "
            f"{url.split(':')[0]} in {time.perf_counter() - started:.1f} s"
        )
        loading: list[float] = []
        computing: list[float] = []
        counts = (0, 0, 0)
        for _ in range(args.rounds):
            with factory() as session:  # a fresh session: nothing cached between rounds
                started = time.perf_counter()
                filings = load_filings(session)
                loading.append(time.perf_counter() - started)
                started = time.perf_counter()
                counts = draw_and_propose(session, filings)
                computing.append(time.perf_counter() - started)
        drawn, proposed, selected, created = full_service_path(factory)
        engine.dispose()
    a, b = median_ms(loading), median_ms(computing)
    eligible, chosen, teams = counts
    print(f"filings {len(filings)}, eligible {eligible}, selected {chosen}, teams {teams}")
    print(f"{'step (median of ' + str(args.rounds) + ')':<52}{'ms':>9}")
    print(f"{'(a) load filings + cases + site + enterprise':<52}{a:>9.1f}")
    print(f"{'(b) draw + team proposal for every selected filing':<52}{b:>9.1f}")
    print(f"ratio b / a: {b / a:.2f}x (target <= {TARGET:.0f}x)")
    print(
        f"(c) service path, written: create_draw {drawn * 1000:.0f} ms ({selected} selected), "
        f"propose_for_draw {proposed * 1000:.0f} ms ({created} planned assignments)"
    )
    return 0 if b / a <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
