"""The embedded worker pool: the lifecycle's page steps run in a process pool inside the `dossier` process,
no Redis.

`dossier process --workers N` reads in this process and in N - 1 processes forked from it before it opens a
connection or loads a model (they load their OCR models while this one stores the uploads, when the uploads
hold scans); a long-running process (`dossier serve`, `dossier watch`: `PagePool`) keeps N processes started
by a fork server, since it may hold connections and ONNX sessions when it starts them. Pages are handed out
one at a time, biggest first, to whichever reader is free. Each reader runs one OCR thread. With one worker
the pages are read in this process, which saves the pool's start-up (model loading) on small dossiers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from intake.files.kinds import PAGE_KINDS, SNIFF_BYTES, sniff
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
from storage.models import Page, StoredFile

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
TRANSIENT_RETRIES = 3
IMAGE_KINDS = frozenset(PAGE_KINDS) - {"pdf"}


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
    seconds = _load_models(engine)
    log.warning("OCR worker %d warm: %s models loaded in %.1f s", os.getpid(), engine, seconds)


def _load_models(engine: str) -> float:
    """Load the engine's models now, if it has any to load; the seconds it took."""
    started = time.perf_counter()
    load = getattr(get_engine(engine), "warm", None)
    if load is not None:
        load()
    return time.perf_counter() - started


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


@dataclass(frozen=True, slots=True)
class PageCost:
    """What is known of a page before it is read, to guess what reading it costs."""

    page_id: int
    kind: str  # of its stored file: "pdf", "jpeg", "png", "tiff", "bmp"
    bytes_per_page: int


def biggest_first(pages: Sequence[PageCost]) -> list[int]:
    """Page ids in the order to hand them out: the costliest guess first (longest-processing-time first).

    Readers take the next page when they are free, so whatever is read last decides how long the other
    reader idles at the end. A page of an image file is always OCR (seconds); a PDF page is often a text
    layer (a tenth of that), so PDF pages come last, and within each kind more bytes a page first.
    """
    return [p.page_id for p in sorted(pages, key=lambda p: (p.kind == "pdf", -p.bytes_per_page, p.page_id))]


