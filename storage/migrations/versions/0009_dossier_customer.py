"""The customer on every list: the dossier's 客户名称 and 税务登记号 kept on the dossier, and whether it was
complete on first submission.

The queue, the dashboard and the archive list show and search the customer by name and tax number. Reading
them from `record_fields` would cost a join per list and a scan of a column that may be sealed (encrypted at
rest); the two values are not level-1 data, so they are kept in clear on `dossiers`, written with the record
(storage.repository.save_outcome). `complete_first` records the completeness of the first check (the end of
reading), which the dashboard's "complete on first submission" share counts; NULL for dossiers checked before
this revision (unknown, not counted).

Existing rows are filled from `record_fields` where their values are still in clear.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 21:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_MAX, TAX_MAX = 200, 32


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("customer_name", sa.String(length=NAME_MAX), nullable=True))
        batch.add_column(sa.Column("customer_tax_id", sa.String(length=TAX_MAX), nullable=True))
        batch.add_column(sa.Column("complete_first", sa.Boolean(), nullable=True))
    bind = op.get_bind()
    dossiers = sa.table("dossiers", sa.column("id"), sa.column("customer_name"), sa.column("customer_tax_id"))
    fields = sa.table("record_fields", sa.column("dossier_id"), sa.column("name"), sa.column("value"))
    wanted = {"customer_name": NAME_MAX, "tax_id": TAX_MAX}
    rows = bind.execute(
        sa.select(fields.c.dossier_id, fields.c.name, fields.c.value).where(
            fields.c.name.in_(sorted(wanted)), fields.c.value.is_not(None)
        )
    ).all()
    for dossier_id, name, value in rows:
        if not isinstance(value, str) or len(value) > wanted[name]:
            continue  # not a value in clear (sealed or absurd): left empty, filled at the next check
        column = "customer_name" if name == "customer_name" else "customer_tax_id"
        bind.execute(dossiers.update().where(dossiers.c.id == dossier_id).values({column: value}))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("complete_first")
        batch.drop_column("customer_tax_id")
        batch.drop_column("customer_name")
