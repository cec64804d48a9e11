"""Finished visits for the demo city, so a reviewer has dossiers to open after `make run`.

Three of the published demo assignments (those whose pinned forms are the common and foundry
checklists) get the history a real check leaves: the county reviewed the filing and forwarded
it, the city started its review, the team visited the plant five days ago, each member filled
the pinned forms on a registered tablet and took a few geotagged photos — one of them from
outside the site — and the tablets synced. Everything after the story's dates goes through the
real doors: the workflow service, the assignment service, the device registry, and the sync
worker's ingest functions (form validation against the pinned version, the photo pipeline with
its EXIF, geofence, time, device and reuse checks). The sync worker's record of what it told
each tablet is written as the worker writes it.

The photos are drawn here (``server.demo.pictures``); nothing outside the project is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, Polygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspection_forms.claims import build_checklist
from media import BlobStore
from media.geo import boundary_to_wgs84
from server.accounts.actor import Actor
from server.accounts.models import User
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.service import update_assignment
from server.clock import CHINA
from server.db import utcnow
from server.demo.answers import answers_meeting, common_answers, foundry_answers
from server.demo.pictures import CAMERA_MAKE, CAMERA_MODEL, demo_jpeg
from server.evidence.devices import register_device
from server.filings.models import Filing
from server.filings.service import add_claim
from server.inspections.batch import BatchContext
from server.inspections.forms import get_form, plant_context
from server.inspections.ingest import ingest_inspection, ingest_photo
from server.registry.models import Site
from server.review.service import transition
from server.review.workflow import Action
from server.syncstate.models import IngestedRevision

DEMO_VISITS = 3
DEMO_CLAIMS = (
    ("fugitive_emissions.no_visible_dust", "车间、厂区无可见积尘"),
    ("monitoring_level.cems_networked", "主要排口在线监测已联网"),
    ("transport_control.gate_plate_recognition", "所有车辆出入口均有车牌识别"),
    ("environmental_management.records_complete", "环保档案与台账齐全"),
    ("transport_mode.clean_vehicle_share", "国六及新能源车辆运输占比 ≥ 80%"),
)
FOUNDRY_CLAIMS = (
    ("energy_type.melting_energy", "中频电炉（电）"),
    ("emission_limits.particulate_matter", "颗粒物 ≤ 10 mg/m³"),
)
FORMS_WE_FILL = {"common": common_answers, "foundry": foundry_answers}
VISIT_DAYS_AGO = 5
OUTSIDE_EAST_M = 320.0  # the photo taken from the road, east of the plant
# (what it shows, the form item it answers, minutes after 09:00 on the visit day) of each
# member's photos; {line}, {gate} and {point} are the plant's first line, gate and CEMS point.
PHOTO_PLAN = (
    ("line", "lines.{line}.line_production_record_photo", 12),
    ("fugitive", "fugitive_photos", 27),
    ("fugitive", "fugitive_photos", 41),
    ("gate", "gates.{gate}.gate_photo", 58),
    ("cems", "cems_points.{point}.cems_screen_photo", 76),
    ("signboard", "public_signboard_photo", 95),
)


@dataclass(frozen=True)
class DemoPhoto:
    doc_id: str
    shows: str
    item: str
    taken: dt.datetime
    lon: float
    lat: float


def give_demo_visits(
    session: Session,
    *,
    admin: Actor,
    county_actors: dict[str | None, Actor],
    city_actor: Actor,
    store: BlobStore,
    now: dt.datetime | None = None,
) -> int:
    """Finish up to DEMO_VISITS published demo visits; returns how many were finished."""
    now = (now or dt.datetime.now(CHINA)).astimezone(CHINA)
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.status == AssignmentStatus.published)
        .order_by(Assignment.id)
    ).all()
    done = 0
    for assignment in assignments:
        if done == DEMO_VISITS:
            break
        filing = session.get(Filing, assignment.filing_id)
        assert filing is not None  # a foreign key
        county = county_actors[filing.site.enterprise.county]
        _claims_the_forms_check(session, filing, county)
        _review_history(session, filing, county, city_actor, now)
        visit_day = (now - dt.timedelta(days=VISIT_DAYS_AGO)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        update_assignment(
            session,
            actor=admin,
            assignment=assignment,
            changes={
                "window_start": (visit_day + dt.timedelta(hours=8)).astimezone(dt.UTC),
                "window_end": (visit_day + dt.timedelta(days=2, hours=18)).astimezone(dt.UTC),
            },
        )
        # The story's assignment was made the afternoon before the visit; the photo time
        # check (not before the assignment existed) measures against this.
        assignment.created_at = (visit_day - dt.timedelta(hours=9)).astimezone(dt.UTC)
        grade = next(c for c in filing.cases if c.is_main).claimed_grade
        _visit(session, assignment, filing.site, admin, store, visit_day, grade=grade, variant=done)
        done += 1
    return done


def _claims_the_forms_check(session: Session, filing: Filing, county: Actor) -> None:
    """The demo generator's claims are a guide's rows the shipped forms do not all check; these
    plants also claim rows the checklists verify, so their dossiers show real verdicts."""
    case = next(c for c in filing.cases if c.is_main)
    claimed = {c.indicator_code for c in case.claims}
    extra = DEMO_CLAIMS + (FOUNDRY_CLAIMS if case.industry_code == "foundry" else ())
    for indicator, value in extra:
        if indicator not in claimed:
            data = {"category": indicator.split(".")[0], "indicator_code": indicator}
            add_claim(session, actor=county, case=case, data={**data, "claimed_value": value})


def _review_history(
    session: Session, filing: Filing, county: Actor, city: Actor, now: dt.datetime
) -> None:
    """County review, forwarding and the start of the city's review, on days before the visit."""
    steps = (
        (Action.start_county_review, county, 9, 9),
        (Action.forward, county, 8, 16),
        (Action.start_city_review, city, 7, 10),
    )
    for action, actor, days_ago, hour in steps:
        at = (now - dt.timedelta(days=days_ago)).replace(hour=hour, minute=30, second=0)
        outcome = transition(session, actor=actor, filing=filing, action=action, on=at.date())
        outcome.transition.at = at.astimezone(dt.UTC)  # the story's time of day, not the load's


