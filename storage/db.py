"""Engines, sessions and schema migration for both backends (SQLite embedded, PostgreSQL in production).

SQLite is tuned for several writer processes on one machine: WAL journal (readers never block the writer),
foreign keys enforced, a 30 s busy timeout, and `BEGIN IMMEDIATE` for every transaction. The last one matters:
with SQLite's default deferred transactions a read-then-write transaction fails at once with SQLITE_BUSY when
another process committed meanwhile (no busy wait applies), which is exactly what concurrent page workers do.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_S = 10.0  # a pooled PostgreSQL connection idle this long is checked before use
MIGRATION_LOCK_KEY = 0x646F7373  # any constant shared by all processes migrating one database


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; extra keyword arguments go to `sqlalchemy.create_engine` (e.g. connect_args)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    ping_after_idle = kwargs.pop("ping_after_idle", PING_AFTER_IDLE_S)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, ping_after_idle)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection only when it sat idle for `idle_seconds`, instead of on every checkout.

    `pool_pre_ping` costs a round trip per transaction (two per page step). A server restarted or a
    connection dropped while the process was idle is caught here: the dead connection is replaced before use.
    A drop in the middle of busy work makes the next statement fail once with OperationalError (SQLAlchemy
    then renews every pooled connection); the callers treat that as transient and retry (Celery's autoretry,
    the embedded pool's read_page_until_settled).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()
        except Exception as exc:  # any failure of the ping: the pool drops this connection and opens another
            raise DisconnectionError(str(exc)) from exc


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see _on_begin); sqlite3 still emits COMMIT/ROLLBACK.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: objects returned by repository functions stay readable after the commit.
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the newest). Safe to call on every start."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Workers starting together: one migrates, the others wait and then find nothing to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()
