"""Reading a page: claim it, draw it, read it, store the reading and the upright image; and the page step the
worker runners repeat until the page is read or given up.

Idempotent: a page read twice (a redelivered task, a worker that died after saving) ends the same. A page
that failed is tried again up to MAX_ATTEMPTS times, then stays failed with its error for the reviewer.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from intake.files import IngestedFile, page_image, pdf_render_scale
from intake.lifecycle.context import Context, data_ring
from intake.lifecycle.logs import dossier_context
from intake.settings import Settings
from ocr.reader import read_page
from ocr.textlayer import read_text_layer
from ocr.types import PageReading, TextLine
from storage import repository as repo
from storage import sealed_files, work
from storage.models import PageStatus, StoredFile

log = logging.getLogger(__name__)
RENDER_DPI = 200  # PDF pages: enough for OCR of 8-pt CJK text; higher costs time for no accuracy
MAX_ATTEMPTS = 3


def page_image_path(settings: Settings, dossier_id: str, page_id: int) -> Path:
    """Where the upright page image the reviewer sees (and every box refers to) is kept."""
    return settings.data_dir / "pages" / dossier_id / f"{page_id}.jpg"


def _ingested(ctx: Context, f: StoredFile) -> IngestedFile:
    stored_path, content = ctx.store.load(f.sha256 or "")  # sealed at rest: the readers open it in memory
    return IngestedFile(
        name=f.name,
        sha256=f.sha256 or "",
        kind=f.kind or "",
        size=f.size or 0,
        page_count=f.page_count or 0,
        stored_path=stored_path,
        content=content,
    )


def _text_layer(f: IngestedFile, page_no: int) -> list[TextLine] | None:
    if f.kind != "pdf":
        return None
    return read_text_layer(f.source(), page_no, pdf_render_scale(f, page_no, RENDER_DPI))


def read_one(ctx: Context, f: IngestedFile, page_no: int) -> tuple[PageReading, Any]:
    """Read a page of a stored file (no database): the reading and the upright image."""
    image: Image.Image = page_image(f, page_no, dpi=RENDER_DPI, limits=ctx.limits)
    return read_page(image, text_layer=_text_layer(f, page_no), engine=ctx.engine)


@dataclass(frozen=True, slots=True)
class Claim:
    """A page this worker now reads: where it is stored, and the how-manyth attempt this is."""

    page_id: int
    dossier_id: str
    page_no: int
    attempts: int
    stored: StoredFile  # detached: read after the claim's commit


def claim(ctx: Context, page_id: int, worker: str | None = None) -> Claim | None:
    """One transaction: the page marked `reading` (by `worker`), its stored file found; None when there is
    nothing to do (already read, or given up after MAX_ATTEMPTS)."""
    with ctx.sessions.begin() as s:
        unread = work.claim_unread(s, page_id, max_attempts=MAX_ATTEMPTS, worker=worker)  # one statement
        if unread is not None:
            return _claim_of(unread)
        page = repo.claim_page(s, page_id, max_attempts=MAX_ATTEMPTS)  # a failed page's retry (counters)
        if page is None:
            return None
        page.claimed_by = worker
        stored = s.get_one(StoredFile, page.file_id)
        return Claim(page_id, page.dossier_id, page.page_no, page.attempts, stored)


def _claim_of(c: work.ClaimedPage) -> Claim:
    return Claim(c.page_id, c.dossier_id, c.page_no, c.attempts, c.file)


def keep_page_image(ctx: Context, c: Claim, pixels: Any) -> None:
    """The upright image the reviewer sees, as JPEG, sealed at rest (it shows level-1 data)."""
    image = io.BytesIO()
    Image.fromarray(pixels).save(image, format="JPEG", quality=85)
    sealed_files.write_file(
        page_image_path(ctx.settings, c.dossier_id, c.page_id), image.getvalue(), data_ring(ctx)
    )


def save_read_page(ctx: Context, c: Claim, reading: PageReading, pixels: Any, *, index: bool = False) -> bool:
    """Keep the upright image, then in one transaction the reading and, if it was the dossier's last page
    outstanding, the move to `checking`; True when this call made that move (the caller finishes).

    The page is indexed for search by the dossier's finish (finishing.resolve_continuations, all its pages in
    one batch: 4 statements a dossier instead of 4 a page), unless `index`."""
    keep_page_image(ctx, c, pixels)
    with ctx.sessions.begin() as s:
        # saving locks the dossier's row (its counters) first, so of two last pages saved at once the second
        # waits for the first's commit and its finish check sees it
        repo.save_page_reading(s, c.page_id, reading, index=index)
        return _claim_checking(s, c.dossier_id)


def _claim_checking(s: Session, dossier_id: str, actor: str = "system") -> bool:
    return work.claim_checking(s, dossier_id, max_attempts=MAX_ATTEMPTS, actor=actor)


def read_stored_page(ctx: Context, page_id: int) -> bool:
    """Claim, read and store one page. Idempotent: re-reading replaces the page's result.

    Returns False when there was nothing to do (already read, or given up after MAX_ATTEMPTS).
    """
    c = claim(ctx, page_id)
    if c is None:
        return False
    try:
        reading, pixels = read_one(ctx, _ingested(ctx, c.stored), c.page_no)
    except Exception as exc:  # any failure of one page must end as a clear per-page error
        _fail(ctx, c, exc)
        raise
    save_read_page(ctx, c, reading, pixels, index=True)  # no finish follows here: index it now
    return True


def _fail(ctx: Context, c: Claim, exc: BaseException) -> bool:
    """Record a page's own failure; on its last attempt, also claim the finish if nothing else is left."""
    log.exception("page %s of %s failed", c.page_no, c.stored.name)
    with ctx.sessions.begin() as s:
        repo.mark_page_failed(s, c.page_id, f"{type(exc).__name__}: {exc}")
        return c.attempts >= MAX_ATTEMPTS and _claim_checking(s, c.dossier_id)


