"""Starting the reading of an uploaded dossier without holding up the request: the UI's choice of runner.

With a broker configured (ctx.settings.broker_url) the pages go to the Celery workers
(workers.submit.enqueue_dossier). Without one, the embedded runner reads them in this process on one
background thread: OCR needs the CPU, so uploads are read one after the other rather than competing with each
other and with the web requests. The uploads waiting for that thread are taken most urgent first (due within
backlog.URGENT_DAYS, as the Celery workers' priorities do), then in the order they came: an urgent dossier
uploaded behind a morning's queue is read next, and a long dossier being read pauses for it between two pages.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from intake.lifecycle.backlog import priority_of
from intake.lifecycle.context import Context
from intake.lifecycle.recovery import dossiers_to_resume

if TYPE_CHECKING:
    from workers.embedded import PagePool

log = logging.getLogger(__name__)
_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-reader")


_pool: PagePool | None = None  # `dossier serve`'s worker processes (start_pool); None: read on the thread
# the uploads waiting for the reader thread: (priority, arrival, context, dossier id), the smallest first
_waiting: list[tuple[int, int, Context, str]] = []
_arrivals = itertools.count()
_waiting_lock = threading.Lock()


def _read_embedded(ctx: Context, dossier_id: str, stop: Callable[[], bool] | None = None) -> bool:
    """Read the dossier; False when `stop` paused it for a more urgent upload (its other pages wait)."""
    from workers.embedded import run_dossier

    try:
        if _pool is None:
            return run_dossier(ctx, dossier_id, workers=1, stop=stop)
        return _pool.run_dossier(ctx, dossier_id, stop=stop)
    except Exception:  # a background failure must be logged, the pages carry their own errors
        log.exception("reading dossier %s failed", dossier_id)
        return True


def _more_urgent_than(priority: int) -> bool:
    with _waiting_lock:
        return bool(_waiting) and _waiting[0][0] < priority


def _read_most_urgent() -> None:
    """One job of the reader thread: read the most urgent upload waiting now (not necessarily the one whose
    arrival queued this job: there is one job per upload, so every upload is read).

    A more urgent upload arriving meanwhile pauses it between two pages: it goes back to the queue in its
    place and a job is queued for it again, so the urgent one waits for the pages in flight, not for the
    rest of a long dossier."""
    with _waiting_lock:
        if not _waiting:
            return
        entry = heapq.heappop(_waiting)
    priority, _, ctx, dossier_id = entry
    if not _read_embedded(ctx, dossier_id, stop=lambda: _more_urgent_than(priority)):
        with _waiting_lock:
            heapq.heappush(_waiting, entry)
        _reader.submit(_read_most_urgent)


def start_pool(ctx: Context) -> Future[object] | None:
    """Embedded mode in a long-running UI: read uploads with `ctx.settings.workers` processes, started and
    warmed (OCR models loaded) in the background now, so the first upload pays neither. Returns at once;
    the job ends when the workers are started (they report warm in the log). None with a broker or 1 worker.
    """
    global _pool
    if ctx.settings.broker_url or ctx.settings.workers <= 1 or _pool is not None:
        return None
    from workers.embedded import PagePool

    _pool = PagePool(ctx, ctx.settings.workers)
    return _reader.submit(_pool.warm)  # the reader thread: the fork server's start does not hold up serve


def stop_pool() -> None:
    """Stop `dossier serve`'s worker processes with it: a stopped UI must leave no reader behind."""
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


def start_reading(ctx: Context, dossier_id: str) -> Future[None] | None:
    """Queue the dossier's pages; returns the background job in embedded mode (None with Celery): it reads
    the most urgent upload waiting when the reader thread gets to it, this one or another.

    Raises workers.submit.BrokerUnavailableError when the broker is configured but down (the dossier is
    stored and will be queued when a worker starts).
    """
    if ctx.settings.broker_url:
        from workers.submit import enqueue_dossier

        enqueue_dossier(ctx, dossier_id)
        return None
    priority = priority_of(ctx, dossier_id)
    with _waiting_lock:
        heapq.heappush(_waiting, (priority, next(_arrivals), ctx, dossier_id))
    return _reader.submit(_read_most_urgent)


def resume_unfinished(ctx: Context) -> list[str]:
    """Embedded mode: read again what an earlier run of this process left half-done (a crash, a stop).

    With Celery the workers do this themselves when they start (workers.tasks recover); here the UI process
    is the only worker, so nothing of another process can be in flight: every unfinished dossier is resumed.
    """
    if ctx.settings.broker_url:
        return []
    dossiers = dossiers_to_resume(ctx.sessions)
    for dossier_id in dossiers:
        start_reading(ctx, dossier_id)
    if dossiers:
        log.warning("resumed %d unfinished dossier(s) left by an earlier run", len(dossiers))
    return dossiers
