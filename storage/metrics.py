"""The queries behind /metrics: counts of work done and waiting, straight from the database.

Derived at scrape time rather than counted in memory, so every web and worker process, and a restart, report
the same values (no Prometheus multiprocess directory to share). Each is one GROUP BY over few columns; none
reads a level-1 value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, func, literal, select, text
from sqlalchemy.orm import Session

from storage.models import Dossier, DossierStatus, Page, PageStatus, StoredFile

WAITING = (DossierStatus.RECEIVED, DossierStatus.READING)


@dataclass(frozen=True, slots=True)
class PageTimes:
    engine: str
    doc_type: str
    pages: int
    seconds: float  # claimed → read, summed over the pages


def ping(s: Session) -> None:
    """Raises when the database cannot be reached."""
    s.execute(text("SELECT 1"))


def dossiers_by_status_and_urgency(s: Session, today: date, urgent_days: int) -> list[tuple[str, str, int]]:
    """(status, urgency, count): urgency is `overdue` (deadline passed), `urgent` (due within `urgent_days`),
    `normal`, or `none` (no deadline known yet)."""
    urgency = case(
        (Dossier.deadline.is_(None), literal("none")),
        (Dossier.deadline < today, literal("overdue")),
        (Dossier.deadline <= today + timedelta(days=urgent_days), literal("urgent")),
        else_=literal("normal"),
    )
    rows = s.execute(select(Dossier.status, urgency, func.count()).group_by(Dossier.status, urgency))
    return [(str(status), str(u), int(n)) for status, u, n in rows]


def pages_waiting(s: Session) -> int:
    """Pages stored and not yet read or given up, from the counters of the dossiers still being read (found
    by ix_dossiers_status_deadline: never a scan of the pages)."""
    left = Dossier.pages_total - Dossier.pages_done - Dossier.pages_failed
    return int(s.scalar(select(func.coalesce(func.sum(left), 0)).where(Dossier.status.in_(WAITING))) or 0)


def _seconds(s: Session) -> ColumnElement[float]:
    """read_at − claimed_at in seconds, in the backend's own date arithmetic."""
    if s.get_bind().dialect.name == "sqlite":
        return (func.julianday(Page.read_at) - func.julianday(Page.claimed_at)) * 86400.0
    return func.extract("epoch", Page.read_at - Page.claimed_at)


def page_times(s: Session) -> list[PageTimes]:
    """Pages read and the time they took, per engine (`pdfplumber` for a text layer) and document type."""
    seconds = _seconds(s)
    rows = s.execute(
        select(Page.engine, Page.doc_type, func.count(), func.coalesce(func.sum(seconds), 0.0))
        .where(Page.status == PageStatus.DONE)
        .group_by(Page.engine, Page.doc_type)
    )
    return [
        PageTimes(engine or "", doc_type or "", int(n), float(total)) for engine, doc_type, n, total in rows
    ]


def page_errors(s: Session) -> list[tuple[str, int]]:
    """(error text, pages) of the pages given up; the caller sorts the texts into reasons."""
    rows = s.execute(
        select(Page.error, func.count()).where(Page.status == PageStatus.FAILED).group_by(Page.error)
    )
    return [(error or "", int(n)) for error, n in rows]


def rejected_files(s: Session) -> list[tuple[str, int]]:
    """(reject code, files) of the files refused at intake."""
    rows = s.execute(
        select(StoredFile.reject_code, func.count())
        .where(StoredFile.rejected.is_(True))
        .group_by(StoredFile.reject_code)
    )
    return [(code or "unknown", int(n)) for code, n in rows]
