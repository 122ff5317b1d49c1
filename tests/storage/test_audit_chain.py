"""The audit trail is a hash chain: tampering, deleting or inserting around it is found and named, a
data-subject redaction is not a break, and concurrent writers never fork the chain (SQLite and PostgreSQL).

Tests that tamper get a database of their own (a broken chain stays broken).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import cast

import pytest
from alembic import command
from sqlalchemy import Engine, Table, event, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from storage import audit_chain
from storage import repository as repo
from storage.audit_chain import REDACTED, canonical_json, redact_payload, verify
from storage.db import alembic_config, make_session_factory, migrate
from storage.models import AuditAppendOnlyError, AuditChainHead, AuditEvent

from .conftest import EngineFactory

Sessions = sessionmaker[Session]
NEW_ID = "110101199003071235"


@pytest.fixture
def fresh(engine_factory: EngineFactory) -> Sessions:
    engine = engine_factory()
    migrate(engine)
    return make_session_factory(engine)


def _write(sessions: Sessions, n: int, *, actor: str = "admin", dossier_id: str = "d1") -> list[int]:
    """n entries in one transaction; returns their ids."""
    with sessions.begin() as s:
        events = [_one(s, actor, dossier_id, i) for i in range(n)]
        s.flush()
        return [e.id for e in events]


def _one(s: Session, actor: str, dossier_id: str, i: int) -> AuditEvent:
    return audit_chain.append(
        s, actor, "field.corrected", dossier_id=dossier_id, entity=f"field:{i}",
        before={"value": f"old{i}", "confidence": 0.5}, after={"value": f"new{i}", "confidence": 1.0},
        reason="核对原件",
    )  # fmt: skip


def _entries(sessions: Sessions) -> list[AuditEvent]:
    with sessions() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_entries_are_chained_at_commit_and_verify(fresh: Sessions) -> None:
    ids = _write(fresh, 3) + _write(fresh, 2)
    entries = _entries(fresh)
    assert [e.id for e in entries] == ids
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit_chain.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    with fresh() as s:
        result = verify(s)
        head = s.get_one(AuditChainHead, audit_chain.HEAD_ID)
    assert result.intact and result.entries == 5 and result.first_id == ids[0]
    assert (head.seq, head.hash) == (5, entries[-1].hash) == (5, result.head_hash)


def test_a_repository_audit_is_chained_and_visible_inside_its_transaction(fresh: Sessions) -> None:
    with fresh.begin() as s:
        repo.audit(s, "admin", "dossier.created", dossier_id="x", after={"when": "2026-11-30", "n": (1, 2)})
        seen = s.scalars(select(AuditEvent).where(AuditEvent.dossier_id == "x")).one()
        assert seen.hash is None  # chained only when the transaction commits
    assert seen.seq == 1 and seen.hash is not None
    assert seen.after == {"when": "2026-11-30", "n": [1, 2]}
    with fresh() as s:
        assert verify(s).intact


def test_entries_pending_at_the_commit_are_inserted_chained_after_those_flushed_before(
    fresh: Sessions,
) -> None:
    """Those a flush inserted earlier get their chain fields by an UPDATE, those still pending at the commit
    are inserted with them; the chain follows the order they were written in either way."""
    updated: list[object] = []  # the parameter sets of UPDATE statements on the audit entries

    def record(*args: object) -> None:
        statement, params, executemany = args[2], args[3], args[5]
        if isinstance(statement, str) and statement.startswith("UPDATE audit_events"):
            updated.extend(cast(list[object], params) if executemany else [params])

    with fresh.begin() as s:
        _one(s, "admin", "d1", 0)
        s.flush()
        _one(s, "admin", "d1", 1)
        _one(s, "admin", "d1", 2)
        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", record)
    event.remove(engine, "before_cursor_execute", record)
    entries = _entries(fresh)
    assert [e.entity for e in entries] == ["field:0", "field:1", "field:2"]
    assert [e.seq for e in entries] == [1, 2, 3] and sorted(e.id for e in entries) == [e.id for e in entries]
    assert len(updated) == 1  # the entry flushed before; the two pending were inserted chained
    with fresh() as s:
        assert verify(s).intact


def test_a_read_only_transaction_touches_nothing(fresh: Sessions) -> None:
    _write(fresh, 1)
    with fresh.begin() as s:
        s.scalars(select(AuditEvent)).all()
    with fresh() as s:
        assert s.get_one(AuditChainHead, audit_chain.HEAD_ID).seq == 1


def test_an_entry_rolled_back_with_its_savepoint_leaves_no_gap(fresh: Sessions) -> None:
    with fresh.begin() as s:
        audit_chain.append(s, "admin", "kept.before")
        nested = s.begin_nested()
        audit_chain.append(s, "admin", "rolled.back")
        s.flush()
        nested.rollback()
        audit_chain.append(s, "admin", "kept.after")
    assert [e.action for e in _entries(fresh)] == ["kept.before", "kept.after"]
    with fresh() as s:
        assert verify(s).intact


def test_a_rolled_back_transaction_is_not_chained(fresh: Sessions) -> None:
    with pytest.raises(RuntimeError), fresh.begin() as s:
        audit_chain.append(s, "admin", "lost")
        s.flush()
        raise RuntimeError("the request failed")
    _write(fresh, 1)
    with fresh() as s:
        result = verify(s)
    assert result.intact and result.entries == 1


def _tamper(sessions: Sessions, event_id: int, **values: object) -> None:
    """Change a row behind the application's back (as someone with database access would)."""
    with sessions.begin() as s:
        table = cast(Table, AuditEvent.__table__)
        s.connection().execute(update(table).where(table.c.id == event_id).values(**values))


