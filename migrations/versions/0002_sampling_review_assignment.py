"""sampling draws, review batches and workflow, jurisdiction settings, assignments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:12:26.772094
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jurisdiction_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("sampling_rate", sa.String(length=8), nullable=False),
        sa.Column("county_review_days", sa.Integer(), nullable=False),
        sa.Column("city_review_days", sa.Integer(), nullable=False),
        sa.Column("day_kind", sa.String(length=10), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("extra_workdays", sa.JSON(), nullable=False),
        sa.Column("multi_industry", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_jurisdiction_settings_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdiction_settings")),
        sa.UniqueConstraint("city", "version", name=op.f("uq_jurisdiction_settings_city_version")),
    )
    op.create_table(
        "review_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("industries", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_review_batches_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_batches")),
        sa.UniqueConstraint("city", "name", name=op.f("uq_review_batches_city_name")),
    )
    op.create_table(
        "draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("algorithm_version", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.String(length=200), nullable=False),
        sa.Column("sampling_rate", sa.String(length=8), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=True),
        sa.Column("eligible_hash", sa.String(length=64), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=False),
        sa.Column("selected_hash", sa.String(length=64), nullable=False),
        sa.Column("selected_count", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("disclose_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["review_batches.id"], name=op.f("fk_draws_batch_id_review_batches")
        ),
        sa.ForeignKeyConstraint(["drawn_by"], ["users.id"], name=op.f("fk_draws_drawn_by_users")),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_draws_published_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draws")),
        sa.UniqueConstraint("batch_id", "sequence", name=op.f("uq_draws_batch_id_sequence")),
    )
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draws_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "published",
                "cancelled",
                "done",
                name="assignmentstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("form_pins", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assignments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draws.id"], name=op.f("fk_assignments_draw_id_draws")
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_assignments_filing_id_filings")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_assignments_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_draw_id"), ["draw_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_filing_id"), ["filing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_status"), ["status"], unique=False)

    op.create_table(
        "draw_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=50), nullable=False),
        sa.Column("industry_code", sa.String(length=50), nullable=False),
        sa.Column("claimed_grade", sa.String(length=12), nullable=False),
        sa.Column("score", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draws.id"], name=op.f("fk_draw_entries_draw_id_draws")
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_draw_entries_filing_id_filings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_entries")),
        sa.UniqueConstraint("draw_id", "filing_id", name=op.f("uq_draw_entries_draw_id_filing_id")),
    )
    with op.batch_alter_table("draw_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_entries_filing_id"), ["filing_id"], unique=False)

    op.create_table(
        "review_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("missing_items", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_review_transitions_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_review_transitions_filing_id_filings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_transitions")),
    )
    with op.batch_alter_table("review_transitions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_transitions_filing_to", ["filing_id", "to_status"], unique=False
        )

    op.create_table(
        "assignment_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_members_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assignment_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_members")),
        sa.UniqueConstraint(
            "assignment_id", "user_id", name=op.f("uq_assignment_members_assignment_id_user_id")
        ),
    )
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_members_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_members_user_id"))

    op.drop_table("assignment_members")
    with op.batch_alter_table("review_transitions", schema=None) as batch_op:
        batch_op.drop_index("ix_review_transitions_filing_to")

    op.drop_table("review_transitions")
    with op.batch_alter_table("draw_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_entries_filing_id"))

    op.drop_table("draw_entries")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_status"))
        batch_op.drop_index(batch_op.f("ix_assignments_site_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_filing_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_draw_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draws_batch_id"))

    op.drop_table("draws")
    op.drop_table("review_batches")
    op.drop_table("jurisdiction_settings")
