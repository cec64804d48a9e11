"""reconciliation - CEMS and metering data, results, typical flow

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cems_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("typical_flow", sa.Float(), nullable=True))
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bars_downgraded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "data_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["users.id"], name=op.f("fk_data_imports_imported_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_data_imports_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_imports")),
    )
    op.create_index(op.f("ix_data_imports_site_id"), "data_imports", ["site_id"])
    op.create_table(
        "cems_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("cn", sa.String(length=4), nullable=False),
        sa.Column("data_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow", sa.Float(), nullable=True),
        sa.Column("flag", sa.String(length=2), nullable=True),
        sa.Column("pollutants", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["data_imports.id"], name=op.f("fk_cems_records_import_id_data_imports")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["cems_points.id"], name=op.f("fk_cems_records_point_id_cems_points")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cems_records")),
        sa.UniqueConstraint(
            "point_id", "cn", "data_time", name=op.f("uq_cems_records_point_id_cn_data_time")
        ),
    )
    op.create_index(op.f("ix_cems_records_import_id"), "cems_records", ["import_id"])
    op.create_index("ix_cems_records_point_time", "cems_records", ["point_id", "data_time"])
    op.create_table(
        "electricity_meters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("line_code", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_electricity_meters_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_electricity_meters")),
        sa.UniqueConstraint("code", name=op.f("uq_electricity_meters_code")),
    )
    op.create_index(op.f("ix_electricity_meters_site_id"), "electricity_meters", ["site_id"])
    op.create_table(
        "metering_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meter_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kw", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["data_imports.id"],
            name=op.f("fk_metering_readings_import_id_data_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["meter_id"],
            ["electricity_meters.id"],
            name=op.f("fk_metering_readings_meter_id_electricity_meters"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_metering_readings_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metering_readings")),
        sa.UniqueConstraint("meter_id", "at", name=op.f("uq_metering_readings_meter_id_at")),
    )
    op.create_index(op.f("ix_metering_readings_import_id"), "metering_readings", ["import_id"])
    op.create_index("ix_metering_readings_site_at", "metering_readings", ["site_id", "at"])
    op.create_table(
        "reconciliation_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supported_grade", sa.String(length=12), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("needs_new_visit", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_reconciliation_results_filing_id_filings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_results")),
        sa.UniqueConstraint("filing_id", name=op.f("uq_reconciliation_results_filing_id")),
    )


def downgrade() -> None:
    op.drop_table("reconciliation_results")
    op.drop_index("ix_metering_readings_site_at", table_name="metering_readings")
    op.drop_index(op.f("ix_metering_readings_import_id"), table_name="metering_readings")
    op.drop_table("metering_readings")
    op.drop_index(op.f("ix_electricity_meters_site_id"), table_name="electricity_meters")
    op.drop_table("electricity_meters")
    op.drop_index("ix_cems_records_point_time", table_name="cems_records")
    op.drop_index(op.f("ix_cems_records_import_id"), table_name="cems_records")
    op.drop_table("cems_records")
    op.drop_index(op.f("ix_data_imports_site_id"), table_name="data_imports")
    op.drop_table("data_imports")
    with op.batch_alter_table("jurisdiction_settings", schema=None) as batch_op:
        batch_op.drop_column("bars_downgraded")
    with op.batch_alter_table("cems_points", schema=None) as batch_op:
        batch_op.drop_column("typical_flow")
