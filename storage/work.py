"""The work queue's queries: which pages are still to read, who finishes a dossier, what a crash left behind,
which notices are due.

Like storage.repository, every function takes a Session and the caller owns the transaction. The lifecycle
(intake.lifecycle) decides what to do with the answers; the SQL is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage import repository as repo
from storage.models import (
    AuditEvent,
    Dossier,
    DossierStatus,
    Page,
    PageStatus,
    StoredFile,
    WorkerBeat,
    utcnow,
)


class PageState(NamedTuple):
    dossier_id: str
    status: PageStatus
    attempts: int


def page_state(s: Session, page_id: int) -> PageState | None:
    """A page's dossier, status and attempts so far (None: no such page)."""
    row = s.execute(select(Page.dossier_id, Page.status, Page.attempts).where(Page.id == page_id)).first()
    return PageState(row[0], row[1], row[2]) if row else None


def dossier_status(s: Session, dossier_id: str) -> DossierStatus | None:
    return s.scalar(select(Dossier.status).where(Dossier.id == dossier_id))


def _outstanding(dossier_id: str, max_attempts: int) -> ColumnElement[bool]:
    """Pages still to be read: never tried, being read, or failed with attempts left."""
    return exists().where(
        Page.dossier_id == dossier_id,
        or_(
            Page.status.in_((PageStatus.PENDING, PageStatus.READING)),
            and_(Page.status == PageStatus.FAILED, Page.attempts < max_attempts),
        ),
    )


