"""Benchmark: reconciling a whole city against loading the same data from the database.

Seeds 5,522 plants (Shijiazhuang's count in 2020, S1) into a fresh database; every filing gets
one foundry case claiming A with 30 indicator claims, a visit by two inspectors whose accepted
inspections answer the common and foundry forms in full, 40 photos with findings (one in ten
outside the site), and a CEMS point per site with hourly HJ 212 records (flow, particulate
matter, SO₂, NOx, O₂) over the visit window and the 30 days before it; its particulate, SO₂ and
NOx claims state their limits, so each is checked against those hours (issue 17; one plant in
ten has one hour above its particulate limit). Then, in the same run, for several rounds each,
times:

  (a) loading: every filing's reconciliation inputs read from the database and built
      (``server.reconciliation.loading.load_inputs``), a chunk of 500 filings at a time;
  (b) reconciling: the same loads, then every filing computed (indicator verdicts, production
      verdict, grade, exclusions, obligations) and its result written to the database with its
      audit event (``server.reconciliation.service.refresh_all``), rolled back after each round;

and reports the median of each and the ratio b / a (target: at most 3x).

    .venv/bin/python bench/bench_reconcile.py [--plants 5522] [--rounds 3]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ... (default: SQLite)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, insert, select, text, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from server.accounts.models import Role, User  # noqa: E402
from server.assignments.models import Assignment, AssignmentMember  # noqa: E402
from server.db import make_engine, make_sessionmaker  # noqa: E402
from server.demo.load import load_demo_city  # noqa: E402
from server.evidence.models import Photo, PhotoCustody, PhotoFinding  # noqa: E402
from server.filings.models import (  # noqa: E402
    Filing,
    IndicatorClaim,
    IndustryCase,
    SupportingDocument,
)
from server.inspections.forms import get_form  # noqa: E402
from server.inspections.models import Inspection, InspectionRevision  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.reconciliation.hj212 import FLUE_GAS_FLOW  # noqa: E402
from server.reconciliation.loading import CHUNK, load_inputs  # noqa: E402
from server.reconciliation.models import (  # noqa: E402
    CemsRecord,
    DataImport,
    ElectricityMeter,
    MeteringReading,
    ReconciliationResult,
)
from server.reconciliation.service import current_result, refresh_all  # noqa: E402
from server.registry.models import CemsPoint, Site  # noqa: E402
from server.syncstate.models import AssignmentPush  # noqa: E402
from tests.forms.documents import common_document, plant_context  # noqa: E402

TARGET = 3.0
CLAIMS = 30
PHOTOS = 40
WINDOW = (dt.datetime(2026, 9, 1, tzinfo=dt.UTC), dt.datetime(2026, 9, 3, tzinfo=dt.UTC))
ON = dt.date(2026, 9, 10)
LOOKBACK = dt.timedelta(days=30)  # emission_limits.EmissionSettings().lookback_days
# the claimed limits of the foundry's emission indicators (the form's illustrative A limits)
LIMITS = {
    "emission_limits.particulate_matter": "颗粒物 ≤ 10 mg/m³",
    "emission_limits.sulphur_dioxide": "SO₂ ≤ 35 mg/m³",
    "emission_limits.nitrogen_oxides": "NOx ≤ 50 mg/m³",
}
PINS = [{"form_id": "common", "version": 1}, {"form_id": "foundry", "version": 1}]


def _indicators() -> list[str]:
    found: dict[str, None] = {}
    for form_id in ("common", "foundry"):
        for item in get_form(form_id, 1).all_items.values():
            indicator = item.indicator
            if indicator and not indicator.startswith("visit.") and item.criterion_for("A"):
                found[indicator] = None
    # the emission limits first: every filing's claims include the ones checked against CEMS
    ordered = [*LIMITS, *(code for code in found if code not in LIMITS)]
    return ordered[:CLAIMS]


def _answers(filing_id: int, template: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads(template.replace("photo:", f"photo:{filing_id}-"))
    answers.update(
        melting_energy="electricity", heat_treatment_energy="natural_gas", pouring_fume_capture=True
    )
    return answers


def seed(session: Session, plants: int) -> list[int]:
    load_demo_city(session, plants=plants)
    # the demo's own field work and production data make way for the benchmark's
    for model in (
        PhotoFinding,
        PhotoCustody,
        Photo,
        InspectionRevision,
        Inspection,
        ReconciliationResult,
        MeteringReading,
        ElectricityMeter,
        CemsRecord,
        DataImport,
    ):
        session.execute(delete(model))
    # one foundry A case of CLAIMS claims per filing
    session.execute(delete(SupportingDocument))
    session.execute(delete(IndicatorClaim))
    session.execute(delete(IndustryCase).where(IndustryCase.is_main.is_(False)))
    session.execute(
        update(IndustryCase).values(
            industry_code="foundry", guide_version="MEE2020", claimed_grade="A"
        )
    )
    cases = session.execute(select(IndustryCase.id, IndustryCase.filing_id)).all()
    indicators = _indicators()
    session.execute(
        insert(IndicatorClaim),
        [
            {
                "case_id": cid,
                "category": code.split(".")[0],
                "indicator_code": code,
                "claimed_value": LIMITS.get(code),
                "version": 1,
            }
            for cid, _ in cases
            for code in indicators
        ],
    )
    inspectors = [
        User(
            username=f"bench-reconcile-{i}",
            display_name=f"核查员{i}",
            password_hash="x",
            role=Role.inspector,
            city="驻马店市",
        )
        for i in range(20)
    ]
    session.add_all(inspectors)
    session.flush()
    filings = session.execute(select(Filing.id, Filing.site_id).order_by(Filing.id)).all()
    session.execute(delete(AssignmentPush))
    session.execute(delete(AssignmentMember))
    session.execute(delete(Assignment))
    session.execute(
        insert(Assignment),
        [
            {
                "filing_id": fid,
                "site_id": sid,
                "reason": "full_check",
                "window_start": WINDOW[0],
                "window_end": WINDOW[1],
                "status": "published",
                "form_pins": PINS,
                "created_at": WINDOW[0] - dt.timedelta(days=3),
                "updated_at": WINDOW[0],
                "version": 1,
            }
            for fid, sid in filings
        ],
    )
    visits = session.execute(select(Assignment.id, Assignment.filing_id)).all()
    team = {aid: (inspectors[aid % 20].id, inspectors[(aid + 7) % 20].id) for aid, _ in visits}
    session.execute(
        insert(AssignmentMember),
        [
            {"assignment_id": aid, "user_id": uid, "is_lead": n == 0}
            for aid, pair in team.items()
            for n, uid in enumerate(pair)
        ],
    )
    template = json.dumps(
        common_document(plant_context(lines=2, gates=2, cems_points=1))["answers"]
    )
    session.execute(
        insert(Inspection),
        [
            {
                "doc_id": f"inspection:{aid}-{uid}",
                "assignment_id": aid,
                "inspector_id": uid,
                "form_id": "common",
                "form_version": 1,
                "status": "accepted",
                "current_rev": "1-a",
                "answers": _answers(fid, template),
                "problems": [],
                "has_conflict": False,
                "received_at": WINDOW[1],
                "version": 1,
            }
            for aid, fid in visits
            for uid in team[aid]
        ],
    )
    photo_rows = [
        {
            "doc_id": f"photo:{fid}-{k:04d}-3f9c2a",
            "door": "sync",
            "inspector_id": team[aid][k % 2],
            "assignment_id": aid,
            "current_rev": "1-a",
            "status": "accepted",
            "received_at": WINDOW[1],
        }
        for aid, fid in visits
        for k in range(PHOTOS)
    ]
    for start in range(0, len(photo_rows), 20_000):
        session.execute(insert(Photo), photo_rows[start : start + 20_000])
    photo_ids = session.execute(select(Photo.id, Photo.doc_id)).all()
    findings = [
        {
            "photo_id": pid,
            "code": "geo.outside_boundary" if pid % 10 == 0 else "device.unregistered",
            "severity": "critical" if pid % 10 == 0 else "warning",
            "message_zh": "-",
            "message_en": "-",
            "data": {},
            "evaluated_at": WINDOW[1],
        }
        for pid, _ in photo_ids
    ]
    for start in range(0, len(findings), 20_000):
        session.execute(insert(PhotoFinding), findings[start : start + 20_000])
    # a CEMS point per site at a steady flow, hourly over the window
    session.execute(delete(CemsPoint))
    sites = [sid for (sid,) in session.execute(select(Site.id))]
    session.execute(
        insert(CemsPoint),
        [
            {
                "site_id": sid,
                "mn": f"MN{sid:012d}",
                "name": "熔炼炉排口",
                "pollutants": [FLUE_GAS_FLOW],
                "typical_flow": 10_000.0,
            }
            for sid in sites
        ],
    )
    data_import = DataImport(
        kind="hj212", site_id=sites[0], sha256="0" * 64, accepted=0, duplicates=0, rejected=0
    )
    session.add(data_import)
    session.flush()
    points = session.execute(select(CemsPoint.id)).scalars().all()
    first = WINDOW[0] - LOOKBACK
    hours = int((WINDOW[1] - first).total_seconds() // 3600)
    normal = {
        FLUE_GAS_FLOW: {"values": {"Avg": 9_500.0}, "flag": "N"},
        "a34013": {"values": {"Avg": 6.2}, "flag": "N"},
        "a21026": {"values": {"Avg": 18.0}, "flag": "N"},
        "a21002": {"values": {"Avg": 41.0}, "flag": "N"},
        "a19001": {"values": {"Avg": 11.5}, "flag": "N"},
    }
    above = {**normal, "a34013": {"values": {"Avg": 12.4}, "flag": "N"}}
    batch: list[dict[str, Any]] = []
    for pid in points:
        for h in range(hours):
            batch.append(
                {
                    "point_id": pid,
                    "import_id": data_import.id,
                    "cn": "2061",
                    "data_time": first + dt.timedelta(hours=h),
                    "flow": 9_500.0,
                    "flag": "N",
                    "pollutants": above if pid % 10 == 0 and h == 100 else normal,
                }
            )
        if len(batch) >= 50_000:
            session.execute(insert(CemsRecord), batch)
            batch = []
    if batch:
        session.execute(insert(CemsRecord), batch)
    session.commit()
    return [fid for fid, _ in filings]


def cems_volume(session: Session, url: str) -> str:
    """How much CEMS data the city holds: rows and the table's size on disk."""
    rows = session.scalar(select(func.count()).select_from(CemsRecord))
    if url.startswith("postgresql"):
        size = session.scalar(text("SELECT pg_total_relation_size('cems_records')"))
    else:
        size = session.scalar(
            text("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%cems_records%'")
        )
    return f"CEMS: {rows:,} hourly records, {int(size or 0) / 2**20:.0f} MB (table and indexes)"


def timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=5522)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    if not url:
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    started = time.perf_counter()
    with sessions() as session:
        ids = seed(session, args.plants)
    print(
        f"seeded {len(ids)} filings in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )
    with sessions() as session:
        print(cems_volume(session, url))

    def load_all(session: Session) -> None:
        for start in range(0, len(ids), CHUNK):
            load_inputs(session, ids[start : start + CHUNK], on=ON)

    def reconcile_all(session: Session) -> None:
        assert refresh_all(session, ids, on=ON) == len(ids)

    loads, reconciles = [], []
    for _ in range(args.rounds):
        with sessions() as session:
            loads.append(timed(lambda s=session: load_all(s)))
            session.rollback()
        with sessions() as session:
            reconciles.append(timed(lambda s=session: reconcile_all(s)))
            session.rollback()
    with sessions() as session:
        result = current_result(session, ids[0])
        assert result is not None
        sample = result.result
        session.rollback()
    a, b = statistics.median(loads), statistics.median(reconciles)
    indicators = sum(len(c["indicators"]) for c in sample["cases"])
    print(f"one result: supported grade {sample['supported_grade']}, {indicators} indicators")
    checked = [
        (i["indicator"], i["emission"]["verdict"], i["emission"]["before"]["valid_hours"])
        for c in sample["cases"]
        for i in c["indicators"]
        if "emission" in i
    ]
    print(f"emission limits checked against CEMS hours: {checked}")
    print(
        f"(a) load inputs of {len(ids)} filings: median {a:.2f} s  {[round(x, 2) for x in loads]}"
    )
    print(
        f"(b) reconcile and store them:        median {b:.2f} s  {[round(x, 2) for x in reconciles]}"
    )
    ratio = b / a
    print(
        f"ratio b / a = {ratio:.2f} (target <= {TARGET:.0f}): {'OK' if ratio <= TARGET else 'MISSED'}"
    )
    engine.dispose()
    tmp.cleanup()
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
