"""Real servers for the worker tests: PostgreSQL in a fresh schema and Redis in a random database per run.

Skipped with the reason when a server is unreachable, or failed with it under DOSSIER_REQUIRE_SERVICES=1
(tests/services_guard.py).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from intake.lifecycle.context import Context
from intake.settings import Settings
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore
from tests.services_guard import unavailable
from tests.storage.conftest import _reachable_pg_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


@dataclass
class Services:
    """Environment that points a worker subprocess at this run's database, broker and data directory."""

    database_url: str
    broker_url: str
    data_dir: Path
    ctx: Context

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DOSSIER_DATABASE_URL=self.database_url,
            DOSSIER_BROKER_URL=self.broker_url,
            DOSSIER_DATA_DIR=str(self.data_dir),
            PYTHONPATH=str(ROOT),
            OMP_THREAD_LIMIT="1",
        )
        env.update(extra)
        return env


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    pg_url = _reachable_pg_url()
    db_number = random.randint(1, 15)
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db_number, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        unavailable(f"Redis server unreachable at {REDIS_HOST}:{REDIS_PORT}: {exc}")
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    database_url = f"{pg_url}?options=-csearch_path%3D{schema}"
    engine = make_engine(database_url)
    migrate(engine)
    settings = Settings(tmp_path_factory.mktemp("data"), database_url)
    settings.ensure_dirs()
    ctx = Context(settings, make_session_factory(engine), FileStore(settings.files_dir))
    yield Services(database_url, f"redis://{REDIS_HOST}:{REDIS_PORT}/{db_number}", settings.data_dir, ctx)
    engine.dispose()
    client.flushdb()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def start_worker(services: Services, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """`dossier worker` in its own process group (so a test can SIGKILL the worker and its pool together)."""
    command = [sys.executable, "-m", "intake.cli", "worker", "--concurrency", "1"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=services.env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def wait_until(predicate: object, timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def sqlite_context(tmp_path: Path, **settings: str) -> Context:
    """A context on a fresh SQLite database in `tmp_path` (the worker steps without servers); `settings`
    override the defaults (e.g. ocr_engine="known-lines", which the context's engine follows)."""
    config = Settings(tmp_path / "data", f"sqlite:///{tmp_path}/dossier.db", **settings)  # type: ignore[arg-type]
    config.ensure_dirs()
    engine = make_engine(config.database_url)
    migrate(engine)
    return Context(
        config, make_session_factory(engine), FileStore(config.files_dir), engine=config.ocr_engine
    )
