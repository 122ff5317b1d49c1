"""DOSSIER_REQUIRE_SERVICES=1 (`make test`, CI): a production-path test never passes by skipping.

Each case is a pytest run of its own in a subprocess, so the flag and an unreachable server URL are set for
that run only: a fixture that cannot reach PostgreSQL fails with the reason, and the final guard fails a run
in which a `services` test skipped for any reason; without the flag the same tests skip, as on a developer's
machine without the servers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SKIPPING_SERVICES_TEST = """
import pytest

@pytest.mark.services
def test_needs_a_server():
    pytest.skip("the server went away")

def test_plain():
    pass
"""


def _closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pytest(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    full_env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _guarded_run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_guarded.py").write_text(SKIPPING_SERVICES_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    services: needs the real servers\n")
    return _pytest(["-p", "tests.services_guard", "test_guarded.py"], tmp_path, **env)


def test_a_skipped_services_test_fails_the_run_under_the_flag(tmp_path: Path) -> None:
    run = _guarded_run(tmp_path, DOSSIER_REQUIRE_SERVICES="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "services tests skipped although DOSSIER_REQUIRE_SERVICES=1" in run.stdout
    assert "test_guarded.py::test_needs_a_server: the server went away" in run.stdout


def test_without_the_flag_a_skipped_services_test_is_only_a_skip(tmp_path: Path) -> None:
    run = _guarded_run(tmp_path, DOSSIER_REQUIRE_SERVICES="0")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout


def test_an_unreachable_postgresql_fails_with_the_reason_under_the_flag() -> None:
    url = f"postgresql+psycopg://dossier_test:dossier_test@127.0.0.1:{_closed_port()}/dossier_test"
    test = "tests/storage/test_migrations.py"
    required = _pytest(
        [test, "-k", "postgresql", "-x"], ROOT, DOSSIER_TEST_PG_URL=url, DOSSIER_REQUIRE_SERVICES="1"
    )
    assert required.returncode == 1, required.stdout + required.stderr
    assert "PostgreSQL server unreachable" in required.stdout and url.rsplit("@", 1)[1] in required.stdout
    assert "DOSSIER_REQUIRE_SERVICES=1" in required.stdout
    relaxed = _pytest([test, "-k", "postgresql"], ROOT, DOSSIER_TEST_PG_URL=url, DOSSIER_REQUIRE_SERVICES="0")
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    outcome = relaxed.stdout.strip().splitlines()[-1]  # e.g. "4 skipped, 9 deselected in 3.2s"
    assert "skipped" in outcome and "failed" not in outcome and "error" not in outcome
