"""PostgreSQL connections dropped by the server (a restart, an idle timeout) without a ping per transaction:
an idle connection is checked and replaced before use; a drop during busy work fails one statement, after
which the pool is renewed (callers retry OperationalError as transient)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage.db import make_engine

pytestmark = pytest.mark.services


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _drop_pooled(pg_url: str, engine: Engine) -> int:
    """What a server restart does to a pooled connection: its backend ends under it. Returns its pid."""
    pid = _backend_pid(engine)
    admin = make_engine(pg_url)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        admin.dispose()
    return pid


def test_a_connection_dropped_while_idle_is_replaced_before_use(pg_url: str) -> None:
    engine = make_engine(pg_url, ping_after_idle=0.2)
    try:
        dead = _drop_pooled(pg_url, engine)
        time.sleep(0.3)
        assert _backend_pid(engine) != dead  # no error: the idle connection was checked and replaced
    finally:
        engine.dispose()


def test_a_connection_dropped_during_busy_work_fails_once_then_the_pool_is_renewed(pg_url: str) -> None:
    engine = make_engine(pg_url, ping_after_idle=3600)
    try:
        dead = _drop_pooled(pg_url, engine)
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert _backend_pid(engine) != dead
    finally:
        engine.dispose()
