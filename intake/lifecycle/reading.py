"""Reading a page: claim it, draw it, read it, store the reading and the upright image; and the page step the
worker runners repeat until the page is read or given up.

Idempotent: a page read twice (a redelivered task, a worker that died after saving) ends the same. A page
that failed is tried again up to MAX_ATTEMPTS times, then stays failed with its error for the reviewer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from intake.files import IngestedFile, page_image, pdf_render_scale
from intake.lifecycle.context import Context
from intake.settings import Settings
from ocr.reader import read_page
from ocr.textlayer import read_text_layer
from ocr.types import PageReading, TextLine
from storage import repository as repo
from storage import work
from storage.models import PageStatus, StoredFile

log = logging.getLogger(__name__)
RENDER_DPI = 200  # PDF pages: enough for OCR of 8-pt CJK text; higher costs time for no accuracy
MAX_ATTEMPTS = 3


def page_image_path(settings: Settings, dossier_id: str, page_id: int) -> Path:
    """Where the upright page image the reviewer sees (and every box refers to) is kept."""
    return settings.data_dir / "pages" / dossier_id / f"{page_id}.jpg"


def _ingested(ctx: Context, f: StoredFile) -> IngestedFile:
    return IngestedFile(
        name=f.name,
        sha256=f.sha256 or "",
        kind=f.kind or "",
        size=f.size or 0,
        page_count=f.page_count or 0,
        stored_path=ctx.store.path(f.sha256 or ""),
    )


def _text_layer(f: IngestedFile, page_no: int) -> list[TextLine] | None:
    if f.kind != "pdf":
        return None
    return read_text_layer(f.stored_path, page_no, pdf_render_scale(f, page_no, RENDER_DPI))


def read_one(ctx: Context, f: IngestedFile, page_no: int) -> tuple[PageReading, Any]:
    """Read a page of a stored file (no database): the reading and the upright image."""
    image: Image.Image = page_image(f, page_no, dpi=RENDER_DPI, limits=ctx.limits)
    return read_page(image, text_layer=_text_layer(f, page_no), engine=ctx.engine)


def read_stored_page(ctx: Context, page_id: int) -> bool:
    """Claim, read and store one page. Idempotent: re-reading replaces the page's result.

    Returns False when there was nothing to do (already read, or given up after MAX_ATTEMPTS).
    """
    with ctx.sessions.begin() as s:
        page = repo.claim_page(s, page_id, max_attempts=MAX_ATTEMPTS)
        if page is None:
            return False
        f = _ingested(ctx, s.get_one(StoredFile, page.file_id))
        dossier_id, page_no = page.dossier_id, page.page_no
    try:
        reading, pixels = read_one(ctx, f, page_no)
    except Exception as exc:  # any failure of one page must end as a clear per-page error
        log.exception("page %s of %s failed", page_no, f.name)
        with ctx.sessions.begin() as s:
            repo.mark_page_failed(s, page_id, f"{type(exc).__name__}: {exc}")
        raise
    target = page_image_path(ctx.settings, dossier_id, page_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(target, format="JPEG", quality=85)
    with ctx.sessions.begin() as s:
        repo.save_page_reading(s, page_id, reading)
    return True


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


def _page_state(ctx: Context, page_id: int) -> work.PageState | None:
    with ctx.sessions() as s:
        return work.page_state(s, page_id)


def _give_up_if_exhausted(ctx: Context, page_id: int) -> None:
    """A page whose worker died MAX_ATTEMPTS times (time limit, out of memory) fails instead of hanging."""
    state = _page_state(ctx, page_id)
    if state and state.status in (PageStatus.PENDING, PageStatus.READING) and state.attempts >= MAX_ATTEMPTS:
        with ctx.sessions.begin() as s:
            repo.mark_page_failed(s, page_id, f"gave up after {state.attempts} attempts (the worker stopped)")


def _record_failure(ctx: Context, page_id: int, error: str, attempts_before: int) -> None:
    """An error before the claim was saved (e.g. the stored file is gone) still counts as an attempt."""
    state = _page_state(ctx, page_id)
    if state and state.attempts == attempts_before and state.status != PageStatus.DONE:
        with ctx.sessions.begin() as s:
            if repo.claim_page(s, page_id) is not None:
                repo.mark_page_failed(s, page_id, error)


def read_page_step(ctx: Context, page_id: int) -> PageOutcome:
    """Read one stored page; errors of the page itself end in RETRY or FAILED, never escape.

    Database errors do escape (before or after the read): the caller retries the whole step, which is
    idempotent. `finish` is True for the one step that read the dossier's last outstanding page.
    """
    error = None
    before = _page_state(ctx, page_id)
    try:
        result = PageResult.READ if read_stored_page(ctx, page_id) else PageResult.SKIPPED
    except Exception as exc:
        if is_transient(exc):
            raise
        error = f"{type(exc).__name__}: {exc}"
        result = PageResult.FAILED
    if result is PageResult.SKIPPED:
        _give_up_if_exhausted(ctx, page_id)
    if error is not None and before is not None:
        _record_failure(ctx, page_id, error, before.attempts)
    state = _page_state(ctx, page_id)
    if state is None:
        return PageOutcome(PageResult.SKIPPED, None, finish=False)
    dossier_id, status, attempts = state
    if result is PageResult.FAILED and status == PageStatus.FAILED and attempts < MAX_ATTEMPTS:
        return PageOutcome(PageResult.RETRY, dossier_id, finish=False, error=error)
    return PageOutcome(result, dossier_id, claim_finish(ctx.sessions, dossier_id), error)


def is_transient(exc: BaseException) -> bool:
    """A database that went away (the step is retried whole), as opposed to a page that cannot be read."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def claim_finish(sessions: sessionmaker[Session], dossier_id: str, *, actor: str = "system") -> bool:
    """True for exactly one caller once every page of the dossier is read or given up: the dossier moves
    `reading` → `checking` and that caller runs (or queues) the finish."""
    with sessions.begin() as s:
        return work.claim_checking(s, dossier_id, max_attempts=MAX_ATTEMPTS, actor=actor)


def pages_to_read(ctx: Context, dossier_id: str) -> list[int]:
    """The dossier's pages not read yet (pending, being read, or failed), in id order."""
    with ctx.sessions() as s:
        return work.pages_to_read(s, dossier_id)
