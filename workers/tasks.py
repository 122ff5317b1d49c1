"""Celery tasks: thin wrappers that turn the steps of workers.steps into messages carrying primary keys.

`read_page` runs on the `ocr` queue (one task per page, so the pages of a dossier are read in parallel); the
others are light and run on the `light` queue.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from celery import Task
from celery.signals import worker_ready
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError as DatabaseError

from workers import periodic
from workers.app import app
from workers.config import LIGHT_QUEUE, OCR_QUEUE, WorkerSettings
from workers.steps import PageResult, finish_step, read_page_step, stale_work, worker_context

log = logging.getLogger(__name__)
TRANSIENT = (DatabaseError, BrokerError, RedisConnectionError, ConnectionError)
RETRY_OPTIONS: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}


@app.task(name="workers.tasks.read_page", bind=True, **RETRY_OPTIONS)
def read_page(self: Task, page_id: int) -> str:
    outcome = read_page_step(worker_context(), page_id)
    if outcome.result is PageResult.RETRY:
        # The page itself failed (bad render, engine error, soft time limit) and has attempts left.
        raise self.retry(countdown=2 ** (self.request.retries + 1), max_retries=None)
    if outcome.finish and outcome.dossier_id is not None:
        finish.apply_async((outcome.dossier_id,), queue=LIGHT_QUEUE)
    return outcome.result.value


@app.task(name="workers.tasks.finish", **RETRY_OPTIONS)
def finish(dossier_id: str) -> bool:
    return finish_step(worker_context(), dossier_id)


def enqueue_pages(page_ids: list[int] | tuple[int, ...]) -> None:
    for page_id in page_ids:
        read_page.apply_async((page_id,), queue=OCR_QUEUE)


@app.task(name="workers.tasks.recover", **RETRY_OPTIONS)
def recover() -> dict[str, int]:
    """Queue again what a crash left behind (see steps.stale_work)."""
    minutes = WorkerSettings.from_env().stale_minutes
    work = stale_work(worker_context().sessions, older_than=timedelta(minutes=minutes))
    enqueue_pages(work.pages)
    for dossier_id in work.finish:
        finish.apply_async((dossier_id,), queue=LIGHT_QUEUE)
    if work.pages or work.finish:
        log.warning("recovery: queued %d pages and %d dossiers again", len(work.pages), len(work.finish))
    return {"pages": len(work.pages), "finish": len(work.finish)}


@app.task(name="workers.tasks.deadline_reminders", **RETRY_OPTIONS)
def deadline_reminders() -> int:
    return len(periodic.remind_deadlines(worker_context(), date.today()))


@app.task(name="workers.tasks.missing_info_notices", **RETRY_OPTIONS)
def missing_info_notices() -> int:
    return len(periodic.send_due_notices(worker_context()))


@worker_ready.connect
def _recover_at_start_up(sender: Any = None, **_: Any) -> None:
    """Dossiers stored while no worker (or no broker) was up are queued as soon as a worker is ready."""
    try:
        recover()
    except Exception:  # a worker that cannot recover still serves the queue; beat retries later
        log.exception("recovery at start-up failed")
