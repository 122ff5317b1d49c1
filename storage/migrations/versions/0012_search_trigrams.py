"""Trigram indexes for the lists' customer search on PostgreSQL (issue 15, tests/bench/ui.py).

The queue's and the archive's search match a fragment anywhere in a name, a tax number, a customer or archive
number or a reference (`LIKE '%…%'`, storage.queries.customer_matches). A btree cannot serve a match inside
a value; a pg_trgm GIN index can, for fragments of three characters or more, one column at a time: the
queries are a UNION of one match per column so each uses its index (a tax number search at 100 000 dossiers:
160 → under 20 ms p95).

PostgreSQL only, with the pg_trgm extension that migration 0005 installs (on SQLite the search scans).
Not declared in storage.models, which describes what every backend has: the model/schema comparison leaves
out `*_trgm` indexes (storage.search.include_in_comparison).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:25:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {
    "dossiers": ("customer_name", "customer_tax_id", "customer_no", "reference"),
    "customers": ("name", "tax_id"),
    "archive_records": ("customer_no", "archive_no"),
}


def _names() -> list[tuple[str, str, str]]:
    return [(f"ix_{t}_{column}_trgm", t, column) for t, columns in SEARCHED.items() for column in columns]


def _trigram_schema(conn: sa.Connection) -> str | None:
    """The schema of pg_trgm (migration 0005 created it for the search index), None without it. The operator
    class is named with its schema: the database's search path need not include it."""
    found = conn.scalar(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    return None if found is None else str(found)


def upgrade() -> None:
    conn = op.get_bind()
    schema = _trigram_schema(conn) if conn.dialect.name == "postgresql" else None
    if schema is None:
        return
    for name, table, column in _names():
        op.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} "{schema}".gin_trgm_ops)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in _names():
        op.execute(f"DROP INDEX IF EXISTS {name}")
