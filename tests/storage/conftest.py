"""Databases for the storage tests: every test runs on SQLite (a temp file) and on the real PostgreSQL server.

PostgreSQL tests are marked `services`; when the server is unreachable they are skipped with the reason,
or fail with it under DOSSIER_REQUIRE_SERVICES=1 (`make test`, CI: tests/services_guard.py). The server is
the one of DOSSIER_TEST_PG_URL (`make test` exports the password role scripts/services.sh creates); without
it, the same role and then a local server's trust login are tried.
Each PostgreSQL database lives in a fresh schema `t_<random>` (search_path set per connection), dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from intake.settings import sqlite_url
from storage.db import make_engine, make_session_factory, migrate
from tests.services_guard import unavailable

PG_URLS = (
    (os.environ["DOSSIER_TEST_PG_URL"],)
    if os.environ.get("DOSSIER_TEST_PG_URL")
    else (
        "postgresql+psycopg://dossier_test:dossier_test@127.0.0.1:5432/dossier_test",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        "postgresql+psycopg://root@127.0.0.1:5432/test",
    )
)

STATEMENT_TIMEOUT_MS = 20_000  # a locking bug makes a test fail, not hang (and leak its schema)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]

EngineFactory = Callable[[], Engine]


def _reachable_pg_url() -> str:
    errors = []
    for url in PG_URLS:
        engine = make_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url
        except OperationalError as exc:
            errors.append(f"{url}: {exc.orig}")
        finally:
            engine.dispose()
    unavailable("PostgreSQL server unreachable: " + "; ".join(errors))


@pytest.fixture(scope="session")
def pg_url() -> str:
    return _reachable_pg_url()


@pytest.fixture(scope="session")
def engine_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineFactory]:
    """Makes empty databases on one backend; all are disposed (PostgreSQL schemas dropped) at the end."""
    made: list[Callable[[], None]] = []

    def make_sqlite() -> Engine:
        path: Path = tmp_path_factory.mktemp("db") / "dossier.db"
        engine = make_engine(sqlite_url(path))
        made.append(engine.dispose)
        return engine

    def make_postgresql() -> Engine:
        url = request.getfixturevalue("pg_url")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(
            url,
            connect_args={"options": f"-csearch_path={schema} -cstatement_timeout={STATEMENT_TIMEOUT_MS}"},
        )

        def drop() -> None:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()

        made.append(drop)
        return engine

    yield make_sqlite if request.param == "sqlite" else make_postgresql
    for cleanup in reversed(made):
        cleanup()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_factory" in metafunc.fixturenames:
        metafunc.parametrize("engine_factory", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(engine_factory: EngineFactory) -> Engine:
    """A migrated database shared by the tests of one backend (each test makes its own dossiers)."""
    engine = engine_factory()
    migrate(engine)
    return engine


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def tx(sessions: sessionmaker[Session]) -> Callable[[], AbstractContextManager[Session]]:
    """`with tx() as s:` runs the block in one committed transaction."""
    return sessions.begin