def test_a_tampered_value_is_named(fresh: Sessions) -> None:
    ids = _write(fresh, 5)
    _tamper(fresh, ids[2], after={"value": "6222000011112222", "confidence": 1.0})
    with fresh() as s:
        result = verify(s)
    assert result.broken is not None
    assert result.broken.event_id == ids[2] and result.broken.seq == 3
    assert result.broken.actor == "admin" and result.broken.action == "field.corrected"
    assert "内容" in result.broken.problem


def test_a_tampered_actor_is_named_with_raw_sql(fresh: Sessions) -> None:
    ids = _write(fresh, 4)
    with fresh.begin() as s:
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": ids[1]})
    with fresh() as s:
        broken = verify(s).broken
    assert broken is not None and broken.event_id == ids[1] and broken.actor == "mallory"
    assert "操作人" in broken.problem


def test_a_deleted_entry_is_named(fresh: Sessions) -> None:
    ids = _write(fresh, 5)
    with fresh.begin() as s:
        s.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    with fresh() as s:
        broken = verify(s).broken
    assert broken is not None and broken.event_id == ids[2]  # the entry after the gap
    assert "第 2 条" in broken.problem and "缺失" in broken.problem


def test_a_deleted_last_entry_is_found_by_the_head(fresh: Sessions) -> None:
    ids = _write(fresh, 3)
    with fresh.begin() as s:
        s.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[-1]})
    with fresh() as s:
        result = verify(s)
    assert result.broken is not None and result.broken.event_id == ids[1]
    assert "链头" in result.broken.problem


def test_an_entry_inserted_around_the_chain_is_named(fresh: Sessions) -> None:
    _write(fresh, 2)
    with fresh.begin() as s:
        s.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, entity) "
                "VALUES (CURRENT_TIMESTAMP, 'mallory', 'dossier.archived', '')"
            )
        )
        forged = s.scalar(select(func.max(AuditEvent.id)))
    with fresh() as s:
        broken = verify(s).broken
    assert broken is not None and broken.event_id == forged and "不在审计链中" in broken.problem


def test_the_orm_refuses_to_change_or_delete_an_entry(fresh: Sessions) -> None:
    ids = _write(fresh, 1)
    with pytest.raises(AuditAppendOnlyError), fresh.begin() as s:
        s.get_one(AuditEvent, ids[0]).after = {"value": "forged"}
    with pytest.raises(AuditAppendOnlyError), fresh.begin() as s:
        s.delete(s.get_one(AuditEvent, ids[0]))
    with fresh() as s:
        assert verify(s).intact


