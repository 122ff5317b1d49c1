"""The Celery app, built on demand from the Settings (`dossier worker` / `dossier beat` / `dossier submit`).

Nothing is built at import. `celery -A workers.app worker` still works: the module attribute `app` is built
from the environment when Celery first asks for it.

Reliability settings, and why:
- acks_late + task_reject_on_worker_lost + prefetch 1: a task is acknowledged only after it ran, so a worker
  that dies mid-page hands the page to another worker instead of losing it (steps are idempotent).
- JSON only: tasks carry primary keys, never pickled objects.
- strict priorities (Redis: 0 first, `task_default_priority` NORMAL): an urgent dossier's pages
  (intake.lifecycle.backlog.read_priority) are read ahead of a bulk import already queued.
- a short publish retry policy: `dossier submit` with Redis down fails in seconds with a clear error; the
  dossier is already stored and is queued again at the next worker start-up.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from celery import Celery
from kombu import Queue

from intake.lifecycle.backlog import NORMAL
from intake.settings import Settings

OCR_QUEUE = "ocr"
LIGHT_QUEUE = "light"
READ_PAGE = "workers.tasks.read_page"
READ_PAGES = "workers.tasks.read_pages"
FINISH = "workers.tasks.finish"
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 1.0}
UNCONFIGURED_BROKER = "memory://"  # an app built without DOSSIER_BROKER_URL must not try to connect


class DossierCelery(Celery):
    """A Celery app that carries the Settings it was built from: its tasks build the process context
    (intake.lifecycle.process_context) from them, never from the environment."""

    settings: Settings


def make_app(settings: Settings) -> DossierCelery:
    app = DossierCelery(
        "dossier", broker=settings.broker_url or UNCONFIGURED_BROKER, include=["workers.tasks"]
    )
    app.settings = settings
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
        task_routes={READ_PAGE: {"queue": OCR_QUEUE}, READ_PAGES: {"queue": OCR_QUEUE}},
        task_default_priority=NORMAL,
        task_publish_retry=True,
        task_publish_retry_policy=PUBLISH_RETRY_POLICY,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
            "max_retries": PUBLISH_RETRY_POLICY["max_retries"],
            "priority_steps": list(range(10)),  # each priority a list of its own, popped 0 first
            "sep": ":",
            "queue_order_strategy": "priority",
        },
        worker_max_memory_per_child=settings.worker_max_memory_kb,
        worker_hijack_root_logger=False,
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            "deadline-reminders": {"task": "workers.tasks.deadline_reminders", "schedule": 24 * 3600.0},
            "missing-info-notices": {"task": "workers.tasks.missing_info_notices", "schedule": 15 * 60.0},
            "dormant-customers": {"task": "workers.tasks.mark_dormant_customers", "schedule": 24 * 3600.0},
            "recover-stale": {"task": "workers.tasks.recover", "schedule": settings.stale_minutes * 60.0},
        },
    )
    return app


@cache
def app_for(settings: Settings) -> DossierCelery:
    """One app per process and settings (publishing reuses its connection pool)."""
    return make_app(settings)


def __getattr__(name: str) -> Any:
    """`celery -A workers.app`: the app of the environment's settings, built when first asked for."""
    if name in ("app", "celery"):
        return app_for(Settings.from_env())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
