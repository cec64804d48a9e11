"""jurisdiction settings: penalty bars, gate video retention, pollution-level exemptions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00.000000

Existing versions get what the code applied before: rule 6's three kinds over 365 days barring
A+, A, B, B-, leading and advanced; 6 months of video (S1 §(五)); no pollution-level exemption.
Penalty kinds are stored as plain strings (a non-native enum with no CHECK), so the new kinds
need no change to ``penalties`` and every stored kind keeps its value.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_KINDS = ["built_before_approval", "exceeded_permit_limits", "monitoring_not_running"]
DEFAULT_GRADES = ["A+", "A", "B", "B-", "leading", "advanced"]


def upgrade() -> None:
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("penalty_bar_kinds", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("penalty_bar_grades", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("penalty_bar_period", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "gate_video_retention_months",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("6"),
            )
        )
        batch_op.add_column(sa.Column("pollution_exemptions", sa.JSON(), nullable=True))
    settings = sa.table(
        "jurisdiction_settings",
        sa.column("penalty_bar_kinds", sa.JSON()),
        sa.column("penalty_bar_grades", sa.JSON()),
        sa.column("penalty_bar_period", sa.String()),
        sa.column("pollution_exemptions", sa.JSON()),
    )
    op.execute(
        settings.update().values(
            penalty_bar_kinds=DEFAULT_KINDS,
            penalty_bar_grades=DEFAULT_GRADES,
            penalty_bar_period="rolling_365",
            pollution_exemptions={},
        )
    )
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.alter_column("penalty_bar_kinds", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("penalty_bar_grades", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column(
            "penalty_bar_period", existing_type=sa.String(length=20), nullable=False
        )
        batch_op.alter_column("pollution_exemptions", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.drop_column("pollution_exemptions")
        batch_op.drop_column("gate_video_retention_months")
        batch_op.drop_column("penalty_bar_period")
        batch_op.drop_column("penalty_bar_grades")
        batch_op.drop_column("penalty_bar_kinds")