def _in_reading_order(ctx: Context, page_ids: Sequence[int]) -> list[int]:
    with ctx.sessions() as s:
        rows = s.execute(
            select(Page.id, StoredFile.kind, StoredFile.size, StoredFile.page_count)
            .join(StoredFile, Page.file_id == StoredFile.id)
            .where(Page.id.in_(page_ids))
        ).all()
    costs = [PageCost(i, kind or "", size // max(count, 1)) for i, kind, size, count in rows]
    known = {c.page_id for c in costs}
    return biggest_first(costs) + [i for i in page_ids if i not in known]  # none expected: read last


class _Pages:
    """The pages still to read, handed out one at a time to whichever reader is free (this process or a
    pool process): no reader holds pages it has not started while another has nothing left, so the idle
    tail is at most the last page being read."""

    def __init__(
        self, page_ids: Sequence[int], progress: Progress | None, stop: Callable[[], bool] | None = None
    ) -> None:
        self._todo = deque(page_ids)
        self._total = len(page_ids)
        self._done = 0
        self._progress = progress
        self._stop = stop
        self._lock = threading.Lock()
        self.errors: list[BaseException] = []
        self.stopped = False  # `stop` said so while pages were left: they stay unread, for later

    def take(self) -> int | None:
        with self._lock:
            if not self._todo or self.errors:
                return None
            if self._stop is not None and self._stop():
                self.stopped = True
                return None
            return self._todo.popleft()

    def done(self) -> None:
        with self._lock:  # the progress bar is called from one reader at a time
            self._done += 1
            if self._progress:
                self._progress(self._done, self._total)

    def failed(self, exc: BaseException) -> None:
        """A reader could not settle a page (the database is gone, a worker died): every reader stops."""
        with self._lock:
            self.errors.append(exc)


def _feed(pool: ProcessPoolExecutor, ctx: Context, pages: _Pages) -> None:
    """Keep one pool process busy: one page in flight at a time, the next taken when it is done."""
    try:
        while (page_id := pages.take()) is not None:
            pool.submit(_read_in_worker, ctx.settings, ctx.engine, page_id).result()
            pages.done()
    except BaseException as exc:
        pages.failed(exc)


def _read_here(ctx: Context, pages: _Pages) -> None:
    try:
        while (page_id := pages.take()) is not None:
            read_page_until_settled(ctx, page_id)
            pages.done()
    except BaseException as exc:
        pages.failed(exc)


def _read_shared(
    ctx: Context,
    page_ids: Sequence[int],
    *,
    pool: ProcessPoolExecutor,
    pool_workers: int,
    here: bool,
    progress: Progress | None,
    stop: Callable[[], bool] | None = None,
) -> bool:
    """Read the pages with `pool_workers` pool processes and (`here`) this process, biggest first; False
    when `stop` ended the hand-out with pages left (the pages in flight are read to the end)."""
    pages = _Pages(_in_reading_order(ctx, page_ids), progress, stop)
    feeders = [
        threading.Thread(target=_feed, args=(pool, ctx, pages), name=f"page-feeder-{n}", daemon=True)
        for n in range(pool_workers)
    ]
    for feeder in feeders:
        feeder.start()
    if here:
        _read_here(ctx, pages)
    for feeder in feeders:
        feeder.join()
    if pages.errors:
        raise pages.errors[0]
    return not pages.stopped


def read_pages(
    ctx: Context,
    page_ids: Sequence[int],
    *,
    workers: int,
    progress: Progress | None = None,
    pool: ProcessPoolExecutor | None = None,
    stop: Callable[[], bool] | None = None,
) -> bool:
    """Read the given pages with `workers` readers; every page ends read or failed (recorded on it), unless
    `stop`, asked before each page is handed out, says to stop: then False, the rest left unread.

    With a `pool` (a long-running process's: the review UI, the watched folder) its `workers` processes
    read and this process only hands out pages. Without one, this process is one of the readers and a pool
    of `workers - 1` processes is started for the others (a short-lived `dossier process`).
    """
    total = len(page_ids)
    if pool is None and (workers <= 1 or total <= 1):
        for n, page_id in enumerate(page_ids, 1):
            if stop is not None and stop():
                return False
            read_page_until_settled(ctx, page_id)
            if progress:
                progress(n, total)
        return True
    if pool is not None:
        return _read_shared(
            ctx, page_ids, pool=pool, pool_workers=workers, here=False, progress=progress, stop=stop
        )
    helpers = min(workers, total) - 1
    with _pool(ctx, helpers) as owned:
        return _read_shared(
            ctx, page_ids, pool=owned, pool_workers=helpers, here=True, progress=progress, stop=stop
        )


def run_dossier(
    ctx: Context,
    dossier_id: str,
    *,
    workers: int,
    progress: Progress | None = None,
    pool: ProcessPoolExecutor | None = None,
    stop: Callable[[], bool] | None = None,
) -> bool:
    """Read the dossier's outstanding pages, then assemble, check and hand it over to review; False, and
    no finish, when `stop` paused the reading (read_pages): running it again reads the rest."""
    page_ids = pages_to_read(ctx, dossier_id)
    if not read_pages(ctx, page_ids, workers=workers, progress=progress, pool=pool, stop=stop):
        return False
    claim_finish(ctx.sessions, dossier_id)  # False when the last page step already claimed it
    finish_step(ctx, dossier_id)
    return True


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
    # this process is one of the readers; the others start now, and load their OCR models while this
    # process stores the uploads when the uploads are scans (a text-layer PDF must not load them)
    with _forked_pool(ctx, workers - 1, warm=surely_ocr(paths)) as pool:
        dossier_id = register_paths(ctx, paths, as_of=as_of, pickup_date=pickup_date)
        page_ids = pages_to_read(ctx, dossier_id)
        if page_ids:
            _read_shared(ctx, page_ids, pool=pool, pool_workers=workers - 1, here=True, progress=progress)
        claim_finish(ctx.sessions, dossier_id)  # False when the last page step already claimed it
        finish_step(ctx, dossier_id)
    return dossier_id


SNIFF_FILES = 200
"""At most this many files are sniffed to tell whether an upload holds scans (bounds a huge folder)."""


def surely_ocr(paths: Sequence[Path]) -> bool:
    """True when one of the files (or of the folders' files) is an image by its first bytes: its pages are
    read by OCR whatever else comes, so loading the OCR models early is never wasted. PDFs and ZIPs say
    nothing without being opened (a PDF may carry a text layer) and count as unknown."""
    seen = 0
    for path in paths:
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if seen >= SNIFF_FILES:
                return False
            if not f.is_file():
                continue
            seen += 1
            try:
                with f.open("rb") as stream:
                    head = stream.read(SNIFF_BYTES)
            except OSError:
                continue  # the ingest reports it
            if sniff(head) in IMAGE_KINDS:
                return True
    return False


def _forked_pool(ctx: Context, workers: int, *, warm: bool) -> ProcessPoolExecutor:
    """The pool of a short-lived `dossier process`, its processes forked from this one now, before it opens
    a database connection or loads a model.

    A fork starts in milliseconds with every module already imported, where the fork server first imports
    the pipeline again (over a second of one core, while the other core waits with nothing to read yet).
    It is safe here because the child inherits no live state: this process's connections are closed first
    (and the child drops any it still sees, SQLAlchemy's recipe), it has loaded no OCR model (they load on
    a page's first need), and it runs no thread of its own yet. Without fork: the fork server's pool.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        pool = _pool(ctx, workers, warm=warm)
    else:
        ctx.sessions.kw["bind"].dispose()  # no open connection of this process is copied into the child
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_forked_warm_worker if warm else _start_forked_worker,
            initargs=(ctx.settings, ctx.engine),
        )
    for _ in range(workers):
        pool.submit(_ready)  # the processes start now (a fork pool starts them all at the first submit)
    return pool


def _start_forked_worker(settings: Settings, engine: str) -> None:
    # a context this process inherited must not use the parent's connections: drop them without closing
    process_context(settings, engine).sessions.kw["bind"].dispose(close=False)
    _start_worker(settings, engine)


def _start_forked_warm_worker(settings: Settings, engine: str) -> None:
    _start_forked_worker(settings, engine)
    log.info("OCR worker %d: models loaded in %.1f s", os.getpid(), _load_models(engine))


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

    def run_dossier(
        self,
        ctx: Context,
        dossier_id: str,
        *,
        progress: Progress | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> bool:
        """`run_dossier` with this pool's processes (started now if needed, kept afterwards)."""
        page_ids = pages_to_read(ctx, dossier_id)
        try:
            pool = self._for(len(page_ids))
            if not read_pages(ctx, page_ids, workers=self.workers, progress=progress, pool=pool, stop=stop):
                return False
        except BrokenProcessPool:
            self.close()
            raise
        claim_finish(ctx.sessions, dossier_id)
        finish_step(ctx, dossier_id)
        return True

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
