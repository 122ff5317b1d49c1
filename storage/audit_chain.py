"""The tamper-evident audit trail: every entry carries the hash of the one before it.

    payload_sha256 = sha256(canonical JSON of {"before": …, "after": …})
    hash           = sha256(canonical JSON of [prev_hash, seq, at (ISO, UTC), actor, action, dossier_id,
                                               entity, reason, payload_sha256])

Changing any entry (its time, person, action, object, reason or values), deleting one or re-ordering them
breaks the chain from that entry on, and `verify` names the first entry that does not match. The values
enter the hash only through payload_sha256, so a data-subject request can remove personal values from an
entry (`redact_payload`) and the chain still verifies: the redaction is itself an entry of the chain that
records the hash of what the values became.

When the chain fields are written. An entry is chained when its transaction commits (`_chain_on_commit`):
everything else is flushed, the one-row chain head is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite
every transaction is BEGIN IMMEDIATE, see storage/db.py), the entries of the transaction get the next sequence
numbers and hashes, and the head moves. An entry still pending then (the usual case) is inserted with its
chain fields; one a flush inserted earlier in the transaction (chain fields empty) gets them by an UPDATE.
The lock is taken last and held only for the commit, so a transaction holding row locks never waits on the
head while the head's holder waits on it (no deadlock), and a slow transaction (filing PDFs, say) does not
stall every other writer. Cost per committing transaction that wrote audit entries: three small statements
by primary key (lock the head, insert or update the entries in one executemany, move the head), four when
it has both kinds, nothing per read-only transaction. Entries written before migration 0004 were chained by
the migration, in id order.

Limits: anyone who can rewrite the whole table and the head can forge a consistent chain; `verify` prints the
head's hash so an auditor can keep it elsewhere (e.g. in the quarterly sample's report) and compare later.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import AUDIT_REDACTING, AuditChainHead, AuditEvent, utcnow

GENESIS = "0" * 64
"""The prev_hash of the first entry."""
HEAD_ID = 1
REDACTED = "〔已删除〕"
"""What a redacted personal value reads as afterwards."""
REDACTION_ACTION = "audit.redacted"
VERIFY_BATCH = 1000
"""Rows fetched per round trip while verifying: memory stays flat whatever the trail's length."""
_EVENTS = cast(Table, AuditEvent.__table__)
_UNCHAINED = "audit.unchained"
"""Session.info key: the audit entries this transaction inserted, to be chained at commit."""


# ---------------------------------------------------------------------------------------------- canonical


def _plain(value: Any) -> Any:
    """JSON types only, as they come back from either backend.

    Integral floats become ints: PostgreSQL's JSONB hands 1e16 back as 10000000000000000 (and 1.0 as 1.0,
    which json reads as a float again), and the hash must not depend on which backend stored the value.
    """
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a JSON number: {value!r}")
        return int(Decimal(repr(value))) if value.is_integer() else value  # 1.5e300 as PostgreSQL prints it
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, str | int | bool) or value is None:
        return value
    return str(value)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same text for the same values on SQLite and PostgreSQL."""
    return json.dumps(
        _plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def jsonable(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The form an entry's before/after is stored in (and hashed from): plain JSON values."""
    if data is None:
        return None
    plain: dict[str, Any] = json.loads(canonical_json(data))
    return plain


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def payload_sha256(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    return _sha(canonical_json({"before": before, "after": after}))


def iso_utc(at: datetime) -> str:
    """The entry's time as hashed: UTC, microseconds (both backends keep microseconds)."""
    if at.tzinfo is None:  # SQLite hands back naive UTC (storage.models.UtcDateTime re-attaches it)
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    dossier_id: str | None,
    entity: str,
    reason: str | None,
    payload_sha: str,
) -> str:
    fields = [prev_hash, seq, iso_utc(at), actor, action, dossier_id, entity, reason, payload_sha]
    return _sha(canonical_json(fields))


# ------------------------------------------------------------------------------------------------ writing


