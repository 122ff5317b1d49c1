"""The Celery app, configured from the environment (`celery -A workers.app worker` / `dossier worker`).

Reliability settings, and why:
- acks_late + task_reject_on_worker_lost + prefetch 1: a task is acknowledged only after it ran, so a worker
  that dies mid-page hands the page to another worker instead of losing it (steps are idempotent).
- JSON only: tasks carry primary keys, never pickled objects.
- a short publish retry policy: `dossier submit` with Redis down fails in seconds with a clear error; the
  dossier is already stored and is queued again at the next worker start-up.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

from workers.config import LIGHT_QUEUE, OCR_QUEUE, WorkerSettings

PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 1.0}
UNCONFIGURED_BROKER = "memory://"  # importing the app without DOSSIER_BROKER_URL must not try to connect


def make_app(settings: WorkerSettings | None = None) -> Celery:
    settings = settings or WorkerSettings.from_env()
    app = Celery("dossier", broker=settings.broker_url or UNCONFIGURED_BROKER, include=["workers.tasks"])
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.page_soft_limit,
        task_time_limit=settings.page_hard_limit,
        task_queues=(Queue(OCR_QUEUE), Queue(LIGHT_QUEUE)),
        task_default_queue=LIGHT_QUEUE,
        task_routes={"workers.tasks.read_page": {"queue": OCR_QUEUE}},
        task_publish_retry=True,
        task_publish_retry_policy=PUBLISH_RETRY_POLICY,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
            "max_retries": PUBLISH_RETRY_POLICY["max_retries"],
        },
        worker_max_memory_per_child=int(os.environ.get("DOSSIER_WORKER_MAX_MEMORY_KB") or 0) or None,
        worker_hijack_root_logger=False,
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            "deadline-reminders": {"task": "workers.tasks.deadline_reminders", "schedule": 24 * 3600.0},
            "missing-info-notices": {"task": "workers.tasks.missing_info_notices", "schedule": 15 * 60.0},
            "recover-stale": {"task": "workers.tasks.recover", "schedule": settings.stale_minutes * 60.0},
        },
    )
    return app


app = make_app()
