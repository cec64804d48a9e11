"""registry, filings, accounts, compliance, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-22 10:39:29.530183
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_subject", ["subject_type", "subject_id"], unique=False
        )

    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("county", sa.String(length=50), nullable=False),
        sa.Column("classified", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprises_credit_code")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_county"), ["county"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "inspector",
                "county_reviewer",
                "city_reviewer",
                "admin",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("county", sa.String(length=50), nullable=True),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "third_party_service",
                "acceptance_expert",
                "cleaner_production_audit",
                "employment",
                "other",
                name="conflictkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_conflict_declarations_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conflict_declarations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
    )
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_declarations_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_declarations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "integrity_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("barred_until", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_integrity_records_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_records")),
    )
    with op.batch_alter_table("integrity_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrity_records_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "penalties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "built_before_approval",
                "exceeded_permit_limits",
                "monitoring_not_running",
                "downgraded",
                "other",
                name="penaltykind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_penalties_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalties")),
    )
    with op.batch_alter_table("penalties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_penalties_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("boundary", sa.JSON(), nullable=True),
        sa.Column("datum", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_sites_enterprise_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("enterprise_id", "name", name=op.f("uq_sites_enterprise_id_name")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "cems_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("mn", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pollutants", sa.JSON(), nullable=False),
        sa.Column("line_code", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_cems_points_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cems_points")),
        sa.UniqueConstraint("mn", name=op.f("uq_cems_points_mn")),
    )
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "county_review",
                "returned",
                "forwarded",
                "city_review",
                "decided",
                "withdrawn",
                "downgraded",
                name="filingstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("essential_service", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("supplement_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_filings_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filings")),
        sa.UniqueConstraint("site_id", "year", name=op.f("uq_filings_site_id_year")),
    )
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filings_status"), ["status"], unique=False)

    op.create_table(
        "production_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_code", sa.String(length=50), nullable=True),
        sa.Column("stops_in_alert", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_production_lines_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_lines")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_production_lines_site_id_code")),
    )
    op.create_table(
        "vehicle_gates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_vehicle_gates_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_gates")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_vehicle_gates_site_id_code")),
    )
    op.create_table(
        "industry_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("guide_version", sa.String(length=20), nullable=False),
        sa.Column("industry_code", sa.String(length=50), nullable=False),
        sa.Column("claimed_grade", sa.String(length=12), nullable=False),
        sa.Column("is_main", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_industry_cases_filing_id_filings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_cases")),
        sa.UniqueConstraint(
            "filing_id", "industry_code", name=op.f("uq_industry_cases_filing_id_industry_code")
        ),
    )
    with op.batch_alter_table("industry_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_industry_cases_filing_id"), ["filing_id"], unique=False
        )
        batch_op.create_index(
            "ix_industry_cases_industry_grade", ["industry_code", "claimed_grade"], unique=False
        )

    op.create_table(
        "indicator_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("indicator_code", sa.String(length=100), nullable=False),
        sa.Column("claimed_value", sa.String(length=200), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["industry_cases.id"],
            name=op.f("fk_indicator_claims_case_id_industry_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_claims")),
        sa.UniqueConstraint(
            "case_id", "indicator_code", name=op.f("uq_indicator_claims_case_id_indicator_code")
        ),
    )
    with op.batch_alter_table("indicator_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_claims_case_id"), ["case_id"], unique=False)

    op.create_table(
        "supporting_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["indicator_claims.id"],
            name=op.f("fk_supporting_documents_claim_id_indicator_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporting_documents")),
    )
    with op.batch_alter_table("supporting_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supporting_documents_claim_id"), ["claim_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("supporting_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supporting_documents_claim_id"))

    op.drop_table("supporting_documents")
    with op.batch_alter_table("indicator_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_claims_case_id"))

    op.drop_table("indicator_claims")
    with op.batch_alter_table("industry_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_industry_cases_industry_grade")
        batch_op.drop_index(batch_op.f("ix_industry_cases_filing_id"))

    op.drop_table("industry_cases")
    op.drop_table("vehicle_gates")
    op.drop_table("production_lines")
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filings_status"))

    op.drop_table("filings")
    op.drop_table("cems_points")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_enterprise_id"))

    op.drop_table("sites")
    with op.batch_alter_table("penalties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_penalties_enterprise_id"))

    op.drop_table("penalties")
    with op.batch_alter_table("integrity_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_records_enterprise_id"))

    op.drop_table("integrity_records")
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_user_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_enterprise_id"))

    op.drop_table("conflict_declarations")
    op.drop_table("users")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_county"))

    op.drop_table("enterprises")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_subject")

    op.drop_table("audit_events")
