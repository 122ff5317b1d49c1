"""What a crash or a stop left half-done, to be queued again: pages to read and dossiers to finish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from intake.lifecycle.reading import MAX_ATTEMPTS, claim_finish
from storage import work
from storage.models import utcnow


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
        received = work.requeue_received(s, reason="queued again at worker start-up")
        stuck, checking = work.stuck_dossiers(s, cutoff)
        for dossier_id in [*received, *stuck]:
            if dossier_id in checking:
                finish.append(dossier_id)
                continue
            pages.extend(work.stale_pages(s, dossier_id, cutoff, max_attempts=MAX_ATTEMPTS))
    for dossier_id in [*received, *stuck]:  # nothing left to read: the finish was lost before it was queued
        if dossier_id not in checking and claim_finish(sessions, dossier_id, actor="recovery"):
            finish.append(dossier_id)
    return StaleWork(tuple(pages), tuple(finish))


def dossiers_to_resume(sessions: sessionmaker[Session]) -> list[str]:
    """Embedded mode, at start-up: every dossier an earlier run of this process left unfinished."""
    found = stale_work(sessions, older_than=timedelta(0))
    with sessions() as s:
        dossiers = work.dossiers_of_pages(s, found.pages) | set(found.finish)
    return sorted(dossiers)


# ----------------------------------------------------------------------------------- live workers' claims


def worker_alive(sessions: sessionmaker[Session], name: str, processes: int | None = None) -> None:
    """Worker `name` beats: its claims stay its own for another `stale_after`; its `processes` tell the
    producers how many pages it reads at once (backlog.pages_per_task)."""
    with sessions.begin() as s:
        work.beat(s, name, processes=processes)


def worker_stopped(sessions: sessionmaker[Session], name: str) -> None:
    with sessions.begin() as s:
        work.worker_stopping(s, name)


def orphaned_pages(
    sessions: sessionmaker[Session], *, stale_after: timedelta, now: datetime | None = None
) -> list[int]:
    """Pages whose worker stopped beating more than `stale_after` ago, handed back: the caller queues them."""
    with sessions.begin() as s:
        return work.reclaim_orphans(s, (now or utcnow()) - stale_after)
