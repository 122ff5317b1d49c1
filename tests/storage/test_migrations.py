"""The schema comes from Alembic migrations and agrees with the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from intake.settings import Settings
from storage import search
from storage.db import alembic_config, make_engine, migrate
from storage.models import Base

from .conftest import EngineFactory

TABLES = {
    "dossiers",
    "files",
    "pages",
    "fields",
    "record_fields",
    "findings",
    "audit_events",
    "users",
    "archive_records",
}


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_migrate_builds_the_schema_on_an_empty_database(engine_factory: EngineFactory) -> None:
    engine = engine_factory()
    assert not set(inspect(engine).get_table_names()) & TABLES

    migrate(engine)
    migrate(engine)  # a second start finds nothing to do

    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _head()


def test_models_and_migrated_schema_agree(engine_factory: EngineFactory) -> None:
    engine = engine_factory()
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "include_name": search.include_in_comparison,  # FTS5 / pg_trgm objects: dialect DDL
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(engine_factory: EngineFactory) -> None:
    engine = engine_factory()
    migrate(engine)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert not set(inspect(engine).get_table_names()) & TABLES
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_queue_indexes_exist(engine_factory: EngineFactory) -> None:
    engine = engine_factory()
    migrate(engine)
    inspector = inspect(engine)
    dossier_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("dossiers")}
    assert {("status", "deadline"), ("assigned_reviewer",)} <= dossier_indexes
    page_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("pages")}
    assert ("dossier_id", "status") in page_indexes


def test_migrate_accepts_a_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_sqlite_connections_are_tuned_for_concurrent_writers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    finally:
        engine.dispose()


def test_settings_default_to_a_data_dir_under_the_working_directory(tmp_path: Path) -> None:
    settings = Settings.from_env({})
    assert settings.data_dir == Path.cwd() / "data"
    assert settings.database_url == f"sqlite:///{Path.cwd() / 'data' / 'dossier.db'}"

    custom = Settings.from_env({"DOSSIER_DATA_DIR": str(tmp_path)})
    assert custom.database_url == f"sqlite:///{tmp_path / 'dossier.db'}"
    assert custom.files_dir == tmp_path / "files"
    custom.ensure_dirs()
    assert custom.work_dir.is_dir()

    pg = Settings.from_env({"DOSSIER_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert pg.database_url == "postgresql+psycopg://u@h/db"


def test_workers_migrating_at_the_same_time_do_not_collide(engine_factory: EngineFactory) -> None:
    engine = engine_factory()
    barrier = Barrier(3)

    def start_worker() -> None:
        barrier.wait()
        migrate(engine)

    with ThreadPoolExecutor(3) as pool:
        for future in [pool.submit(start_worker) for _ in range(3)]:
            future.result()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _head()