def append(
    s: Session,
    actor: str,
    action: str,
    *,
    dossier_id: str | None = None,
    entity: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit entry; it is chained when the transaction commits (see the module's docstring)."""
    entry = AuditEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        dossier_id=dossier_id,
        entity=entity,
        before=jsonable(before),
        after=jsonable(after),
        reason=reason,
    )
    s.add(entry)
    return entry


@event.listens_for(Session, "after_flush")
def _collect_new_entries(session: Session, flush_context: object) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    if new:
        session.info.setdefault(_UNCHAINED, []).extend(new)


@event.listens_for(Session, "before_commit")
def _chain_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint is released, not the transaction: chain at the real commit
    held = _pending(session)
    if not session.info.get(_UNCHAINED) and not held:
        return
    # Entries not inserted yet are held out of this flush and inserted with their chain fields once the head
    # is locked: one INSERT for them instead of an INSERT now and an UPDATE after.
    for entry in held:
        session.expunge(entry)
    try:
        session.flush()
    finally:
        for entry in held:
            session.add(entry)
    held += [e for e in _pending(session) if e not in held]  # appended while flushing, if ever
    collected: list[AuditEvent] = session.info.pop(_UNCHAINED, [])
    # Entries inserted inside a savepoint that was rolled back left the session: they are not in the table.
    entries = sorted({id(e): e for e in collected if e in session and e.hash is None}.values(), key=_by_id)
    if entries or held:
        _chain(session, entries, held)


def _pending(session: Session) -> list[AuditEvent]:
    """The session's audit entries not inserted yet, in the order they were added (their insert order)."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    return sorted(new, key=lambda entry: inspect(entry).insert_order or 0)


def _by_id(entry: AuditEvent) -> int:
    return entry.id


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_UNCHAINED, None)


# Built once: the commit hook runs on every writing transaction (the statements' compiled forms are cached).
_HEAD = cast(Table, AuditChainHead.__table__)
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_SET_CHAIN = (
    update(_EVENTS)
    .where(_EVENTS.c.id == bindparam("_id"))
    .values(seq=bindparam("seq"), prev_hash=bindparam("prev_hash"), hash=bindparam("hash"))
    .values(payload_sha256=bindparam("payload_sha256"))
)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=bindparam("seq"), hash=bindparam("hash"))


def _chain(s: Session, entries: list[AuditEvent], held: list[AuditEvent]) -> None:
    """Chain `entries` (inserted already, by id) and then `held` (pending, inserted here), under the head's
    lock."""
    connection = s.connection()
    head = connection.execute(_LOCK_HEAD).one_or_none()
    if head is None:
        raise RuntimeError("audit chain head missing: run the migrations (storage.db.migrate)")
    seq, prev = int(head.seq), str(head.hash)
    rows = []
    for entry in (*entries, *held):
        seq += 1
        payload = payload_sha256(entry.before, entry.after)
        digest = entry_hash(
            prev, seq, entry.at, entry.actor, entry.action, entry.dossier_id, entry.entity, entry.reason,
            payload,
        )  # fmt: skip
        rows.append(
            {"_id": entry.id, "seq": seq, "prev_hash": prev, "hash": digest, "payload_sha256": payload}
        )
        prev = digest
    if entries:
        connection.execute(_SET_CHAIN, rows[: len(entries)])
    for entry, row in zip(held, rows[len(entries) :], strict=True):
        entry.seq, entry.prev_hash, entry.hash = row["seq"], row["prev_hash"], row["hash"]
        entry.payload_sha256 = row["payload_sha256"]
    if held:
        s.flush()  # their INSERT, chain fields included
    connection.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    for entry, row in zip(entries, rows, strict=False):
        for key in ("seq", "prev_hash", "hash", "payload_sha256"):
            set_committed_value(entry, key, row[key])


# ---------------------------------------------------------------------------------------------- redaction


def _redact(data: Any, keys: frozenset[str], values: tuple[str, ...]) -> Any:
    if isinstance(data, dict):
        return {
            k: (REDACTED if k in keys and v not in (None, "") else _redact(v, keys, values))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_redact(item, keys, values) for item in data]
    if isinstance(data, str):
        for value in values:
            data = data.replace(value, REDACTED)
    return data


def redact_payload(
    s: Session,
    event_id: int,
    *,
    keys: Iterable[str] = (),
    values: Iterable[str] = (),
    actor: str,
    reason: str,
) -> AuditEvent | None:
    """Remove personal values from an entry's before/after (a data-subject request, 004), chain intact.

    `keys`: values under these keys, at any depth, become REDACTED (e.g. "consignee_id_number");
    `values`: these exact strings become REDACTED wherever they occur inside a text. The entry keeps its
    payload_sha256 and hash; a new entry `audit.redacted` records who, why, which keys and the hash of the
    redacted values (never the values themselves), which is what `verify` checks the redacted entry against.
    Returns that new entry, or None when the entry held nothing to redact. The entry must be chained
    (committed) already.
    """
    entry = s.get(AuditEvent, event_id)
    if entry is None:
        raise LookupError(f"no audit event {event_id}")
    if entry.hash is None:
        raise ValueError(f"audit event {event_id} is not chained yet (commit it first)")
    if not reason.strip():
        raise ValueError("a reason is required to redact an audit event")
    key_set = frozenset(keys)
    plain_values = tuple(sorted({v for v in values if v}, key=len, reverse=True))
    before = _redact(entry.before, key_set, plain_values)
    after = _redact(entry.after, key_set, plain_values)
    if before == entry.before and after == entry.after:
        return None
    redacting = set(s.info.get(AUDIT_REDACTING, ()))
    s.info[AUDIT_REDACTING] = frozenset({*redacting, entry.id})
    try:
        entry.before, entry.after, entry.redacted_at = before, after, utcnow()
        s.flush()
    finally:
        s.info[AUDIT_REDACTING] = frozenset(redacting)
    return append(
        s,
        actor,
        REDACTION_ACTION,
        dossier_id=entry.dossier_id,
        entity=f"audit_event:{entry.id}",
        after={
            "event_id": entry.id,
            "keys": sorted(key_set),
            "values_removed": len(plain_values),
            "payload_sha256": entry.payload_sha256,
            "redacted_sha256": payload_sha256(before, after),
        },
        reason=reason.strip(),
    )


# ------------------------------------------------------------------------------------------------- verify


@dataclass(frozen=True, slots=True)
class Broken:
    """The first entry that does not match, and what does not match (in Chinese, for the auditor)."""

    event_id: int | None
    seq: int | None
    at: datetime | None
    actor: str | None
    action: str | None
    problem: str


@dataclass(frozen=True, slots=True)
class Verified:
    entries: int
    first_id: int | None  # where the chain starts
    first_at: datetime | None
    head_hash: str
    broken: Broken | None

    @property
    def intact(self) -> bool:
        return self.broken is None


_COLUMNS = (
    AuditEvent.id,
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.dossier_id,
    AuditEvent.entity,
    AuditEvent.reason,
    AuditEvent.before,
    AuditEvent.after,
    AuditEvent.prev_hash,
    AuditEvent.hash,
    AuditEvent.payload_sha256,
    AuditEvent.redacted_at,
)


def _rows(s: Session, up_to: int) -> Iterator[Any]:
    query = select(*_COLUMNS).where(AuditEvent.seq <= up_to).order_by(AuditEvent.seq)
    return iter(s.execute(query.execution_options(yield_per=VERIFY_BATCH)))


def _broken(row: Any, problem: str) -> Broken:
    return Broken(row.id, row.seq, row.at, row.actor, row.action, problem)


def _check(row: Any, expected_seq: int, prev_hash: str) -> str | None:
    """What is wrong with one entry, or None."""
    if row.seq != expected_seq:
        if row.seq > expected_seq:
            missing = (
                f"第 {expected_seq} 条"
                if row.seq == expected_seq + 1
                else f"第 {expected_seq}–{row.seq - 1} 条"
            )
            return f"链中{missing}记录缺失（已被删除）"
        return f"序号 {row.seq} 重复或顺序错乱（应为 {expected_seq}）"
    if row.prev_hash != prev_hash:
        return "前一条记录的哈希与本条记载的不符（前一条被修改、删除或替换）"
    if row.redacted_at is None and payload_sha256(row.before, row.after) != row.payload_sha256:
        return "变更前/变更后的内容与其摘要不符（内容被修改）"
    recomputed = entry_hash(
        row.prev_hash, row.seq, row.at, row.actor, row.action, row.dossier_id, row.entity, row.reason,
        row.payload_sha256 or "",
    )  # fmt: skip
    if recomputed != row.hash:
        return "时间、操作人、动作、档案、对象、原因或摘要与本条哈希不符（记录被修改）"
    return None


def verify(s: Session) -> Verified:
    """Walk the whole chain in order with bounded memory; stop at the first entry that does not match.

    Also checked: the last entry is the head's (nothing deleted from the end), no committed entry is outside
    the chain, and every redacted entry's values are exactly what its `audit.redacted` entry recorded.
    Memory: one batch of rows, plus one small record per redacted entry (rare: data-subject requests).
    """
    head = _head(s)  # entries committed while we walk are past it and left for the next run
    expected, prev_hash, count = 1, GENESIS, 0
    first_id: int | None = None
    first_at: datetime | None = None
    redacted: dict[int, tuple[Any, str]] = {}  # event id → (row, sha of its present values)
    recorded: dict[int, str] = {}  # event id → redacted_sha256 of its latest audit.redacted entry
    last = None
    for row in _rows(s, head.seq):
        problem = _check(row, expected, prev_hash)
        if problem is not None:
            return Verified(count, first_id, first_at, head.hash, _broken(row, problem))
        if first_id is None:
            first_id, first_at = row.id, row.at
        if row.redacted_at is not None:
            redacted[row.id] = (row, payload_sha256(row.before, row.after))
        if row.action == REDACTION_ACTION and isinstance(row.after, dict):
            target = row.after.get("event_id")
            if isinstance(target, int):
                recorded[target] = str(row.after.get("redacted_sha256"))
        expected, prev_hash, count, last = row.seq + 1, row.hash, count + 1, row
    if head.seq != count or head.hash != prev_hash:
        problem = f"链尾与链头不符：链头记载 {head.seq} 条，链中只有 {count} 条（末尾记录被删除或替换）"
        broken = _broken(last, problem) if last is not None else Broken(None, None, None, None, None, problem)
        return Verified(count, first_id, first_at, head.hash, broken)
    for event_id, (row, present) in sorted(redacted.items()):
        if recorded.get(event_id) != present:
            problem = "标记为已删除个人信息，但内容与删除记录不符（内容被修改）"
            return Verified(count, first_id, first_at, head.hash, _broken(row, problem))
    return Verified(count, first_id, first_at, head.hash, _outside_the_chain(s, head.seq))


def _head(s: Session) -> Any:
    query = select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    head = s.execute(query).one_or_none()
    if head is None:
        raise RuntimeError("audit chain head missing: run the migrations (storage.db.migrate)")
    return head


def _outside_the_chain(s: Session, walked_to: int) -> Broken | None:
    """A committed entry without a place in the chain: inserted around the audit writer (raw SQL).

    Entries past `walked_to` may be legitimate appends committed during the walk: an entry is only forged
    if the head, read after it was seen, still does not reach it (a legitimate entry commits with its head).
    """
    outside = or_(AuditEvent.seq.is_(None), AuditEvent.seq > walked_to)
    rows = s.execute(select(*_COLUMNS).where(outside).order_by(AuditEvent.id).limit(VERIFY_BATCH)).all()
    if not rows:
        return None
    head_now = _head(s).seq
    for row in rows:
        if row.seq is None or row.seq > head_now:
            return _broken(row, "记录不在审计链中（绕过审计写入直接插入）")
    return None