# ------------------------------------------------------------------------------------------- the page step


class PageResult(StrEnum):
    READ = "read"  # read and saved now
    SKIPPED = "skipped"  # nothing to do (already read, or already given up)
    RETRY = "retry"  # failed, attempts left: run the step again later
    FAILED = "failed"  # failed for good: a per-page error on the dossier


@dataclass(frozen=True, slots=True)
class PageOutcome:
    result: PageResult
    dossier_id: str | None
    finish: bool  # this step read the dossier's last outstanding page: the caller schedules finish_step
    error: str | None = None


def _settle_unclaimed(ctx: Context, page_id: int) -> PageOutcome:
    """Nothing to read (a redelivered task): a page whose worker died MAX_ATTEMPTS times (time limit, out of
    memory) fails instead of hanging, and the finish is claimed if that was the last page outstanding."""
    with ctx.sessions.begin() as s:
        state = work.page_state(s, page_id)
        if state is None:
            return PageOutcome(PageResult.SKIPPED, None, finish=False)
        if state.status in (PageStatus.PENDING, PageStatus.READING) and state.attempts >= MAX_ATTEMPTS:
            reason = f"gave up after {state.attempts} attempts (the worker stopped)"
            repo.mark_page_failed(s, page_id, reason)
        return PageOutcome(PageResult.SKIPPED, state.dossier_id, _claim_checking(s, state.dossier_id))


def read_page_step(ctx: Context, page_id: int, worker: str | None = None) -> PageOutcome:
    """Read one stored page; errors of the page itself end in RETRY or FAILED, never escape.

    Two transactions per page read: the claim, and the result with the finish claim. Database errors do
    escape (before or after the read): the caller retries the whole step, which is idempotent. `finish` is
    True for the one step that read the dossier's last outstanding page. `worker` names the claimer, so its
    claims can be taken up again when it stops beating (see storage.work.reclaim_orphans).
    """
    c = claim(ctx, page_id, worker)
    if c is None:
        return _settle_unclaimed(ctx, page_id)
    with dossier_context(c.dossier_id):  # its log lines name the dossier (intake.lifecycle.logs)
        return _read_claimed(ctx, c)


