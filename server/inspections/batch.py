"""One batch of the sync worker: the unit of work of its apply stage.

A batch reads each assignment, visit and device list from SQL once, and owns every row the
batch writes: new inspections (the usual case) and their revisions, audit events, the
(document, revision) pairs it handled and the feedback it queues are written at the end, one
statement a table (``write``); rows changed through the ORM (existing inspections, photos,
custody) are flushed with them. The worker then commits once, with its checkpoint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    String,
    Table,
    any_,
    bindparam,
    insert,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from inspection_forms import PlantContext, Problem
from media.checks import RegisteredDevice
from server.assignments.models import Assignment, AssignmentMember
from server.audit.service import record, record_many
from server.db import insert_rows
from server.evidence import repository as evidence_repository
from server.evidence.evaluation import Visit, visit_of
from server.evidence.models import Photo
from server.inspections.models import Inspection, InspectionRevision
from server.registry.models import CemsPoint, ProductionLine, VehicleGate
from server.syncstate.models import IngestedRevision, OutboxDocument


def among(
    session: Session, column: InstrumentedAttribute[str], values: list[str]
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one parameter however many
    values (a statement with a hundred parameters is parsed again by the driver each time)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


@dataclass(frozen=True)
class Validated:
    """A submitted inspection validated ahead of its batch: the plant context it was checked
    against and what was found. Used only while the batch's own context is equal to it, so the
    answer is the one validating now would give (validation is a function of the two)."""

    context: PlantContext
    problems: list[Problem]


@dataclass
class AssignmentFacts:
    """What ingesting needs of an assignment, read once per batch."""

    assignment: Assignment
    members: frozenset[int]
    context: PlantContext
    pins: dict[tuple[Any, Any], str | None]  # (form id, version) -> sha256


class BatchContext:
    """Lookups shared by the documents of one batch, so each is read from SQL once."""

    def __init__(self, session: Session, doc_ids: list[str], *, bulk: bool = True) -> None:
        self.session = session
        self.now = dt.datetime.now(dt.UTC)
        # bulk: new inspections wait in ``new_inspections`` for write_new_inspections(); the
        # per-document fallback (a savepoint each) passes bulk=False and uses the ORM only.
        self.bulk = bulk
        self.new_inspections: list[dict[str, Any]] = []
        self.new_revisions: list[dict[str, Any]] = []
        self.pending_ids: set[str] = set()
        # The (document, revision) pairs handled, and the documents queued for tablets.
        self.ingested: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        # (doc id, rev) -> validated ahead by the worker's fetch stage (may be empty).
        self.validated: dict[tuple[str, str], Validated] = {}
        # Audit events waiting for the end of a bulk batch: (action, subject type, the row or a
        # new inspection's doc id, data, actor).
        self._audit: list[tuple[str, str, Any, dict[str, Any], int]] = []
        self._facts: dict[int, AssignmentFacts | None] = {}
        self._visits: dict[int, Visit] = {}
        self._devices: dict[int, list[RegisteredDevice]] = {}
        ids = {
            kind: [d for d in doc_ids if d.startswith(kind)] for kind in ("inspection:", "photo:")
        }
        self.inspections: dict[str, Inspection] = {}
        if ids["inspection:"]:
            found = select(Inspection).where(among(session, Inspection.doc_id, ids["inspection:"]))
            self.inspections = {i.doc_id: i for i in session.scalars(found)}
        self.photos: dict[str, Photo] = {}
        if ids["photo:"]:
            photos = select(Photo).where(among(session, Photo.doc_id, ids["photo:"]))
            self.photos = {p.doc_id: p for p in session.scalars(photos)}

    def known_facts(self) -> dict[int, AssignmentFacts]:
        """The assignments this batch loaded (those that exist)."""
        return {key: facts for key, facts in self._facts.items() if facts is not None}

    def facts(self, assignment_id: int) -> AssignmentFacts | None:
        if assignment_id not in self._facts:
            self._facts[assignment_id] = self._load(assignment_id)
        return self._facts[assignment_id]

    def visit(self, facts: AssignmentFacts) -> Visit:
        """The assignment's site, geofence and window as the photo checks take them."""
        key = facts.assignment.id
        if key not in self._visits:
            self._visits[key] = visit_of(self.session, facts.assignment)
        return self._visits[key]

    def devices(self, user_id: int) -> list[RegisteredDevice]:
        if user_id not in self._devices:
            self._devices[user_id] = evidence_repository.registered_devices(self.session, user_id)
        return self._devices[user_id]

    def audit(
        self, action: str, subject_type: str, subject: Any, data: dict[str, Any], *, actor_id: int
    ) -> None:
        """Append an audit event about ``subject``: a row, or a new inspection's document id
        while it waits for the batch's INSERT.

        In a bulk batch the events wait and are appended with one INSERT at the end; one
        document at a time (a savepoint each) they are recorded at once, so a document whose
        savepoint is rolled back leaves no event behind.
        """
        if self.bulk:
            self._audit.append((action, subject_type, subject, data, actor_id))
            return
        if subject.id is None:
            self.session.flush()  # the row's id is the event's subject
        record(
            self.session,
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject.id,
            data=data,
        )

    def handled(self, *, db_name: str, doc_id: str, rev: str, outcome: str) -> None:
        """Record that (``doc_id``, ``rev``) of ``db_name`` was handled: it is never applied again."""
        self.ingested.append(
            {"db_name": db_name, "doc_id": doc_id, "rev": rev, "outcome": outcome, "at": self.now}
        )

    def queue(self, *, db_name: str, doc_id: str, body: dict[str, Any]) -> None:
        """Queue a server-owned document for ``db_name`` (written to CouchDB after the commit)."""
        self.outbox.append(
            {
                "db_name": db_name,
                "doc_id": doc_id,
                "body": body,
                "created_at": self.now,
                "attempts": 0,
            }
        )

    def write(self) -> None:
        """Write every row the batch holds: new inspections, their revisions and the audit
        events, then the handled revisions and the queued documents."""
        self.write_new_inspections()
        if self.ingested:
            insert_rows(self.session, cast(Table, IngestedRevision.__table__), self.ingested)
            self.ingested = []
        if self.outbox:
            insert_rows(self.session, cast(Table, OutboxDocument.__table__), self.outbox)
            self.outbox = []

    def write_new_inspections(self) -> None:
        """Insert the batch's new inspections and their first revisions (two statements), then
        the audit events the batch waited with (one)."""
        ids = self._insert_new_inspections()
        if not self._audit:
            return
        if any(not isinstance(s, str) and s.id is None for _, _, s, _, _ in self._audit):
            self.session.flush()  # rows added through the ORM get their ids
        record_many(
            self.session,
            (
                {
                    "at": self.now,
                    "actor_id": actor_id,
                    "action": action,
                    "subject_type": subject_type,
                    "subject_id": ids[s] if isinstance(s, str) else s.id,
                    "data": data,
                }
                for action, subject_type, s, data, actor_id in self._audit
            ),
        )
        self._audit = []

    def _insert_new_inspections(self) -> dict[str, int]:
        if not self.new_inspections:
            return {}
        table = cast(Table, Inspection.__table__)
        if self.session.get_bind().dialect.name == "postgresql":
            # Ids drawn from the sequence first, then a plain many-row INSERT: the driver
            # pipelines it, where INSERT … RETURNING of a hundred rows is one huge statement.
            drawn = self.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('inspections', 'id'))"
                    " FROM generate_series(1, :n)"
                ),
                {"n": len(self.new_inspections)},
            )
            ids = dict(zip((row["doc_id"] for row in self.new_inspections), drawn, strict=True))
            insert_rows(
                self.session,
                table,
                [{**row, "id": ids[row["doc_id"]]} for row in self.new_inspections],
            )
        else:
            returned = self.session.execute(
                insert(table).returning(table.c.doc_id, table.c.id, sort_by_parameter_order=True),
                self.new_inspections,
            )
            ids = {doc_id: pk for doc_id, pk in returned}
        insert_rows(
            self.session,
            cast(Table, InspectionRevision.__table__),
            [
                {
                    **{k: v for k, v in row.items() if k != "doc_id"},
                    "inspection_id": ids[row["doc_id"]],
                }
                for row in self.new_revisions
            ],
        )
        self.new_inspections, self.new_revisions = [], []
        self.pending_ids.clear()
        return ids

    def _load(self, assignment_id: int) -> AssignmentFacts | None:
        """The assignment, its members and its site's registry codes in two round trips (the
        assignment row, then one UNION of the rest), read in the batch's transaction."""
        assignment = self.session.get(Assignment, assignment_id)
        if assignment is None:
            return None
        site_id = assignment.site_id
        parts: CompoundSelect = union_all(
            select(
                literal_column("'member'").label("kind"), sql_cast(AssignmentMember.user_id, String)
            ).where(AssignmentMember.assignment_id == assignment_id),
            select(literal_column("'line'"), ProductionLine.code).where(
                ProductionLine.site_id == site_id
            ),
            select(literal_column("'gate'"), VehicleGate.code).where(
                VehicleGate.site_id == site_id
            ),
            select(literal_column("'cems'"), CemsPoint.mn).where(CemsPoint.site_id == site_id),
        )
        # Ordered as the Site relationships order them (code, mn), in the database's collation.
        found: dict[str, list[str]] = {"member": [], "line": [], "gate": [], "cems": []}
        for row in self.session.execute(parts.order_by(text("1, 2"))):
            found[row[0]].append(row[1])
        members = frozenset(int(user_id) for user_id in found["member"])
        # What server.inspections.forms.plant_context(site) gives, without loading the site.
        context = PlantContext(
            lines=tuple(found["line"]), gates=tuple(found["gate"]), cems_points=tuple(found["cems"])
        )
        pins = {(pin["form_id"], pin["version"]): pin.get("sha256") for pin in assignment.form_pins}
        return AssignmentFacts(assignment, members, context, pins)


@dataclass
class Feedback:
    """What the tablet is told about one document revision."""

    status: str  # received | accepted | rejected | withdrawn | kept
    problems: list[dict[str, str]] = field(default_factory=list)
    # Merged into the feedback document: ``about`` when the revision the server took is not
    # CouchDB's winner, ``revisions`` (each leaf's own answer) for a conflict.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def rejected(cls, path: str, code: str, zh: str, en: str) -> Feedback:
        return cls("rejected", [{"path": path, "code": code, "message_zh": zh, "message_en": en}])
