"""What every command shares: the exit codes scripts rely on, and argument types with Chinese errors."""

from __future__ import annotations

import argparse
from datetime import date
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit status of `dossier` (scripts depend on these numbers)."""

    OK = 0
    NOTHING_READ = 1  # no page of the dossier could be read
    USAGE = 2  # a missing path, a bad option, no broker configured for worker/beat, a refused password
    BROKER_UNAVAILABLE = 3  # `dossier submit`: stored, but the broker is down (queued when a worker starts)
    BACKUP_FAILED = 10  # `dossier backup/restore` could not be done (a path, pg_dump, the database)
    BACKUP_INVALID = 11  # `dossier restore`: the backup is incomplete, damaged or altered; untouched
    RESTORE_REFUSED = 12  # `dossier restore`: the data dir or database holds data and --force was not given
    ARCHIVE_DAMAGED = 20  # `dossier archive verify`: a filed PDF, original or manifest is missing or altered
    AUDIT_BROKEN = 30  # `dossier audit verify`: an audit entry changed, deleted or inserted around the chain
    SEARCH_TIMEOUT = 40  # `dossier search`: stopped at its time budget


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是日期（应为 YYYY-MM-DD）：{text!r}") from exc


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是整数：{text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"至少为 1：{text!r}")
    return value
