"""filing again within the year; downgrades with grade history

A site may file more than once a year (withdrawn and filed again, the dynamic adjustment, a
higher grade asked for: S0 §四(六), §五(一); S2 §七; S4 §三(四)): filings are numbered per site and
year. A downgrade after a later check (rule 14) records its new grade, reason and evidence.
Existing filings become the first of their year; filings already downgraded before this
revision keep their state without a recorded grade (their decision's grade stays the last).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:47:38.666135
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grade_downgrades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("from_grade", sa.String(length=12), nullable=False),
        sa.Column("grade", sa.String(length=12), nullable=False),
        sa.Column(
            "check_kind",
            sa.Enum(
                "sampled_check",
                "routine_inspection",
                "enforcement",
                name="checkkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("falsification", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("integrity_record_id", sa.Integer(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", server.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_grade_downgrades_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_grade_downgrades_filing_id_filings")
        ),
        sa.ForeignKeyConstraint(
            ["integrity_record_id"],
            ["integrity_records.id"],
            name=op.f("fk_grade_downgrades_integrity_record_id_integrity_records"),
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["review_transitions.id"],
            name=op.f("fk_grade_downgrades_transition_id_review_transitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_downgrades")),
    )
    with op.batch_alter_table("grade_downgrades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grade_downgrades_filing_id"), ["filing_id"], unique=False
        )

    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "initial",
                    "refiling",
                    "dynamic_adjustment",
                    "higher_grade",
                    name="filingkind",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="initial",
            )
        )
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_filings_site_id_year"), type_="unique")
        batch_op.create_index("ix_filings_site_year", ["site_id", "year"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_filings_site_id_year_sequence"), ["site_id", "year", "sequence"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_filings_supersedes_id_filings"), "filings", ["supersedes_id"], ["id"]
        )

    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjustment_deadline", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("adjustments_per_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.drop_column("adjustments_per_year")
        batch_op.drop_column("adjustment_deadline")

    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_filings_supersedes_id_filings"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_filings_site_id_year_sequence"), type_="unique")
        batch_op.drop_index("ix_filings_site_year")
        batch_op.create_unique_constraint(
            batch_op.f("uq_filings_site_id_year"), ["site_id", "year"]
        )
        batch_op.drop_column("supersedes_id")
        batch_op.drop_column("kind")
        batch_op.drop_column("sequence")

    with op.batch_alter_table("grade_downgrades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grade_downgrades_filing_id"))

    op.drop_table("grade_downgrades")