def _places(site: Site) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Points inside the site (WGS-84) for photos, and one outside it, east of the plant."""
    outer = boundary_to_wgs84(site.boundary or [], site.datum or "WGS84")[0][0]
    polygon = Polygon(outer)
    centre = polygon.representative_point()
    inside = [(centre.x, centre.y)]
    for share in (0.6, 0.3):  # part of the way from the middle towards each corner
        for lon, lat in outer[:-1]:
            point = Point(centre.x + (lon - centre.x) * share, centre.y + (lat - centre.y) * share)
            if polygon.contains(point):
                inside.append((point.x, point.y))
    east = polygon.bounds[2]
    metres_per_degree = 111_320 * 0.84  # longitude at about 33° N: close enough for a demo
    return inside, (east + OUTSIDE_EAST_M / metres_per_degree, centre.y)


def _visit(
    session: Session,
    assignment: Assignment,
    site: Site,
    admin: Actor,
    store: BlobStore,
    visit_day: dt.datetime,
    *,
    grade: str,
    variant: int,
) -> None:
    context = plant_context(site)
    codes = {
        "line": context.lines[0] if context.lines else "L01",
        "gate": context.gates[0] if context.gates else "G01",
        "point": context.cems_points[0] if context.cems_points else "none",
    }
    inside, outside = _places(site)
    members = [m.user for m in assignment.members]
    batch_docs: list[tuple[User, dict[str, Any], bytes | None]] = []
    for index, user in enumerate(members):
        device = f"tablet-{user.username}"
        register_device(
            session,
            actor=admin,
            user_id=user.id,
            device_id=device,
            make=CAMERA_MAKE,
            model=CAMERA_MODEL,
        )
        photos = []
        for n, (shows, item, minutes) in enumerate(PHOTO_PLAN):
            if "{point}" in item and not context.cems_points:
                continue
            lon, lat = inside[(n + index * len(PHOTO_PLAN)) % len(inside)]
            if index == 1 and n == 3:  # the second member photographs the gate from the road
                lon, lat = outside
            taken = visit_day + dt.timedelta(hours=9, minutes=minutes + 4 * index)
            doc_id = f"photo:demo-{assignment.id}-{user.id}-{n + 1}"
            photos.append(DemoPhoto(doc_id, shows, item.format(**codes), taken, lon, lat))
        started = visit_day + dt.timedelta(hours=9, minutes=5 + 4 * index)
        submitted = visit_day + dt.timedelta(hours=11, minutes=40 + 4 * index)
        refs: dict[str, list[str]] = {}
        for photo in photos:
            refs.setdefault(photo.shows, []).append(photo.doc_id)
        for pin in assignment.form_pins:
            if pin["form_id"] in FORMS_WE_FILL:  # hand-written answers, with their story
                answers = FORMS_WE_FILL[pin["form_id"]](
                    context,
                    refs,
                    started=started,
                    ended=submitted,
                    inspector=f"inspector:{user.id}",
                    variant=variant,
                )
            else:  # an industry's own form, or the items generated from the plant's claims
                form = (
                    build_checklist(pin["definition"])
                    if "definition" in pin
                    else get_form(pin["form_id"], pin["version"])
                )
                answers = answers_meeting(
                    form,
                    grade,
                    context,
                    refs,
                    started=started,
                    inspector=f"inspector:{user.id}",
                )
            doc = {
                "_id": f"inspection:demo-{assignment.id}-{user.id}-{pin['form_id']}",
                "_rev": "1-demo",
                "type": "inspection",
                "schema_version": 1,
                "owner": f"user:{user.id}",
                "device_id": device,
                "assignment_id": assignment.id,
                "form_id": pin["form_id"],
                "form_version": pin["version"],
                "status": "submitted",
                "started_at": started.isoformat(),
                "submitted_at": submitted.isoformat(),
                "answers": answers,
            }
            batch_docs.append((user, doc, None))
        for seed, photo in enumerate(photos):
            doc = {
                "_id": photo.doc_id,
                "_rev": "1-demo",
                "type": "photo",
                "schema_version": 1,
                "owner": f"user:{user.id}",
                "device_id": device,
                "assignment_id": assignment.id,
                "inspection_id": f"inspection:demo-{assignment.id}-{user.id}-common",
                "item": photo.item,
                "taken_at": (photo.taken + dt.timedelta(seconds=20)).isoformat(),
                "_attachments": {"photo.jpg": {"content_type": "image/jpeg"}},
            }
            # the seed comes from the demo's own order, never from row ids (which differ between
            # databases): the same pictures everywhere, none a near duplicate of another
            data = demo_jpeg(
                variant * 1000 + index * 100 + seed,
                taken=photo.taken,
                lon=photo.lon,
                lat=photo.lat,
            )
            batch_docs.append((user, doc, data))
    _sync(session, batch_docs, store)


def _sync(
    session: Session, docs: list[tuple[User, dict[str, Any], bytes | None]], store: BlobStore
) -> None:
    """What the sync worker does with the documents when the tablets come online."""
    batch = BatchContext(session, [doc["_id"] for _, doc, _ in docs], bulk=False)
    for user, doc, data in docs:
        if doc["type"] == "inspection":
            feedback = ingest_inspection(session, owner_id=user.id, doc=doc, losers=[], batch=batch)
        else:
            feedback = ingest_photo(
                session, owner_id=user.id, doc=doc, data=data, store=store, batch=batch
            )
        session.flush()  # the rows are received (timestamped) before the tablet is answered
        session.add(
            IngestedRevision(
                db_name=f"inspector-{user.id}",
                doc_id=doc["_id"],
                rev=doc["_rev"],
                outcome=feedback.status,
                at=utcnow(),  # the worker records it after the document's rows
            )
        )
    session.flush()
