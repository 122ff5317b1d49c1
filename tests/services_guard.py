"""When the real servers are required, a production-path test never passes by skipping.

`make test` (and so CI) sets DOSSIER_REQUIRE_SERVICES=1 after scripts/services.sh has provisioned PostgreSQL
and Redis. Then a fixture that cannot reach its server fails with the reason (`unavailable`), and as a last
guard the run fails if any test marked `services` was skipped for whatever reason (`pytest_sessionfinish`):
a green run must mean that every production-path test ran. Without the flag (a developer's machine without
the servers) they skip with the reason, as before.

tests/conftest.py imports the hooks; a plain module, so a test can load it into a pytest run of its own with
`-p tests.services_guard`.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import NoReturn

import pytest

REQUIRE_ENV = "DOSSIER_REQUIRE_SERVICES"
_SKIPPED = pytest.StashKey[list[str]]()


def services_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def unavailable(reason: str) -> NoReturn:
    """A server a production-path test needs is unreachable: fail under the flag, else skip."""
    if services_required():
        pytest.fail(
            f"{reason} — {REQUIRE_ENV}=1: the production-path tests must run "
            "(bash scripts/services.sh installs and starts PostgreSQL and Redis)",
            pytrace=False,
        )
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SKIPPED] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and item.get_closest_marker("services"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        item.config.stash[_SKIPPED].append(f"{item.nodeid}: {reason.removeprefix('Skipped: ')}")
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped = config.stash.get(_SKIPPED, [])
    if skipped and services_required():
        terminalreporter.section(f"services tests skipped although {REQUIRE_ENV}=1", red=True)
        for line in skipped:
            terminalreporter.line(line, red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if services_required() and session.config.stash.get(_SKIPPED, []) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
