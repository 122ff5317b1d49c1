"""Claims tied to live workers: every Celery worker beats in the database, and takes up the pages of the
workers that stopped beating.

Why: a worker killed with its host (SIGKILL of the worker and its pool) acknowledges nothing, so Redis hands
its tasks to another worker only after the visibility timeout (an hour), and the 15-minute stale window of the
start-up recovery needs a restart or beat to run. Here each worker process tree has an identity (`worker_id`,
set in the main process before the pool forks, so every pool child claims pages under it); a thread in the
main process writes a beat every BEAT_EVERY seconds and, every RECLAIM_EVERY seconds, hands back and queues
again the pages claimed by workers silent for STALE_AFTER (storage.work.reclaim_orphans). A worker killed
mid-page is thus read again within STALE_AFTER + RECLAIM_EVERY (90 s) by any worker alive or started later,
with the default settings and no beat. A late duplicate (the original message, redelivered after the
visibility timeout) finds the page read and does nothing.

The thread uses its own engine without a pool (one short connection per beat): nothing in the main process
holds a connection that the pool's forked children could inherit.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from intake.lifecycle.recovery import orphaned_pages, worker_alive, worker_stopped
from intake.settings import Settings
from storage.db import make_engine, make_session_factory

log = logging.getLogger(__name__)
BEAT_EVERY = 10.0  # seconds between beats
STALE_AFTER = timedelta(seconds=60)  # a worker silent this long is taken as dead
RECLAIM_EVERY = 30.0  # seconds between looks for dead workers' pages

_worker_id: str | None = None
Requeue = Callable[[Celery, Sequence[int]], None]  # workers.tasks.queue_pages


def worker_id() -> str | None:
    """The identity pages are claimed under in this process (None outside a Celery worker)."""
    return _worker_id


def new_worker_id(node: str | None = None) -> str:
    """Unique per start: a worker restarted under the same node name must not inherit a dead one's claims."""
    return f"{node or socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def _sessions(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings.database_url, poolclass=NullPool))


class Heartbeat:
    """The beating and reclaiming thread of one worker (see the module's docstring)."""

    def __init__(
        self, app: Celery, settings: Settings, name: str, requeue: Requeue, processes: int | None = None
    ) -> None:
        self.app, self.name, self.requeue, self.processes = app, name, requeue, processes
        self.sessions = _sessions(settings)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="dossier-heartbeat", daemon=True)

    def beat(self) -> None:
        worker_alive(self.sessions, self.name, self.processes)

    def reclaim(self) -> list[int]:
        pages = orphaned_pages(self.sessions, stale_after=STALE_AFTER)
        if pages:
            self.requeue(self.app, pages)
            log.warning("heartbeat: %d pages of stopped workers queued again", len(pages))
        return pages

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout=BEAT_EVERY)
        try:
            worker_stopped(self.sessions, self.name)
        except Exception:  # a database gone at shutdown: the row goes stale and is cleaned up by others
            log.warning("heartbeat: could not remove the beat of %s", self.name, exc_info=True)

    def _run(self) -> None:
        waited = RECLAIM_EVERY  # reclaim at once: a replacement worker picks up what its predecessor held
        while not self.stopped.is_set():
            try:
                self.beat()
                if waited >= RECLAIM_EVERY:
                    waited = 0.0
                    self.reclaim()
            except Exception:  # the database or broker is away: keep beating when they are back
                log.warning("heartbeat of %s failed", self.name, exc_info=True)
            self.stopped.wait(BEAT_EVERY)
            waited += BEAT_EVERY


_heartbeat: Heartbeat | None = None


def on_worker_init(
    app: Celery, settings: Settings, node: str | None, requeue: Requeue, processes: int | None = None
) -> None:
    """Main process, before the pool forks: the identity, and a first beat before any page is claimed
    (with the pool's size, which the producers size their tasks by)."""
    global _worker_id, _heartbeat
    _worker_id = new_worker_id(node)
    _heartbeat = Heartbeat(app, settings, _worker_id, requeue, processes)
    try:
        _heartbeat.beat()
    except Exception:
        log.warning("first heartbeat of %s failed", _worker_id, exc_info=True)


def on_worker_ready(**_: Any) -> None:
    if _heartbeat is not None:
        _heartbeat.start()


def on_worker_shutdown(**_: Any) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
