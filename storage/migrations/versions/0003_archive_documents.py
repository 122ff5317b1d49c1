"""One record per archived document and the files filed for it (filing, versions).

Each archived document gets its own archive record (归档编号 = the dossier's number + "-NN") naming
the PDF filed under archive/<客户编号>/<YYYY-Qn>/ (path relative to the data dir, SHA-256, version), the
pages it holds, the originals copied beside it and their manifest.
Dossier-level archive_records stay as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archive_no", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(length=32), nullable=False),
        sa.Column("customer_no", sa.String(length=16), nullable=False),
        sa.Column("archived_on", sa.Date(), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("doc_category", sa.String(length=16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=16), nullable=False),
        sa.Column("handler", sa.String(length=100), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("pdf_path", sa.String(length=500), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pages", JSON_TYPE, nullable=False),
        sa.Column("originals", JSON_TYPE, nullable=False),
        sa.Column("manifest_path", sa.String(length=500), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_records.id"], name=op.f("fk_archive_documents_record_id_archive_records")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_archive_documents_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_documents")),
        sa.UniqueConstraint("archive_no", name=op.f("uq_archive_documents_archive_no")),
        sa.UniqueConstraint("pdf_path", name=op.f("uq_archive_documents_pdf_path")),
    )
    op.create_index(op.f("ix_archive_documents_record_id"), "archive_documents", ["record_id"], unique=False)
    op.create_index(
        op.f("ix_archive_documents_dossier_id"), "archive_documents", ["dossier_id"], unique=False
    )
    op.create_index(
        "ix_archive_documents_customer_no_archived_on",
        "archive_documents",
        ["customer_no", "archived_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_archive_documents_customer_no_archived_on", table_name="archive_documents")
    op.drop_index(op.f("ix_archive_documents_dossier_id"), table_name="archive_documents")
    op.drop_index(op.f("ix_archive_documents_record_id"), table_name="archive_documents")
    op.drop_table("archive_documents")