def _read_claimed(ctx: Context, c: Claim) -> PageOutcome:
    try:  # a stored file gone missing is the page's own failure too
        reading, pixels = read_one(ctx, _ingested(ctx, c.stored), c.page_no)
    except Exception as exc:
        if is_transient(exc):
            raise
        return _failed(ctx, c, exc)
    return PageOutcome(PageResult.READ, c.dossier_id, save_read_page(ctx, c, reading, pixels))


def _failed(ctx: Context, c: Claim, exc: BaseException) -> PageOutcome:
    error = f"{type(exc).__name__}: {exc}"
    finish = _fail(ctx, c, exc)
    if c.attempts < MAX_ATTEMPTS:
        return PageOutcome(PageResult.RETRY, c.dossier_id, finish=False, error=error)
    return PageOutcome(PageResult.FAILED, c.dossier_id, finish, error)


def read_batch_step(ctx: Context, page_ids: Sequence[int], worker: str | None = None) -> list[PageOutcome]:
    """Read a batch of stored pages (one task of a bulk import, see backlog.pages_per_task): the outcomes
    in the order of `page_ids`, as read_page_step would give them one by one.

    Two transactions for the whole batch instead of two per page: one claim of every page, then every
    reading saved with the finish claims of their dossiers (repository.save_page_readings). A page that
    could not be claimed with the others (a failed page's retry, a redelivered task, one given up) and a
    page that fails to read go through the single-page path; database errors escape as there (the caller
    retries the batch, which is idempotent: pages claimed and not saved are claimed again)."""
    if len(page_ids) == 1:
        return [read_page_step(ctx, page_ids[0], worker)]
    with ctx.sessions.begin() as s:
        claimed = [
            _claim_of(c)
            for c in work.claim_unread_many(s, page_ids, max_attempts=MAX_ATTEMPTS, worker=worker)
        ]
    outcomes: dict[int, PageOutcome] = {}
    got = {c.page_id for c in claimed}
    for page_id in page_ids:
        if page_id not in got:
            outcomes[page_id] = read_page_step(ctx, page_id, worker)
    readings: dict[int, PageReading] = {}
    for c in claimed:
        with dossier_context(c.dossier_id):
            try:
                reading, pixels = read_one(ctx, _ingested(ctx, c.stored), c.page_no)
                keep_page_image(ctx, c, pixels)
            except Exception as exc:
                if is_transient(exc):
                    raise
                outcomes[c.page_id] = _failed(ctx, c, exc)
                continue
        readings[c.page_id] = reading
    if readings:
        with ctx.sessions.begin() as s:
            repo.save_page_readings(s, readings)
            saved = [c for c in claimed if c.page_id in readings]
            finishing = {d for d in sorted({c.dossier_id for c in saved}) if _claim_checking(s, d)}
        last = {c.dossier_id: c.page_id for c in saved}  # the finish is scheduled once, with its last page
        for c in saved:
            finish = c.dossier_id in finishing and last[c.dossier_id] == c.page_id
            outcomes[c.page_id] = PageOutcome(PageResult.READ, c.dossier_id, finish)
    return [outcomes[page_id] for page_id in page_ids]


def is_transient(exc: BaseException) -> bool:
    """A database that went away (the step is retried whole), as opposed to a page that cannot be read."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def claim_finish(sessions: sessionmaker[Session], dossier_id: str, *, actor: str = "system") -> bool:
    """True for exactly one caller once every page of the dossier is read or given up: the dossier moves
    `reading` → `checking` and that caller runs (or queues) the finish."""
    with sessions.begin() as s:
        return _claim_checking(s, dossier_id, actor)


def pages_to_read(ctx: Context, dossier_id: str) -> list[int]:
    """The dossier's pages not read yet (pending, being read, or failed), in id order."""
    with ctx.sessions() as s:
        return work.pages_to_read(s, dossier_id)
