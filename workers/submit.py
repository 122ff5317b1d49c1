"""Handing a stored dossier to the Celery workers, and waiting for them (`dossier submit`).

The dossier and its files are stored before anything is published, so a broker that is down loses nothing:
the dossier is left `received` and the next worker to start queues it (see intake.lifecycle.recovery).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from kombu.exceptions import OperationalError as BrokerError
from kombu.utils.url import maybe_sanitize_url
from redis.exceptions import RedisError

from intake.lifecycle.backlog import URGENT, read_priority, task_size
from intake.lifecycle.context import Context
from intake.lifecycle.reading import claim_finish
from intake.lifecycle.register import register_paths
from storage import repository as repo
from storage import work
from storage.models import DossierStatus, PageStatus

IN_PROGRESS = (DossierStatus.RECEIVED, DossierStatus.READING, DossierStatus.CHECKING)


class BrokerUnavailableError(RuntimeError):
    """The broker could not be reached; the dossier is stored and will be queued when a worker starts."""

    def __init__(self, broker_url: str, dossier_id: str, cause: BaseException) -> None:
        self.broker_url = maybe_sanitize_url(broker_url)
        self.dossier_id = dossier_id
        super().__init__(f"message broker unreachable at {self.broker_url}: {cause}")


def enqueue_dossier(ctx: Context, dossier_id: str, today: date | None = None) -> int:
    """Queue the outstanding pages (or the finish, if there are none); returns pages.

    A page a task while the readers would idle, batches of pages when a queue is waiting (backlog.task_size);
    an urgent dossier (due within backlog.URGENT_DAYS) is queued with the highest priority."""
    from workers import tasks  # Celery is imported only when a broker is used
    from workers.app import app_for

    app = app_for(ctx.settings)
    with ctx.sessions() as s:
        pages = repo.page_ids(s, dossier_id, status=PageStatus.PENDING)
        priority = read_priority(
            repo.get_dossier(s, dossier_id), today or date.today(), ctx.rules.deadline_days
        )
        # an urgent dossier's pages go one a task, ahead of the queue and to as many readers as are free
        per_task = task_size(ctx, s=s) if len(pages) > 1 and priority != URGENT else 1
    broker_url = str(app.conf.broker_url)
    try:
        # no probe of the broker first: publishing fails the same way (BrokerError, once the publish retry
        # policy is spent) on the producer pool's connection, which stays open across uploads
        tasks.queue_pages(app, pages, priority, per_task=per_task)
        if not pages and claim_finish(ctx.sessions, dossier_id):
            tasks.queue_finish(app, dossier_id)
    except (BrokerError, RedisError, OSError) as exc:
        with ctx.sessions.begin() as s:
            repo.set_status(s, dossier_id, DossierStatus.RECEIVED, reason=f"broker unreachable: {exc}")
        raise BrokerUnavailableError(broker_url, dossier_id, exc) from exc
    return len(pages)


def submit_dossier(
    ctx: Context, paths: Sequence[Path], *, as_of: date, pickup_date: date | None = None
) -> str:
    """Store the dossier, then queue it; raises BrokerUnavailableError (after storing) if Redis is down."""
    dossier_id = register_paths(ctx, paths, as_of=as_of, pickup_date=pickup_date)
    enqueue_dossier(ctx, dossier_id)
    return dossier_id


def wait_for(
    ctx: Context, dossier_id: str, *, timeout: float | None = None, poll: float = 0.5
) -> DossierStatus | None:
    """Poll the database until the workers are done with the dossier (or `timeout` seconds passed)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with ctx.sessions() as s:
            status = work.dossier_status(s, dossier_id)
        if status not in IN_PROGRESS or (deadline is not None and time.monotonic() >= deadline):
            return status
        time.sleep(poll)
