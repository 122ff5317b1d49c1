"""The embedded worker pool: the lifecycle's page steps run in a process pool inside the `dossier` process,
no Redis.

Pages are read in `workers` processes (forkserver, or spawn where fork is unavailable: a forked child of a
process holding database connections and ONNX sessions is not safe), each with one OCR thread. With one worker
the pages are read in this process, which saves the pool's start-up (model loading) on small dossiers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import OperationalError

from intake.lifecycle.context import Context, process_context
from intake.lifecycle.finishing import finish_step
from intake.lifecycle.reading import (
    MAX_ATTEMPTS,
    PageOutcome,
    PageResult,
    claim_finish,
    pages_to_read,
    read_page_step,
)
from intake.lifecycle.register import register_paths
from intake.settings import Settings
from ocr.engines import get_engine

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
TRANSIENT_RETRIES = 3


def read_page_until_settled(ctx: Context, page_id: int) -> PageOutcome:
    """Run the page step until it is read or given up: the retries Celery would schedule, done in place."""
    transient = 0
    for _ in range(MAX_ATTEMPTS + TRANSIENT_RETRIES):
        try:
            outcome = read_page_step(ctx, page_id)
        except OperationalError:
            transient += 1
            if transient > TRANSIENT_RETRIES:
                raise
            time.sleep(0.5 * 2**transient)
            continue
        if outcome.result is not PageResult.RETRY:
            return outcome
    return outcome


def _start_worker(settings: Settings, engine: str) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one OCR thread per process: parallelism comes from processes
    get_engine(engine)  # builds the engine only: its models load when a page first needs them
    process_context(settings, engine)


def _start_warm_worker(settings: Settings, engine: str) -> None:
    """`_start_worker`, then the engine's models loaded now (a long-lived pool: the review UI's), so that
    the first upload's pages do not pay the load."""
    _start_worker(settings, engine)
    load = getattr(get_engine(engine), "warm", None)
    if load is not None:
        started = time.perf_counter()
        load()
        log.warning(
            "OCR worker %d warm: %s models loaded in %.1f s",
            os.getpid(),
            engine,
            time.perf_counter() - started,
        )


def _read_in_worker(settings: Settings, engine: str, page_id: int) -> PageOutcome:
    return read_page_until_settled(process_context(settings, engine), page_id)


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    # the fork server imports the pipeline once (no threads, no connections, no models yet: safe to fork)
    # and every worker starts from it, instead of each importing it again on the 2 cores the parent uses too
    ctx.set_forkserver_preload([__name__])
    return ctx


def _pool(ctx: Context, workers: int, *, warm: bool = False) -> ProcessPoolExecutor:
    """`warm`: each worker loads its OCR models as it starts (never for `dossier process`, whose text-layer
    input must not load them; see tests/ocr/test_lazy_models.py)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_start_warm_worker if warm else _start_worker,
        initargs=(ctx.settings, ctx.engine),
    )


def _ready() -> int:
    return os.getpid()


def read_pages(
    ctx: Context,
    page_ids: Sequence[int],
    *,
    workers: int,
    progress: Progress | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    """Read the given pages with `workers` processes; every page ends read or failed (recorded on it)."""
    total = len(page_ids)
    if pool is None and (workers <= 1 or total <= 1):
        for n, page_id in enumerate(page_ids, 1):
            read_page_until_settled(ctx, page_id)
            if progress:
                progress(n, total)
        return
    owned = pool is None
    pool = pool or _pool(ctx, min(workers, total))
    try:
        futures: list[Future[PageOutcome]] = [
            pool.submit(_read_in_worker, ctx.settings, ctx.engine, page_id) for page_id in page_ids
        ]
        for n, future in enumerate(as_completed(futures), 1):
            future.result()
            if progress:
                progress(n, total)
    finally:
        if owned:
            pool.shutdown()


def run_dossier(
    ctx: Context,
    dossier_id: str,
    *,
    workers: int,
    progress: Progress | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    """Read the dossier's outstanding pages, then assemble, check and hand it over to review."""
    read_pages(ctx, pages_to_read(ctx, dossier_id), workers=workers, progress=progress, pool=pool)
    claim_finish(ctx.sessions, dossier_id)  # False when the last page step already claimed it
    finish_step(ctx, dossier_id)


def process_embedded(
    ctx: Context,
    paths: Sequence[Path],
    *,
    as_of: date,
    pickup_date: date | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> str:
    """The whole pipeline for `paths`, the pages read by a pool of `workers` processes (1: this process)."""
    if workers <= 1:
        dossier_id = register_paths(ctx, paths, as_of=as_of, pickup_date=pickup_date)
        run_dossier(ctx, dossier_id, workers=1, progress=progress)
        return dossier_id
    with _pool(ctx, workers) as pool:
        # start the workers (each loads its models) while this process stores and splits the uploads
        for _ in range(workers):
            pool.submit(_ready)
        dossier_id = register_paths(ctx, paths, as_of=as_of, pickup_date=pickup_date)
        run_dossier(ctx, dossier_id, workers=workers, progress=progress, pool=pool)
    return dossier_id


class PagePool:
    """One process pool for many dossiers, kept for the life of a long-running intake (the watched folder).

    Starting a pool costs each worker its OCR model load (seconds); a watcher that started one per item
    paid it for every dossier. The pool is started at the first dossier with more than one page to read (a
    one-page item is read in this process) and kept until `close`. A pool broken by a dead worker is dropped
    and the next dossier starts a fresh one; the error still reaches the caller, whose item waits.
    """

    def __init__(self, ctx: Context, workers: int) -> None:
        self.ctx = ctx
        self.workers = workers
        self.starts = 0  # how many process pools were started: 1 for a watcher's life unless one broke
        self._pool: ProcessPoolExecutor | None = None

    def warm(self) -> list[Future[int]]:
        """Start the pool now, each worker loading its OCR models as it starts; returns at once.

        For a long-running process where uploads are expected (`dossier serve`): the first dossier's pages
        then go to workers that already hold their models. The futures end (with the workers' pids) when
        every worker is up and warm; a page submitted meanwhile waits for its worker to finish warming.
        """
        if self.workers <= 1 or self._pool is not None:
            return []
        self._pool = _pool(self.ctx, self.workers, warm=True)
        self.starts += 1
        # one task per worker makes the executor start every process (it spawns on demand otherwise)
        return [self._pool.submit(_ready) for _ in range(self.workers)]

    def _for(self, pages: int) -> ProcessPoolExecutor | None:
        if self.workers <= 1 or (pages <= 1 and self._pool is None):
            return None
        if self._pool is None:
            self._pool = _pool(self.ctx, self.workers)
            self.starts += 1
        return self._pool

    def run_dossier(self, ctx: Context, dossier_id: str, *, progress: Progress | None = None) -> None:
        """`run_dossier` with this pool's processes (started now if needed, kept afterwards)."""
        page_ids = pages_to_read(ctx, dossier_id)
        try:
            read_pages(ctx, page_ids, workers=self.workers, progress=progress, pool=self._for(len(page_ids)))
        except BrokenProcessPool:
            self.close()
            raise
        claim_finish(ctx.sessions, dossier_id)
        finish_step(ctx, dossier_id)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()