def test_a_redaction_keeps_the_chain_and_is_itself_audited(fresh: Sessions) -> None:
    with fresh.begin() as s:
        target = audit_chain.append(
            s, "admin", "field.corrected", dossier_id="d1",
            before={"name": "consignee_id_number", "value": "110101199003071234"},
            after={"name": "consignee_id_number", "value": NEW_ID, "note": f"张三 {NEW_ID}"},
        )  # fmt: skip
        s.flush()
        target_id = target.id
    _write(fresh, 2)
    with fresh.begin() as s:
        entry = redact_payload(
            s,
            target_id,
            keys=["value"],
            values=["110101199003071235"],
            actor="admin",
            reason="客户申请删除个人信息",
        )
        assert entry is not None
        again = redact_payload(s, target_id, keys=["value"], actor="admin", reason="重复")
        assert again is None  # nothing left to redact
    with fresh() as s:
        redacted = s.get_one(AuditEvent, target_id)
        assert redacted.before == {"name": "consignee_id_number", "value": REDACTED}
        assert redacted.after == {
            "name": "consignee_id_number",
            "value": REDACTED,
            "note": f"张三 {REDACTED}",
        }
        assert redacted.redacted_at is not None
        assert "110101199003071234" not in canonical_json(entry.after)
        result = verify(s)
    assert result.intact and result.entries == 4  # the entry, two more, the redaction


def test_a_redacted_entry_changed_afterwards_is_named(fresh: Sessions) -> None:
    ids = _write(fresh, 2)
    with fresh.begin() as s:
        redact_payload(s, ids[0], keys=["value"], actor="admin", reason="客户申请删除个人信息")
    _tamper(fresh, ids[0], after={"value": "forged", "confidence": 1.0})
    with fresh() as s:
        broken = verify(s).broken
    assert broken is not None and broken.event_id == ids[0] and "删除记录不符" in broken.problem


def test_marking_an_entry_redacted_by_hand_does_not_hide_a_change(fresh: Sessions) -> None:
    ids = _write(fresh, 2)
    from storage.models import utcnow

    _tamper(fresh, ids[1], after={"value": "forged"}, redacted_at=utcnow())
    with fresh() as s:
        broken = verify(s).broken
    assert broken is not None and broken.event_id == ids[1]


def test_redaction_is_refused_without_a_reason_or_for_an_unknown_entry(fresh: Sessions) -> None:
    ids = _write(fresh, 1)
    with fresh.begin() as s, pytest.raises(ValueError, match="reason"):
        redact_payload(s, ids[0], keys=["value"], actor="admin", reason=" ")
    with fresh.begin() as s, pytest.raises(LookupError):
        redact_payload(s, 999_999, keys=["value"], actor="admin", reason="x")


def test_values_hash_the_same_after_the_round_trip_through_the_database(fresh: Sessions) -> None:
    """JSONB reorders keys and rewrites numbers; the chain must not depend on that."""
    odd = {
        "z": 1e16,
        "a": [1.0, 0.1, 1e-7, 1.5e300, True, None],
        "中文": {"b": "６２２２", "a": "x"},
        "big": 2**60,
    }
    with fresh.begin() as s:
        audit_chain.append(s, "admin", "odd.values", before=odd, after={"t": "2026-11-30T08:00:00+00:00"})
    with fresh() as s:
        assert verify(s).intact


def test_the_migration_chains_entries_written_before_it(engine_factory: EngineFactory) -> None:
    engine: Engine = engine_factory()
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, dossier_id, entity, after) "
                    "VALUES (:at, 'admin', 'dossier.created', 'd', '', :after)"
                ),
                {"at": f"2026-11-2{i} 08:00:00.12345{i}", "after": '{"b": 1, "a": "值"}'},
            )
    migrate(engine)
    sessions = make_session_factory(engine)
    _write(sessions, 2)
    with sessions() as s:
        result = verify(s)
        first = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    assert result.intact and result.entries == 5
    assert first is not None and result.first_id == first.id and first.seq == 1


def _concurrent_writer(sessions: Sessions, barrier: Barrier, worker: int, rounds: int) -> None:
    barrier.wait()
    for n in range(rounds):
        with sessions.begin() as s:
            audit_chain.append(s, f"worker{worker}", "status.changed", entity=f"w{worker}:{n}:a")
            s.flush()
            audit_chain.append(s, f"worker{worker}", "status.changed", entity=f"w{worker}:{n}:b")


@pytest.mark.parametrize("workers", [4])
def test_concurrent_writers_never_fork_the_chain(fresh: Sessions, workers: int) -> None:
    rounds = 15
    barrier = Barrier(workers)
    run: Callable[[int], None] = lambda w: _concurrent_writer(fresh, barrier, w, rounds)  # noqa: E731
    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(run, w) for w in range(workers)]:
            future.result()
    with fresh() as s:
        result = verify(s)
        seqs = list(s.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
    assert result.intact, result.broken
    assert result.entries == workers * rounds * 2
    assert seqs == list(range(1, workers * rounds * 2 + 1))
