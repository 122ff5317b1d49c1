"""Where a dossier came in: `intake_source` (web, cli, folder), the folder item's name, and its identity.

`intake_key` identifies one claimed item of a watched folder (its claim name and the hash of its content):
a watcher killed after registering but before moving the item looks it up on restart instead of creating a
second dossier, hence the unique constraint. Dossiers older than this migration keep NULL (source unknown).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 21:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("intake_source", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("intake_name", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("intake_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_dossiers_intake_key"), ["intake_key"])


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_constraint(op.f("uq_dossiers_intake_key"), type_="unique")
        batch.drop_column("intake_key")
        batch.drop_column("intake_name")
        batch.drop_column("intake_source")
