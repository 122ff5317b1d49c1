"""Starting the reading of an uploaded dossier without holding up the request: the UI's choice of runner.

With a broker configured (ctx.settings.broker_url) the pages go to the Celery workers
(workers.submit.enqueue_dossier). Without one, the embedded runner reads them in this process on one
background thread: OCR needs the CPU, so uploads are read one after the other rather than competing with each
other and with the web requests.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from intake.lifecycle.context import Context
from intake.lifecycle.recovery import dossiers_to_resume

log = logging.getLogger(__name__)
_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-reader")


def _read_embedded(ctx: Context, dossier_id: str) -> None:
    from workers.embedded import run_dossier

    try:
        run_dossier(ctx, dossier_id, workers=1)
    except Exception:  # a background failure must be logged, the pages carry their own errors
        log.exception("reading dossier %s failed", dossier_id)


def start_reading(ctx: Context, dossier_id: str) -> Future[None] | None:
    """Queue the dossier's pages; returns the background job in embedded mode (None with Celery).

    Raises workers.submit.BrokerUnavailableError when the broker is configured but down (the dossier is
    stored and will be queued when a worker starts).
    """
    if ctx.settings.broker_url:
        from workers.submit import enqueue_dossier

        enqueue_dossier(ctx, dossier_id)
        return None
    return _reader.submit(_read_embedded, ctx, dossier_id)


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
