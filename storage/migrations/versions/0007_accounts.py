"""Accounts: case-insensitive unique user names, sign-in throttling, revocable sessions, last sign-in.

`users.name_key` holds the stripped, case-folded name under a unique constraint ("Admin" and "admin"
cannot coexist); existing rows that already collide keep working under a suffixed key (`admin#7`) so the
upgrade never fails, and an administrator can deactivate one of them. `failed_logins`/`locked_until` lock an
account after repeated wrong passwords, `login_throttle` does the same per client address; both live in the
database so every process and a restart see the same counts. `session_version` revokes sessions;
`last_login_at` is shown to the administrator.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("last_login_at", TIMESTAMP, nullable=True))
    bind = op.get_bind()
    users = sa.table(
        "users", sa.column("id", sa.Integer()), sa.column("name", sa.String()), sa.column("name_key")
    )
    seen: set[str] = set()
    for user_id, name in bind.execute(sa.select(users.c.id, users.c.name).order_by(users.c.id)).all():
        key = name.strip().casefold()
        if key in seen:
            key = f"{key}#{user_id}"
        seen.add(key)
        bind.execute(users.update().where(users.c.id == user_id).values(name_key=key))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("name_key", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("failed_logins", existing_type=sa.Integer(), server_default=None)
        batch.alter_column("session_version", existing_type=sa.Integer(), server_default=None)
        batch.create_unique_constraint(op.f("uq_users_name_key"), ["name_key"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_name_key"), type_="unique")
        batch.drop_column("last_login_at")
        batch.drop_column("session_version")
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
        batch.drop_column("name_key")
