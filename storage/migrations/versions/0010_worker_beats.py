"""Claims tied to live workers: `worker_beats` (one row per Celery worker, beating every few seconds) and
`pages.claimed_by` (the worker reading the page). A page claimed by a worker whose beat went stale is queued
again by the surviving workers within about a minute (storage.work.reclaim_orphans), instead of waiting for
the 15-minute stale window or the broker's one-hour visibility timeout. An index on `pages.claimed_by` finds a
dead worker's pages without scanning the others.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_beats",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("beat_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_beats")),
    )
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch.create_index("ix_pages_claimed_by", ["claimed_by"])


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_index("ix_pages_claimed_by")
        batch.drop_column("claimed_by")
    op.drop_table("worker_beats")
