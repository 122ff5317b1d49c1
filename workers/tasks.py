"""Celery tasks: thin wrappers that turn messages carrying primary keys into calls of the lifecycle.

`read_page` runs on the `ocr` queue (one task per page, so the pages of a dossier are read in parallel); the
others are light and run on the `light` queue. Registered with `shared_task`, so they belong to whichever app
workers.app builds; each finds its Settings on that app.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from celery import Celery, Task, shared_task
from celery.signals import worker_init, worker_ready, worker_shutdown
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError as DatabaseError

from intake.lifecycle.backlog import NORMAL, URGENT
from intake.lifecycle.context import Context, process_context
from intake.lifecycle.customers import mark_dormant
from intake.lifecycle.finishing import finish_step
from intake.lifecycle.reading import PageResult, read_batch_step, read_page_step
from intake.lifecycle.recovery import stale_work
from intake.lifecycle.scheduled import remind_deadlines, send_due_notices
from workers import heartbeat
from workers.app import FINISH, LIGHT_QUEUE, OCR_QUEUE, READ_PAGE, READ_PAGES

log = logging.getLogger(__name__)
TRANSIENT = (DatabaseError, BrokerError, RedisConnectionError, ConnectionError)
RETRY_OPTIONS: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}


def _context(app: Celery) -> Context:
    return process_context(app.settings)  # type: ignore[attr-defined]


@shared_task(name=READ_PAGE, bind=True, **RETRY_OPTIONS)
def read_page(self: Task, page_id: int) -> str:
    outcome = read_page_step(_context(self.app), page_id, worker=heartbeat.worker_id())
    if outcome.result is PageResult.RETRY:
        # The page itself failed (bad render, engine error, soft time limit) and has attempts left.
        raise self.retry(countdown=2 ** (self.request.retries + 1), max_retries=None)
    if outcome.finish and outcome.dossier_id is not None:
        finish_here(self.app, outcome.dossier_id)
    return outcome.result.value


@shared_task(name=READ_PAGES, bind=True, **RETRY_OPTIONS)
def read_pages(self: Task, page_ids: list[int]) -> dict[str, int]:
    """A batch of pages (a bulk import, see backlog.pages_per_task), read as read_page reads each: a page
    that failed with attempts left is tried again alone, later; a dossier whose last page this read is
    finished."""
    outcomes = read_batch_step(_context(self.app), page_ids, worker=heartbeat.worker_id())
    for page_id, outcome in zip(page_ids, outcomes, strict=True):
        if outcome.result is PageResult.RETRY:
            self.app.send_task(READ_PAGE, (page_id,), queue=OCR_QUEUE, countdown=2)
        if outcome.finish and outcome.dossier_id is not None:
            finish_here(self.app, outcome.dossier_id)
    return dict(Counter(outcome.result.value for outcome in outcomes))


def finish_here(app: Celery, dossier_id: str) -> None:
    """Finish the dossier whose last page this process just read, at once: no message, no second look-up
    of its state. Should it fail (the database away), the finish task is queued instead and retries; the
    dossier stays `checking` meanwhile, where recovery also finds it."""
    try:
        finish_step(_context(app), dossier_id)
    except Exception:
        log.warning("finishing %s after its last page failed: queued instead", dossier_id, exc_info=True)
        queue_finish(app, dossier_id)


@shared_task(name=FINISH, bind=True, **RETRY_OPTIONS)
def finish(self: Task, dossier_id: str) -> bool:
    return finish_step(_context(self.app), dossier_id)


def queue_pages(app: Celery, page_ids: Sequence[int], priority: int = NORMAL, per_task: int = 1) -> None:
    """One task per page, or per `per_task` pages in their order (intake.lifecycle.backlog.task_size): a
    batch's time limits are its pages' limits added up."""
    if per_task <= 1:
        for page_id in page_ids:
            app.send_task(READ_PAGE, (page_id,), queue=OCR_QUEUE, priority=priority)
        return
    settings = app.settings  # type: ignore[attr-defined]
    for start in range(0, len(page_ids), per_task):
        batch = list(page_ids[start : start + per_task])
        app.send_task(
            READ_PAGES,
            (batch,),
            queue=OCR_QUEUE,
            priority=priority,
            soft_time_limit=settings.page_soft_limit * len(batch),
            time_limit=settings.page_hard_limit * len(batch),
        )


def queue_finish(app: Celery, dossier_id: str) -> None:
    """Finishing is short and makes a dossier review-ready: it goes ahead of every page waiting (priority 0
    is popped first on every queue), so a long bulk import never holds back the dossiers already read."""
    app.send_task(FINISH, (dossier_id,), queue=LIGHT_QUEUE, priority=URGENT)


def recover_on(app: Celery) -> dict[str, int]:
    """Queue again what a crash left behind (see intake.lifecycle.recovery.stale_work)."""
    ctx = _context(app)
    work = stale_work(ctx.sessions, older_than=timedelta(minutes=ctx.settings.stale_minutes))
    queue_pages(app, work.pages)
    for dossier_id in work.finish:
        queue_finish(app, dossier_id)
    if work.pages or work.finish:
        log.warning("recovery: queued %d pages and %d dossiers again", len(work.pages), len(work.finish))
    return {"pages": len(work.pages), "finish": len(work.finish)}


@shared_task(name="workers.tasks.recover", bind=True, **RETRY_OPTIONS)
def recover(self: Task) -> dict[str, int]:
    return recover_on(self.app)


@shared_task(name="workers.tasks.deadline_reminders", bind=True, **RETRY_OPTIONS)
def deadline_reminders(self: Task) -> int:
    return len(remind_deadlines(_context(self.app), date.today()))


@shared_task(name="workers.tasks.missing_info_notices", bind=True, **RETRY_OPTIONS)
def missing_info_notices(self: Task) -> int:
    return len(send_due_notices(_context(self.app)))


@shared_task(name="workers.tasks.mark_dormant_customers", bind=True, **RETRY_OPTIONS)
def mark_dormant_customers(self: Task) -> int:
    """Daily: customers without archiving or change for three years become dormant (002)."""
    return len(mark_dormant(_context(self.app), date.today()))


@worker_init.connect
def _identify(sender: Any = None, **_: Any) -> None:
    """Before the pool forks: the identity this worker claims pages under, and its first beat."""
    heartbeat.on_worker_init(
        sender.app,
        sender.app.settings,
        getattr(sender, "hostname", None),
        queue_pages,
        getattr(sender, "concurrency", None),
    )


worker_shutdown.connect(heartbeat.on_worker_shutdown)


@worker_ready.connect
def _recover_at_start_up(sender: Any = None, **_: Any) -> None:
    """Dossiers stored while no worker (or no broker) was up are queued as soon as a worker is ready."""
    try:
        recover_on(sender.app)
    except Exception:  # a worker that cannot recover still serves the queue; beat retries later
        log.exception("recovery at start-up failed")
    heartbeat.on_worker_ready()  # beats from now on, and takes up the pages of workers that stopped
