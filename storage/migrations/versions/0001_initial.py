"""Initial schema: dossiers, files, pages, fields, the record, findings, audit trail, users, archive records.

Status columns are VARCHAR(20) holding the StrEnum values of storage.models (no CHECK, no native enum), so a
new status needs no migration of the type.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 04:08:22.626481

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)  # UTC; storage.models.UtcDateTime re-attaches UTC on SQLite

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=True),
        sa.Column("entity", sa.String(length=200), nullable=False),
        sa.Column("before", JSON_TYPE, nullable=True),
        sa.Column("after", JSON_TYPE, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"], unique=False)
    op.create_index("ix_audit_events_dossier_id_at", "audit_events", ["dossier_id", "at"], unique=False)

    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("customer_no", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pickup_date", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("pages_total", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("missing", JSON_TYPE, nullable=False),
        sa.Column("blockers", sa.Integer(), nullable=False),
        sa.Column("low_confidence", sa.Integer(), nullable=False),
        sa.Column("assigned_reviewer", sa.String(length=100), nullable=True),
        sa.Column("notice_due_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("customer_no", name=op.f("uq_dossiers_customer_no")),
    )
    op.create_index("ix_dossiers_assigned_reviewer", "dossiers", ["assigned_reviewer"], unique=False)
    op.create_index("ix_dossiers_created_at", "dossiers", ["created_at"], unique=False)
    op.create_index("ix_dossiers_status_deadline", "dossiers", ["status", "deadline"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "archive_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archive_no", sa.String(length=32), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("customer_no", sa.String(length=16), nullable=False),
        sa.Column("archived_at", TIMESTAMP, nullable=False),
        sa.Column("doc_category", sa.String(length=16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=16), nullable=False),
        sa.Column("handler", sa.String(length=100), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_archive_records_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_records")),
        sa.UniqueConstraint("archive_no", name=op.f("uq_archive_records_archive_no")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_archive_records_dossier_id")),
    )
    op.create_index("ix_archive_records_customer_no", "archive_records", ["customer_no"], unique=False)

    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_of", sa.String(length=500), nullable=True),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("reject_code", sa.String(length=64), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_files_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
        sa.UniqueConstraint("dossier_id", "name", name=op.f("uq_files_dossier_id_name")),
    )
    op.create_index("ix_files_dossier_id", "files", ["dossier_id"], unique=False)
    op.create_index("ix_files_sha256", "files", ["sha256"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", JSON_TYPE, nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("override_by", sa.String(length=100), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_findings_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index("ix_findings_dossier_id", "findings", ["dossier_id"], unique=False)
    op.create_index("ix_findings_rule_status", "findings", ["rule", "status"], unique=False)

    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("doc_type", sa.String(length=32), nullable=True),
        sa.Column("doc_type_confidence", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=True),
        sa.Column("engine", sa.String(length=64), nullable=True),
        sa.Column("rotation", sa.Integer(), nullable=True),
        sa.Column("skew", sa.Float(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("lines", JSON_TYPE, nullable=True),
        sa.Column("seals", JSON_TYPE, nullable=True),
        sa.Column("claimed_at", TIMESTAMP, nullable=True),
        sa.Column("read_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_pages_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name=op.f("fk_pages_file_id_files"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("file_id", "page_no", name=op.f("uq_pages_file_id_page_no")),
    )
    op.create_index("ix_pages_dossier_id_status", "pages", ["dossier_id", "status"], unique=False)

    op.create_table(
        "fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("bbox", JSON_TYPE, nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("repaired", sa.Boolean(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("corrected_by", sa.String(length=100), nullable=True),
        sa.Column("corrected_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_fields_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_fields_page_id_pages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fields")),
        sa.UniqueConstraint("page_id", "name", name=op.f("uq_fields_page_id_name")),
    )
    op.create_index("ix_fields_dossier_id", "fields", ["dossier_id"], unique=False)

    op.create_table(
        "record_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("source_page_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=500), nullable=True),
        sa.Column("source_page_no", sa.Integer(), nullable=True),
        sa.Column("source_doc_type", sa.String(length=32), nullable=True),
        sa.Column("bbox", JSON_TYPE, nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_record_fields_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_page_id"],
            ["pages.id"],
            name=op.f("fk_record_fields_source_page_id_pages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_fields")),
        sa.UniqueConstraint("dossier_id", "name", name=op.f("uq_record_fields_dossier_id_name")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("record_fields")
    op.drop_index("ix_fields_dossier_id", table_name="fields")

    op.drop_table("fields")
    op.drop_index("ix_pages_dossier_id_status", table_name="pages")

    op.drop_table("pages")
    op.drop_index("ix_findings_rule_status", table_name="findings")
    op.drop_index("ix_findings_dossier_id", table_name="findings")

    op.drop_table("findings")
    op.drop_index("ix_files_sha256", table_name="files")
    op.drop_index("ix_files_dossier_id", table_name="files")

    op.drop_table("files")
    op.drop_index("ix_archive_records_customer_no", table_name="archive_records")

    op.drop_table("archive_records")
    op.drop_table("users")
    op.drop_index("ix_dossiers_status_deadline", table_name="dossiers")
    op.drop_index("ix_dossiers_created_at", table_name="dossiers")
    op.drop_index("ix_dossiers_assigned_reviewer", table_name="dossiers")

    op.drop_table("dossiers")
    op.drop_index("ix_audit_events_dossier_id_at", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")

    op.drop_table("audit_events")
