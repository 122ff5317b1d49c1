"""A tamper-evident audit trail and change requests to archived customer data.

audit_events get their chain columns (seq, prev_hash, hash, payload_sha256, redacted_at) and the one-row
audit_chain_head names the last entry. Entries written before this migration are chained here, in id order,
with the same hash as storage.audit_chain computes at run time, so `dossier audit verify` checks the whole
trail from its first entry. Rows are read and updated in batches: memory stays flat on a long trail.

change_requests (with their evidence scans in change_evidence) are the only way an archived customer's values
change; customer_history rows name the request that changed them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.audit_chain import GENESIS, HEAD_ID, entry_hash, payload_sha256

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
BATCH = 1000

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", TIMESTAMP),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("dossier_id", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("before", JSON_TYPE),
    sa.column("after", JSON_TYPE),
    sa.column("reason", sa.Text()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
    sa.column("payload_sha256", sa.String()),
)
_head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("hash", sa.String()),
)


def _chain_existing_entries() -> tuple[int, str]:
    """Chain the entries already there, in id order; returns the last (seq, hash)."""
    conn = op.get_bind()
    seq, prev, last_id = 0, GENESIS, 0
    update = (
        _events.update()
        .where(_events.c.id == sa.bindparam("_id"))
        .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash"))
        .values(payload_sha256=sa.bindparam("payload_sha256"))
    )
    while True:
        query = sa.select(_events).where(_events.c.id > last_id).order_by(_events.c.id).limit(BATCH)
        batch = conn.execute(query).all()
        if not batch:
            return seq, prev
        rows = []
        for e in batch:
            seq += 1
            payload = payload_sha256(e.before, e.after)
            digest = entry_hash(prev, seq, e.at, e.actor, e.action, e.dossier_id, e.entity, e.reason, payload)
            rows.append(
                {"_id": e.id, "seq": seq, "prev_hash": prev, "hash": digest, "payload_sha256": payload}
            )
            prev, last_id = digest, e.id
        conn.execute(update, rows)


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("payload_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("redacted_at", TIMESTAMP, nullable=True))
        batch.create_unique_constraint(batch.f("uq_audit_events_seq"), ["seq"])
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    seq, last = _chain_existing_entries()
    op.execute(_head.insert().values(id=HEAD_ID, seq=seq, hash=last))

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fields", JSON_TYPE, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", TIMESTAMP, nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_change_requests_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    op.create_index(
        "ix_change_requests_customer_id_status", "change_requests", ["customer_id", "status"], unique=False
    )
    op.create_table(
        "change_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_requests.id"],
            name=op.f("fk_change_evidence_change_request_id_change_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_evidence")),
    )
    op.create_index(
        op.f("ix_change_evidence_change_request_id"), "change_evidence", ["change_request_id"], unique=False
    )
    with op.batch_alter_table("customer_history") as batch:
        batch.add_column(sa.Column("change_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_customer_history_change_request_id_change_requests"),
            "change_requests",
            ["change_request_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_history") as batch:
        batch.drop_constraint(
            batch.f("fk_customer_history_change_request_id_change_requests"), type_="foreignkey"
        )
        batch.drop_column("change_request_id")
    op.drop_index(op.f("ix_change_evidence_change_request_id"), table_name="change_evidence")
    op.drop_table("change_evidence")
    op.drop_index("ix_change_requests_customer_id_status", table_name="change_requests")
    op.drop_table("change_requests")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(batch.f("uq_audit_events_seq"), type_="unique")
        batch.drop_column("redacted_at")
        batch.drop_column("payload_sha256")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
