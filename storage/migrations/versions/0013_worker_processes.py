"""How many reader processes each live worker runs (issue 15: batches of pages only when there is a queue).

`dossier submit` and the other producers size their read tasks from the pages waiting and the processes that
will read them (intake.lifecycle.backlog.pages_per_task): the sum of `processes` over the workers that beat in
the last minute. A worker of an older release leaves it NULL and counts as one.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 00:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("worker_beats") as batch:
        batch.add_column(sa.Column("processes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("worker_beats") as batch:
        batch.drop_column("processes")
