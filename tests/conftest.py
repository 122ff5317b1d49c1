"""Hooks for the whole suite: a skipped production-path test fails the run under DOSSIER_REQUIRE_SERVICES=1
(see tests/services_guard.py)."""

from tests.services_guard import (
    pytest_configure,
    pytest_runtest_makereport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)

__all__ = [
    "pytest_configure",
    "pytest_runtest_makereport",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
]
