"""photo evidence: metadata, phash bands, findings, custody, devices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:43:12.654068
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("make", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("serial_number", sa.String(length=100), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_by"], ["users.id"], name=op.f("fk_devices_registered_by_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("user_id", "device_id", name=op.f("uq_devices_user_id_device_id")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "photo_custody",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("door", sa.String(length=10), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_photo_custody_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_photo_custody_photo_id_photos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_custody")),
    )
    with op.batch_alter_table("photo_custody", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_custody_photo_id"), ["photo_id"], unique=False)

    op.create_table(
        "photo_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_photo_findings_photo_id_photos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_findings")),
    )
    with op.batch_alter_table("photo_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_findings_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_photo_findings_photo_id"), ["photo_id"], unique=False)

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mime", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("metadata", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("exif_taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("altitude_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("gps_accuracy_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("make", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("orientation", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("phash_band0", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_band1", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_band2", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_band3", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rejection_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("rejection", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_photos_exif_taken_at"), ["exif_taken_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_photos_phash_band0"), ["phash_band0"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_band1"), ["phash_band1"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_band2"), ["phash_band2"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_band3"), ["phash_band3"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_phash_band3"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_band2"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_band1"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_band0"))
        batch_op.drop_index(batch_op.f("ix_photos_exif_taken_at"))
        batch_op.drop_column("evaluated_at")
        batch_op.drop_column("rejection")
        batch_op.drop_column("rejection_code")
        batch_op.drop_column("phash_band3")
        batch_op.drop_column("phash_band2")
        batch_op.drop_column("phash_band1")
        batch_op.drop_column("phash_band0")
        batch_op.drop_column("phash")
        batch_op.drop_column("orientation")
        batch_op.drop_column("height")
        batch_op.drop_column("width")
        batch_op.drop_column("model")
        batch_op.drop_column("make")
        batch_op.drop_column("gps_accuracy_m")
        batch_op.drop_column("altitude_m")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("exif_taken_at")
        batch_op.drop_column("metadata")
        batch_op.drop_column("mime")

    with op.batch_alter_table("photo_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_findings_photo_id"))
        batch_op.drop_index(batch_op.f("ix_photo_findings_code"))

    op.drop_table("photo_findings")
    with op.batch_alter_table("photo_custody", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_custody_photo_id"))

    op.drop_table("photo_custody")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_user_id"))

    op.drop_table("devices")
