"""review_transitions.supplied_items: what a supplement brought (S4 §三(二) 一次性告知)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_transitions") as batch:
        batch.add_column(sa.Column("supplied_items", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_transitions") as batch:
        batch.drop_column("supplied_items")