def claim_checking(s: Session, dossier_id: str, *, max_attempts: int, actor: str = "system") -> bool:
    """`reading` → `checking`, only while no page is outstanding: one conditional UPDATE, so of several
    callers at the same moment exactly one gets True (and the audit event)."""
    statement = (
        update(Dossier)
        .where(
            Dossier.id == dossier_id,
            Dossier.status == DossierStatus.READING,
            ~_outstanding(dossier_id, max_attempts),
        )
        .values(status=DossierStatus.CHECKING, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    won = s.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    if won:
        repo.audit(
            s, actor, "dossier.checking", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
            before={"status": "reading"}, after={"status": "checking"},
        )  # fmt: skip
    return won


def pages_to_read(s: Session, dossier_id: str) -> list[int]:
    """Ids of the dossier's pages not read yet (pending, being read, failed), in id order."""
    todo = [
        page_id
        for status in (PageStatus.PENDING, PageStatus.READING, PageStatus.FAILED)
        for page_id in repo.page_ids(s, dossier_id, status=status)
    ]
    return sorted(todo)


def requeue_received(s: Session, *, reason: str) -> list[str]:
    """Dossiers stored but never queued (`received`) move to `reading`; returns their ids.

    skip_locked: workers starting together (docker compose --scale) split the dossiers, never share one.
    """
    waiting = select(Dossier.id).where(Dossier.status == DossierStatus.RECEIVED)
    received = list(s.scalars(waiting.with_for_update(skip_locked=True)))
    for dossier_id in received:
        repo.set_status(s, dossier_id, DossierStatus.READING, reason=reason)
    return received


def stuck_dossiers(s: Session, cutoff: datetime) -> tuple[list[str], set[str]]:
    """Dossiers `reading` or `checking` not advanced since `cutoff`, and which of them are `checking`."""
    stuck = list(
        s.scalars(
            select(Dossier.id).where(
                Dossier.status.in_((DossierStatus.READING, DossierStatus.CHECKING)),
                Dossier.updated_at < cutoff,
            )
        )
    )
    checking = set(
        s.scalars(select(Dossier.id).where(Dossier.id.in_(stuck), Dossier.status == DossierStatus.CHECKING))
    )
    return stuck, checking


def stale_pages(s: Session, dossier_id: str, cutoff: datetime, *, max_attempts: int) -> list[int]:
    """Pages to queue again: pending, claimed before `cutoff` (or never), failed with attempts left, or
    left `reading` after the last attempt (to be given up)."""
    query = select(Page.id).where(
        Page.dossier_id == dossier_id,
        or_(
            Page.status == PageStatus.PENDING,
            and_(
                Page.status == PageStatus.READING,
                or_(Page.claimed_at.is_(None), Page.claimed_at < cutoff),
            ),
            and_(Page.status == PageStatus.FAILED, Page.attempts < max_attempts),
            and_(Page.status == PageStatus.READING, Page.attempts >= max_attempts),
        ),
    )
    return list(s.scalars(query.order_by(Page.id)))


def dossiers_of_pages(s: Session, page_ids: Sequence[int]) -> set[str]:
    return {s.get_one(Page, page_id).dossier_id for page_id in page_ids}


OPEN = (DossierStatus.AWAITING_REVIEW, DossierStatus.SENT_BACK)


def open_dossier_ids(s: Session) -> list[str]:
    """Dossiers still open (awaiting review or sent back)."""
    return list(s.scalars(select(Dossier.id).where(Dossier.status.in_(OPEN))))


def notices_due(s: Session, now: datetime, *, action: str) -> list[Dossier]:
    """Open, incomplete dossiers whose notice is due by `now` and not yet audited as `action`."""
    query = select(Dossier).where(
        Dossier.status.in_(OPEN),
        Dossier.complete.is_(False),
        Dossier.notice_due_at.is_not(None),
        Dossier.notice_due_at <= now,
    )
    due: list[Dossier] = []
    for dossier in s.scalars(query):
        done = select(AuditEvent.id).where(AuditEvent.dossier_id == dossier.id, AuditEvent.action == action)
        if s.scalar(done.limit(1)) is None:
            due.append(dossier)
    return due


# ------------------------------------------------------------------------------------- live workers' claims


def beat(s: Session, name: str, now: datetime | None = None, processes: int | None = None) -> None:
    """Record that worker `name` (of `processes` reader processes) is alive: one row per worker, updated in
    place."""
    now = now or utcnow()
    found = s.execute(
        update(WorkerBeat)
        .where(WorkerBeat.name == name)
        .values(beat_at=now, processes=processes)
        .execution_options(synchronize_session=False)
    )
    if found.rowcount == 0:  # type: ignore[attr-defined]
        s.add(WorkerBeat(name=name, started_at=now, beat_at=now, processes=processes))


STOPPED = datetime(1970, 1, 1, tzinfo=UTC)


def worker_stopping(s: Session, name: str) -> None:
    """A worker that stops beats for the last time as if long dead: whatever it still holds (a cold shutdown
    leaves pages `reading`) is handed back at the next reclaim of any worker, which also removes the row."""
    s.execute(
        update(WorkerBeat)
        .where(WorkerBeat.name == name)
        .values(beat_at=STOPPED)
        .execution_options(synchronize_session=False)
    )


def reclaim_orphans(s: Session, cutoff: datetime) -> list[int]:
    """Pages being read by workers whose last beat is older than `cutoff` (they died with their host):
    back to `pending` (the attempt stays counted), their workers forgotten; returns the pages to queue again.

    skip_locked: surviving workers reclaiming at once split the dead workers, never queue a page twice.
    """
    dead = list(
        s.scalars(
            select(WorkerBeat.name).where(WorkerBeat.beat_at < cutoff).with_for_update(skip_locked=True)
        )
    )
    if not dead:
        return []
    pages = list(
        s.scalars(
            select(Page.id)
            .where(Page.claimed_by.in_(dead), Page.status == PageStatus.READING)
            .order_by(Page.id)
            .with_for_update(skip_locked=True)
        )
    )
    if pages:
        s.execute(
            update(Page)
            .where(Page.id.in_(pages))
            .values(status=PageStatus.PENDING, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    s.execute(delete(WorkerBeat).where(WorkerBeat.name.in_(dead)))
    return pages


# ------------------------------------------------------------------------------------------------ the backlog

WAITING = (DossierStatus.RECEIVED, DossierStatus.READING)


def pages_waiting(s: Session) -> int:
    """Pages stored and not read yet, from the counters of the dossiers still being read (few rows, found by
    ix_dossiers_status_deadline: never a scan of the pages)."""
    left = Dossier.pages_total - Dossier.pages_done - Dossier.pages_failed
    return int(s.scalar(select(func.coalesce(func.sum(left), 0)).where(Dossier.status.in_(WAITING))) or 0)


def pages_finished_since(s: Session, since: datetime) -> int:
    """Pages of the dossiers handed over to review since `since` (the audit trail's index on `at`)."""
    ready = select(AuditEvent.dossier_id).where(
        AuditEvent.at >= since, AuditEvent.action == f"dossier.{DossierStatus.AWAITING_REVIEW.value}"
    )
    total = select(func.coalesce(func.sum(Dossier.pages_total), 0)).where(Dossier.id.in_(ready))
    return int(s.scalar(total) or 0)


def live_workers(s: Session, cutoff: datetime) -> int:
    return int(
        s.scalar(select(func.count()).select_from(WorkerBeat).where(WorkerBeat.beat_at >= cutoff)) or 0
    )


def live_processes(s: Session, cutoff: datetime) -> int:
    """Reader processes of the workers that beat since `cutoff` (a worker that did not say counts as one)."""
    total = select(func.coalesce(func.sum(func.coalesce(WorkerBeat.processes, 1)), 0))
    return int(s.scalar(total.where(WorkerBeat.beat_at >= cutoff)) or 0)


# ---------------------------------------------------------------------------------------- claiming a page


class ClaimedPage(NamedTuple):
    dossier_id: str
    page_no: int
    attempts: int  # counting this one
    file: StoredFile  # the stored file's columns, not attached to the session
    page_id: int
    first_read: bool  # never read before: its reading is saved without looking for old fields


def claim_unread(
    s: Session, page_id: int, *, max_attempts: int, worker: str | None, now: datetime | None = None
) -> ClaimedPage | None:
    """The usual claim of one page (see claim_unread_many); None when it is in no state to be read."""
    claimed = claim_unread_many(s, [page_id], max_attempts=max_attempts, worker=worker, now=now)
    return claimed[0] if claimed else None


def claim_unread_many(
    s: Session, page_ids: Sequence[int], *, max_attempts: int, worker: str | None, now: datetime | None = None
) -> list[ClaimedPage]:
    """Claim a batch in one statement on PostgreSQL: the pages `pending` (or left `reading` by a worker that
    stopped) with attempts left become `reading` by `worker`, their stored files returned with them (UPDATE …
    FROM files … RETURNING; SQLite's RETURNING sees only the updated table, so there the files are a second
    SELECT). Pages in no such state are left out: read, failed (a retry moves the failed counter:
    repository.claim_page), given up, or unknown. In the order of `page_ids`.

    The UPDATE takes the row locks the two-statement claim took with FOR UPDATE: concurrent claims of one
    page serialise, and the second sees `attempts` already counted."""
    if not page_ids:
        return []
    joined = s.get_bind().dialect.name == "postgresql"
    statement = (
        update(Page)
        .where(
            Page.id.in_(page_ids),
            Page.status.in_((PageStatus.PENDING, PageStatus.READING)),
            Page.attempts < max_attempts,
        )
        .values(
            status=PageStatus.READING,
            attempts=Page.attempts + 1,
            claimed_at=now or utcnow(),
            claimed_by=worker,
        )
        .execution_options(synchronize_session=False)
    )
    page_columns = (Page.id, Page.dossier_id, Page.page_no, Page.attempts, Page.read_at, Page.file_id)
    if joined:
        statement = statement.where(Page.file_id == StoredFile.id).returning(*page_columns, *_FILE_COLUMNS)
    else:
        statement = statement.returning(*page_columns)
    rows = s.execute(statement).all()
    if joined:
        keys = [c.key for c in _FILE_COLUMNS]
        files = {row[5]: StoredFile(**dict(zip(keys, row[6:], strict=True))) for row in rows}
    else:
        wanted = {row[5] for row in rows}
        files = (
            {f.id: f for f in s.scalars(select(StoredFile).where(StoredFile.id.in_(wanted)))}
            if wanted
            else {}
        )
    claimed = {
        page_id: ClaimedPage(dossier_id, page_no, attempts, files[file_id], page_id, read_at is None)
        for page_id, dossier_id, page_no, attempts, read_at, file_id, *_ in rows
    }
    return [claimed[i] for i in dict.fromkeys(page_ids) if i in claimed]


_FILE_COLUMNS = (
    StoredFile.id,
    StoredFile.dossier_id,
    StoredFile.name,
    StoredFile.sha256,
    StoredFile.kind,
    StoredFile.size,
    StoredFile.page_count,
)
