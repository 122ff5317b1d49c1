"""What an operator watches: the numbers behind /metrics and the health checks, as plain data.

Values come from the database at the moment they are asked for (storage.metrics), so the web process, every
worker and a restarted process agree; the review UI only formats them (review_ui.metrics).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from intake.lifecycle.context import Context
from storage import metrics as queries
from storage.metrics import PageTimes

URGENT_DAYS = 2  # as intake.lifecycle.backlog: due within two days (or overdue) is urgent
_GAVE_UP = re.compile(r"^gave up after \d+ attempts")
_EXCEPTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)(?::|$)")


@dataclass(frozen=True, slots=True)
class Snapshot:
    dossiers: list[tuple[str, str, int]]  # (status, urgency, count)
    pages_waiting: int
    page_times: list[PageTimes]
    failures: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, reason) → count


def failure_reason(error: str) -> str:
    """A page error sorted into a reason with few values (a label, not a message): the exception's class,
    `worker_stopped` for a page whose worker died every attempt, else `other`."""
    if _GAVE_UP.match(error):
        return "worker_stopped"
    found = _EXCEPTION.match(error.strip())
    return found.group(1).rsplit(".", 1)[-1] if found else "other"


def snapshot(ctx: Context, today: date) -> Snapshot:
    """Everything /metrics shows, read in one transaction."""
    with ctx.sessions() as s:
        dossiers = queries.dossiers_by_status_and_urgency(s, today, URGENT_DAYS)
        waiting = queries.pages_waiting(s)
        times = queries.page_times(s)
        errors = queries.page_errors(s)
        rejected = queries.rejected_files(s)
    failures: Counter[tuple[str, str]] = Counter()
    for error, n in errors:
        failures[("page", failure_reason(error))] += n
    for code, n in rejected:
        failures[("file", code)] += n
    return Snapshot(dossiers, waiting, times, dict(failures))


def database_ok(ctx: Context) -> str | None:
    """None when the database answers, else why not (for /healthz and `dossier health`)."""
    try:
        with ctx.sessions() as s:
            queries.ping(s)
    except Exception as exc:  # any failure to reach it is the answer, not an error of the check
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None
