"""inspections, photos, sync state

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:29:33.827805
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "sync_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("db_name", sa.String(length=60), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("rev", sa.String(length=80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_failures")),
        sa.UniqueConstraint(
            "db_name", "doc_id", "rev", name=op.f("uq_sync_failures_db_name_doc_id_rev")
        ),
    )
    op.create_table(
        "sync_ingested_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("db_name", sa.String(length=60), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("rev", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_ingested_revisions")),
        sa.UniqueConstraint(
            "db_name", "doc_id", "rev", name=op.f("uq_sync_ingested_revisions_db_name_doc_id_rev")
        ),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("db_name", sa.String(length=60), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_pending", ["sent_at", "id"], unique=False)

    op.create_table(
        "sync_checkpoints",
        sa.Column("db_name", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backlog", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sync_checkpoints_user_id_users")
        ),
        sa.PrimaryKeyConstraint("db_name", name=op.f("pk_sync_checkpoints")),
    )
    with op.batch_alter_table("sync_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_checkpoints_user_id"), ["user_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=120), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("form_id", sa.String(length=60), nullable=True),
        sa.Column("form_version", sa.Integer(), nullable=True),
        sa.Column("form_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "accepted",
                "rejected",
                "withdrawn",
                name="inspectionstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_rev", sa.String(length=80), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_inspections_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_inspections_doc_id")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspections_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_inspector_id"), ["inspector_id"], unique=False
        )

    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=120), nullable=False),
        sa.Column("door", sa.String(length=10), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("inspection_doc_id", sa.String(length=120), nullable=True),
        sa.Column("item", sa.String(length=200), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=True),
        sa.Column("tablet_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_rev", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("problem", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_photos_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["users.id"], name=op.f("fk_photos_inspector_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_photos_doc_id")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_photos_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_doc_id"), ["inspection_doc_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_photos_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_sha256"), ["sha256"], unique=False)

    op.create_table(
        "sync_assignment_pushes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pushed_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_sync_assignment_pushes_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sync_assignment_pushes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_assignment_pushes")),
        sa.UniqueConstraint(
            "assignment_id", "user_id", name=op.f("uq_sync_assignment_pushes_assignment_id_user_id")
        ),
    )
    op.create_table(
        "inspection_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("rev", sa.String(length=80), nullable=False),
        sa.Column("winner", sa.Boolean(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_revisions_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_revisions")),
        sa.UniqueConstraint(
            "inspection_id", "rev", name=op.f("uq_inspection_revisions_inspection_id_rev")
        ),
    )
    with op.batch_alter_table("inspection_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_revisions_inspection_id"), ["inspection_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("inspection_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_revisions_inspection_id"))

    op.drop_table("inspection_revisions")
    op.drop_table("sync_assignment_pushes")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_sha256"))
        batch_op.drop_index(batch_op.f("ix_photos_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_doc_id"))
        batch_op.drop_index(batch_op.f("ix_photos_assignment_id"))

    op.drop_table("photos")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_assignment_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("sync_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_checkpoints_user_id"))

    op.drop_table("sync_checkpoints")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_pending")

    op.drop_table("sync_outbox")
    op.drop_table("sync_ingested_revisions")
    op.drop_table("sync_failures")
