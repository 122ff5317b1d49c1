"""Back-pressure and fairness: how long the queue is, how long a new upload will wait, and which dossiers
are read first.

Uploads are never refused for a long queue: beyond `Settings.max_backlog_pages` they are still stored and
queued, and the UI and the API say so with the wait to expect. A dossier whose deadline (pickup − 7 days) is
within URGENT_DAYS, or past, is urgent: its pages go to the broker with the highest priority, so it is read
ahead of a bulk import already queued (workers.app orders Redis's priorities strictly).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from intake.checks.deadline import dossier_deadline
from intake.lifecycle.context import Context
from storage import work
from storage.models import Dossier, utcnow

URGENT_DAYS = 2
URGENT, NORMAL = 0, 5  # broker priorities; on Redis 0 is served first
RATE_WINDOW = timedelta(minutes=10)  # pages/s over the last ten minutes estimates the wait
SECONDS_PER_PAGE = 2.5  # one OCR process, measured (docs/benchmarks.md); used before any rate is known
LIVE = timedelta(seconds=60)
TASKS_PER_PROCESS = 4  # a queue deeper than this many tasks per reader process is worth batching


def is_urgent(dossier: Dossier, today: date, deadline_days: int = 7) -> bool:
    """Due within URGENT_DAYS (or overdue), by its deadline if checked, else by the pickup date given."""
    due = dossier.deadline or dossier_deadline(dossier.pickup_date, deadline_days)
    return due is not None and due <= today + timedelta(days=URGENT_DAYS)


def read_priority(dossier: Dossier, today: date, deadline_days: int = 7) -> int:
    return URGENT if is_urgent(dossier, today, deadline_days) else NORMAL


def priority_of(ctx: Context, dossier_id: str, today: date | None = None) -> int:
    """read_priority of a stored dossier (URGENT or NORMAL), as of `today` (default: the clock's)."""
    with ctx.sessions() as s:
        dossier = s.get(Dossier, dossier_id)
        if dossier is None:
            return NORMAL
        return read_priority(dossier, today or date.today(), ctx.rules.deadline_days)


@dataclass(frozen=True, slots=True)
class Backlog:
    pages_waiting: int
    est_wait_seconds: int
    over_limit: bool  # more pages waiting than Settings.max_backlog_pages: uploads still queue, later

    def as_json(self) -> dict[str, int | bool]:
        return {
            "pages_waiting": self.pages_waiting,
            "est_wait_seconds": self.est_wait_seconds,
            "over_limit": self.over_limit,
        }


def backlog(ctx: Context, now: datetime | None = None) -> Backlog:
    """The pages waiting to be read and the wait a new upload can expect, from the recent rate of reading
    (or, with nothing read lately, SECONDS_PER_PAGE per live worker process)."""
    now = now or utcnow()
    with ctx.sessions() as s:
        waiting = work.pages_waiting(s)
        recent = work.pages_finished_since(s, now - RATE_WINDOW) if waiting else 0
        workers = work.live_workers(s, now - LIVE) if waiting and not recent else 0
    if recent:
        wait = waiting * RATE_WINDOW.total_seconds() / recent
    else:
        wait = waiting * SECONDS_PER_PAGE / max(1, workers or ctx.settings.workers)
    return Backlog(waiting, round(wait), waiting > ctx.settings.max_backlog_pages)


def pages_per_task(pages_waiting: int, processes: int, most: int) -> int:
    """How many pages one read task carries: one while the readers would otherwise idle (an 8-page upload on
    an idle fleet is read by 8 processes at once), up to `most` once the queue holds more than
    TASKS_PER_PROCESS tasks for every reader process — a bulk import, where a batch costs one message, one
    claim and one save transaction instead of one per page, and every process still has work queued."""
    return max(1, min(most, pages_waiting // (max(1, processes) * TASKS_PER_PROCESS)))


def task_size(ctx: Context, now: datetime | None = None, s: Session | None = None) -> int:
    """pages_per_task for the queue as it is now: the pages waiting (this dossier's included) and the reader
    processes of the live workers (the configured `workers` when none beats yet). `s`: the caller's session,
    if it has one open."""
    now = now or utcnow()
    with nullcontext(s) if s is not None else ctx.sessions() as session:
        waiting = work.pages_waiting(session)
        processes = work.live_processes(session, now - LIVE)
    return pages_per_task(waiting, processes or ctx.settings.workers, ctx.settings.read_batch)
