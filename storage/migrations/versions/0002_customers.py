"""Customers for life: one row per tax number with the lifelong customer number, and every earlier value.

A customer number now belongs to the customer, so several dossiers (a first onboarding, later updates) carry
the same one: the unique constraint on dossiers.customer_no becomes a plain index, and dossiers point at their
customer. Existing archived dossiers are not back-filled here; `customer_no` on them stays as it was.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 18:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_no", sa.String(length=16), nullable=False),
        sa.Column("tax_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("values", JSON_TYPE, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("first_archived_on", sa.Date(), nullable=True),
        sa.Column("last_archived_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("customer_no", name=op.f("uq_customers_customer_no")),
        sa.UniqueConstraint("tax_id", name=op.f("uq_customers_tax_id")),
    )
    op.create_table(
        "customer_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("dossier_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_history_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_history")),
    )
    op.create_index(
        "ix_customer_history_customer_id_at", "customer_history", ["customer_id", "at"], unique=False
    )
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_constraint(op.f("uq_dossiers_customer_no"), type_="unique")
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_dossiers_customer_no"), ["customer_no"], unique=False)
        batch.create_index(batch.f("ix_dossiers_customer_id"), ["customer_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_dossiers_customer_id_customers"), "customers", ["customer_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_constraint(batch.f("fk_dossiers_customer_id_customers"), type_="foreignkey")
        batch.drop_index(batch.f("ix_dossiers_customer_id"))
        batch.drop_index(batch.f("ix_dossiers_customer_no"))
        batch.drop_column("customer_id")
        batch.create_unique_constraint(batch.f("uq_dossiers_customer_no"), ["customer_no"])
    op.drop_index("ix_customer_history_customer_id_at", table_name="customer_history")
    op.drop_table("customer_history")
    op.drop_table("customers")
