"""Search: customers by number, name, tax number, account; full text of the read pages.

`search_documents` holds one row per customer, dossier and read page with the text to search; `search_keys`
the normalised identifiers for exact lookups. Chinese has no word spaces, so a word tokenizer (tsvector's
default parser, FTS5's unicode61) cannot find 南海 inside 佛山市南海区; both backends index character trigrams
instead, each in its own DDL:

- SQLite: an external-content FTS5 table `search_fts` with the trigram tokenizer (SQLite >= 3.34), kept in
  step with `search_documents` by three triggers, and its vocabulary `search_fts_vocab` (fts5vocab), through
  which a two-character term is expanded to the trigrams that begin with it.
- PostgreSQL: the pg_trgm extension (in postgresql-contrib; Debian's `postgresql` package ships it) and two
  partial GIN indexes on `body`, which LIKE/ILIKE '%…%' use: `ix_search_trgm_named` (customers and dossiers)
  and `ix_search_trgm_pages` (pages), so that a phrase on thousands of pages does not make the small ranked
  part of a search read the pages' postings. The extension is created in `public` when that schema exists
  (so it outlives any one application schema), else in the current schema; creating it needs CREATE on the
  database (pg_trgm is a trusted extension since PostgreSQL 13). The downgrade keeps it.

Existing rows are indexed by `dossier search --reindex`, not here (the text is normalised in Python).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "body, content='search_documents', content_rowid='id', tokenize='trigram')",
    # the indexed trigrams, for two-character terms (storage.search._expand)
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row)",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
]


def _pg_trgm_schema(bind: sa.Connection) -> str:
    """The schema pg_trgm lives in, creating the extension first when the database has none."""
    found = bind.execute(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if found:
        return str(found)
    has_public = bind.execute(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).scalar()
    schema = "public" if has_public else str(bind.execute(sa.text("SELECT current_schema()")).scalar())
    op.execute(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{schema}"')
    return schema


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.String(length=32), nullable=True),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=True),
        sa.Column("page_no", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_search_documents_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_search_documents_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_search_documents_page_id_pages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("ref", name=op.f("uq_search_documents_ref")),
    )
    op.create_index("ix_search_documents_kind_title", "search_documents", ["kind", "title"], unique=False)
    op.create_index(
        op.f("ix_search_documents_customer_id"), "search_documents", ["customer_id"], unique=False
    )
    op.create_index(op.f("ix_search_documents_dossier_id"), "search_documents", ["dossier_id"], unique=False)
    op.create_index(op.f("ix_search_documents_page_id"), "search_documents", ["page_id"], unique=False)
    op.create_table(
        "search_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["search_documents.id"],
            name=op.f("fk_search_keys_document_id_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_keys")),
    )
    op.create_index(op.f("ix_search_keys_document_id"), "search_keys", ["document_id"], unique=False)
    op.create_index(op.f("ix_search_keys_key"), "search_keys", ["key"], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        schema = _pg_trgm_schema(bind)
        for name, where in (
            ("ix_search_trgm_named", "kind <> 'page'"),
            ("ix_search_trgm_pages", "kind = 'page'"),
        ):
            ops = f'"{schema}".gin_trgm_ops'
            # fastupdate off: no pending list that every search would have to scan until the next vacuum
            op.execute(
                f"CREATE INDEX {name} ON search_documents USING gin (body {ops}) "
                f"WITH (fastupdate = off) WHERE {where}"
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts_vocab")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_trgm_named")
        op.execute("DROP INDEX IF EXISTS ix_search_trgm_pages")
    op.drop_index(op.f("ix_search_keys_key"), table_name="search_keys")
    op.drop_index(op.f("ix_search_keys_document_id"), table_name="search_keys")
    op.drop_table("search_keys")
    op.drop_index(op.f("ix_search_documents_page_id"), table_name="search_documents")
    op.drop_index(op.f("ix_search_documents_dossier_id"), table_name="search_documents")
    op.drop_index(op.f("ix_search_documents_customer_id"), table_name="search_documents")
    op.drop_index("ix_search_documents_kind_title", table_name="search_documents")
    op.drop_table("search_documents")
