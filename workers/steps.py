"""The unit steps both worker modes run: read a page; finish a dossier exactly once when its last page is in.

A page task reads its page, then asks the database whether it was the last outstanding page of the dossier.
The answer is a conditional UPDATE (`reading` → `checking` only while no page is outstanding), so of several
workers finishing pages of one dossier at the same moment exactly one wins and schedules the finish step;
no chord and no result backend are needed, and the database stays the only source of truth.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from intake.pipeline import MAX_ATTEMPTS, Context, finish_dossier, read_stored_page
from ocr.engines import DEFAULT_ENGINE
from storage import repository as repo
from storage.config import Settings
from storage.db import make_engine, make_session_factory
from storage.filestore import FileStore
from storage.models import Dossier, DossierStatus, Page, PageStatus, utcnow

log = logging.getLogger(__name__)

_contexts: dict[tuple[Settings, str], Context] = {}


def worker_context(settings: Settings | None = None, engine: str | None = None) -> Context:
    """The context of this worker process, built once: one database pool and one OCR engine per process.

    Workers never migrate: the command that starts them does, once, before any worker runs.
    """
    settings = settings or Settings.from_env()
    name = engine or os.environ.get("DOSSIER_OCR_ENGINE") or DEFAULT_ENGINE
    key = (settings, name)
    if key not in _contexts:
        settings.ensure_dirs()
        sessions = make_session_factory(make_engine(settings.database_url))
        _contexts[key] = Context(settings, sessions, FileStore(settings.files_dir), engine=name)
    return _contexts[key]


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


def _outstanding(dossier_id: str) -> object:
    """Pages still to be read: never tried, being read, or failed with attempts left."""
    return exists().where(
        Page.dossier_id == dossier_id,
        or_(
            Page.status.in_((PageStatus.PENDING, PageStatus.READING)),
            and_(Page.status == PageStatus.FAILED, Page.attempts < MAX_ATTEMPTS),
        ),
    )


def claim_finish(sessions: sessionmaker[Session], dossier_id: str, *, actor: str = "system") -> bool:
    """True for exactly one caller once every page of the dossier is read or given up."""
    statement = (
        update(Dossier)
        .where(Dossier.id == dossier_id, Dossier.status == DossierStatus.READING, ~_outstanding(dossier_id))
        .values(status=DossierStatus.CHECKING, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    with sessions.begin() as s:
        won = s.execute(statement).rowcount == 1  # type: ignore[attr-defined]
        if won:
            repo.audit(
                s, actor, "dossier.checking", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
                before={"status": "reading"}, after={"status": "checking"},
            )  # fmt: skip
    return won


def _page_state(sessions: sessionmaker[Session], page_id: int) -> tuple[str, PageStatus, int] | None:
    with sessions() as s:
        row = s.execute(select(Page.dossier_id, Page.status, Page.attempts).where(Page.id == page_id)).first()
    return (row[0], row[1], row[2]) if row else None


def _give_up_if_exhausted(sessions: sessionmaker[Session], page_id: int) -> None:
    """A page whose worker died MAX_ATTEMPTS times (time limit, out of memory) fails instead of hanging."""
    state = _page_state(sessions, page_id)
    if state and state[1] in (PageStatus.PENDING, PageStatus.READING) and state[2] >= MAX_ATTEMPTS:
        with sessions.begin() as s:
            repo.mark_page_failed(s, page_id, f"gave up after {state[2]} attempts (the worker stopped)")


def _record_failure(sessions: sessionmaker[Session], page_id: int, error: str, attempts_before: int) -> None:
    """An error before the claim was saved (e.g. the stored file is gone) still counts as an attempt."""
    state = _page_state(sessions, page_id)
    if state and state[2] == attempts_before and state[1] != PageStatus.DONE:
        with sessions.begin() as s:
            if repo.claim_page(s, page_id) is not None:
                repo.mark_page_failed(s, page_id, error)


def read_page_step(ctx: Context, page_id: int) -> PageOutcome:
    """Read one stored page; errors of the page itself end in RETRY or FAILED, never escape.

    Database errors do escape (before or after the read): the caller retries the whole step, which is
    idempotent.
    """
    error = None
    before = _page_state(ctx.sessions, page_id)
    try:
        result = PageResult.READ if read_stored_page(ctx, page_id) else PageResult.SKIPPED
    except Exception as exc:
        if _is_transient(exc):
            raise
        error = f"{type(exc).__name__}: {exc}"
        result = PageResult.FAILED
    if result is PageResult.SKIPPED:
        _give_up_if_exhausted(ctx.sessions, page_id)
    if error is not None and before is not None:
        _record_failure(ctx.sessions, page_id, error, before[2])
    state = _page_state(ctx.sessions, page_id)
    if state is None:
        return PageOutcome(PageResult.SKIPPED, None, finish=False)
    dossier_id, status, attempts = state
    if result is PageResult.FAILED and status == PageStatus.FAILED and attempts < MAX_ATTEMPTS:
        return PageOutcome(PageResult.RETRY, dossier_id, finish=False, error=error)
    return PageOutcome(result, dossier_id, claim_finish(ctx.sessions, dossier_id), error)


def finish_step(ctx: Context, dossier_id: str) -> bool:
    """Assemble the record and run the checks, if the dossier is waiting for that; False if it is not."""
    with ctx.sessions() as s:
        status = s.scalar(select(Dossier.status).where(Dossier.id == dossier_id))
    if status != DossierStatus.CHECKING:
        return False
    finish_dossier(ctx, dossier_id)
    return True


def _is_transient(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError

    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


# ----------------------------------------------------------------------------------------------- recovery


@dataclass(frozen=True, slots=True)
class StaleWork:
    """What a restarted worker must queue again: pages to read and dossiers to finish."""

    pages: tuple[int, ...]
    finish: tuple[str, ...]


def stale_work(
    sessions: sessionmaker[Session], *, older_than: timedelta, now: datetime | None = None
) -> StaleWork:
    """Dossiers left half-processed: never queued (`received`), or not advanced for `older_than`.

    A `received` dossier is moved to `reading` here, so its pages are counted as outstanding from now on.
    """
    cutoff = (now or utcnow()) - older_than
    pages: list[int] = []
    finish: list[str] = []
    with sessions.begin() as s:
        # skip_locked: workers starting together (docker compose --scale) split the dossiers, never share one
        waiting = select(Dossier.id).where(Dossier.status == DossierStatus.RECEIVED)
        received = list(s.scalars(waiting.with_for_update(skip_locked=True)))
        for dossier_id in received:
            repo.set_status(s, dossier_id, DossierStatus.READING, reason="queued again at worker start-up")
        stuck = list(
            s.scalars(
                select(Dossier.id).where(
                    Dossier.status.in_((DossierStatus.READING, DossierStatus.CHECKING)),
                    Dossier.updated_at < cutoff,
                )
            )
        )
        checking = set(
            s.scalars(
                select(Dossier.id).where(Dossier.id.in_(stuck), Dossier.status == DossierStatus.CHECKING)
            )
        )
        for dossier_id in [*received, *stuck]:
            if dossier_id in checking:
                finish.append(dossier_id)
                continue
            query = select(Page.id).where(
                Page.dossier_id == dossier_id,
                or_(
                    Page.status == PageStatus.PENDING,
                    and_(
                        Page.status == PageStatus.READING,
                        or_(Page.claimed_at.is_(None), Page.claimed_at < cutoff),
                    ),
                    and_(Page.status == PageStatus.FAILED, Page.attempts < MAX_ATTEMPTS),
                    and_(Page.status == PageStatus.READING, Page.attempts >= MAX_ATTEMPTS),
                ),
            )
            pages.extend(s.scalars(query.order_by(Page.id)))
    for dossier_id in [*received, *stuck]:  # nothing left to read: the finish was lost before it was queued
        if dossier_id not in checking and claim_finish(sessions, dossier_id, actor="recovery"):
            finish.append(dossier_id)
    return StaleWork(tuple(pages), tuple(finish))
