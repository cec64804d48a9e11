"""audit hash chain

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.audit.chain import GENESIS_HASH, compute_hash

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_PAGE = 1000

_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Integer()),
    sa.column("data", sa.JSON()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    seq, last = _backfill(op.get_bind())
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_seq"), ["seq"])
    op.bulk_insert(_head, [{"id": 1, "seq": seq, "hash": last}])


def _backfill(connection: sa.Connection) -> tuple[int, str]:
    """Chain the events already stored, in the order of their ids, a page at a time."""
    seq, last, after = 0, GENESIS_HASH, 0
    columns = [_events.c[name] for name in ("id", "at", "actor_id", "action", "subject_type")]
    query = sa.select(*columns, _events.c.subject_id, _events.c.data).order_by(_events.c.id)
    change = (
        sa.update(_events)
        .where(_events.c.id == sa.bindparam("event_id"))
        .values(
            seq=sa.bindparam("new_seq"),
            prev_hash=sa.bindparam("new_prev"),
            hash=sa.bindparam("new_hash"),
        )
    )
    while True:
        page = connection.execute(query.where(_events.c.id > after).limit(BACKFILL_PAGE)).all()
        if not page:
            return seq, last
        updates = []
        for row in page:
            seq += 1
            digest = compute_hash(
                seq=seq,
                prev_hash=last,
                at=row.at,
                actor_id=row.actor_id,
                action=row.action,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                data=row.data,
            )
            updates.append(
                {"event_id": row.id, "new_seq": seq, "new_prev": last, "new_hash": digest}
            )
            last, after = digest, row.id
        connection.execute(change, updates)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("audit_chain_head")
