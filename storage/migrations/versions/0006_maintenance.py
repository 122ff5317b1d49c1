"""Quarterly audit samples and data-subject requests.

`audit_samples` (one per quarter: seed, rate, population, who drew it) and their `audit_sample_items` (the
sampled archive records with the result of re-checking each); `personal_data_requests` (who asked to have
personal data erased, why, who did it, what was removed).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("drawn_by", sa.String(length=100), nullable=False),
        sa.Column("drawn_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_samples")),
        sa.UniqueConstraint("quarter", name=op.f("uq_audit_samples_quarter")),
    )
    op.create_table(
        "audit_sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.String(length=100), nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["audit_samples.id"],
            name=op.f("fk_audit_sample_items_sample_id_audit_samples"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["archive_records.id"],
            name=op.f("fk_audit_sample_items_record_id_archive_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_sample_items")),
        sa.UniqueConstraint("sample_id", "record_id", name=op.f("uq_audit_sample_items_sample_id_record_id")),
    )
    op.create_index(
        op.f("ix_audit_sample_items_record_id"), "audit_sample_items", ["record_id"], unique=False
    )
    op.create_table(
        "personal_data_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("customer_no", sa.String(length=16), nullable=True),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("done", JSON_TYPE, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_requests")),
    )
    op.create_index(
        "ix_personal_data_requests_dossier_id", "personal_data_requests", ["dossier_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_personal_data_requests_dossier_id", table_name="personal_data_requests")
    op.drop_table("personal_data_requests")
    op.drop_index(op.f("ix_audit_sample_items_record_id"), table_name="audit_sample_items")
    op.drop_table("audit_sample_items")
    op.drop_table("audit_samples")
