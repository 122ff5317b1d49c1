"""Indexes for the review UI's lists at 100 000 dossiers and 1 000 000 pages (tests/bench/ui.py).

- The queue and the dashboard list dossiers soonest deadline first (`deadline IS NULL, deadline, created_at,
  id`): an index in exactly that order lets a page of 50 be read from its head instead of sorting every
  dossier; the dashboard's copy covers only the open dossiers (status neither archived nor rejected,
  written as the list's own predicate so the planner proves it).
- The archive list, newest first (`archived_at DESC, id DESC`), read backwards along (archived_at, id).

(Trigram indexes on the searched dossier columns were tried on the bench and left out: the lists' search ORs
its column matches with the archived customers' subquery, which no index can serve, so PostgreSQL filters the
status's rows either way.)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 21:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER = [sa.text("(deadline IS NULL)"), "deadline", "created_at", "id"]
OPEN = sa.text("status NOT IN ('archived', 'rejected')")


def upgrade() -> None:
    op.create_index("ix_dossiers_list_order", "dossiers", ORDER)
    op.create_index("ix_dossiers_open_order", "dossiers", ORDER, postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_archive_records_archived_at_id", "archive_records", ["archived_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_archive_records_archived_at_id", table_name="archive_records")
    op.drop_index("ix_dossiers_open_order", table_name="dossiers")
    op.drop_index("ix_dossiers_list_order", table_name="dossiers")
