"""Several workers saving pages of one dossier at once never lose or double-count a progress update.

Each worker thread has its own connection and transaction, as Celery workers in separate processes would.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ocr.types import DocType
from storage import repository as repo
from storage.models import Dossier, Field, Page, PageStatus

from .builders import AS_OF, reading

PAGES = 12
WORKERS = 4


def _dossier_with_pages(sessions: sessionmaker[Session]) -> tuple[str, list[int]]:
    with sessions.begin() as s:
        dossier_id = repo.create_dossier(s, as_of=AS_OF).id
        repo.add_file(s, dossier_id, name="scan.pdf", sha256="d" * 64, kind="pdf", size=1, page_count=PAGES)
        return dossier_id, repo.page_ids(s, dossier_id)


def _read(sessions: sessionmaker[Session], page_id: int, barrier: Barrier | None = None) -> None:
    if barrier is not None:
        barrier.wait()  # start the writers together to maximise overlap
    with sessions.begin() as s:
        repo.claim_page(s, page_id)
    with sessions.begin() as s:
        repo.save_page_reading(
            s, page_id, reading(DocType.BANK_PERMIT, {"bank_account": (str(page_id), 0.9)})
        )


def test_concurrent_page_saves_count_every_page_exactly_once(sessions: sessionmaker[Session]) -> None:
    dossier_id, page_ids = _dossier_with_pages(sessions)
    # Every page is saved twice, by two different workers (a redelivered task), all at the same time.
    work = [pid for pid in page_ids for _ in range(2)]  # the two saves of a page run side by side
    barrier = Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [
            pool.submit(_read, sessions, pid, barrier if i < WORKERS else None) for i, pid in enumerate(work)
        ]
        for future in futures:
            future.result()

    with sessions.begin() as s:
        dossier = repo.get_dossier(s, dossier_id)
        assert (dossier.pages_total, dossier.pages_done, dossier.pages_failed) == (PAGES, PAGES, 0)
        statuses = s.scalars(select(Page.status).where(Page.dossier_id == dossier_id)).all()
        assert set(statuses) == {PageStatus.DONE}
        fields = s.scalar(select(func.count(Field.id)).where(Field.dossier_id == dossier_id))
        assert fields == PAGES  # one field per page: double saves replaced, never duplicated


def _archive(sessions: sessionmaker[Session], dossier_id: str, barrier: Barrier) -> str:
    with sessions.begin() as s:
        barrier.wait()
        return repo.assign_customer_no(s, dossier_id, date(2026, 11, 27))


def test_concurrent_archivers_get_distinct_customer_numbers(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        # Earlier numbers of other days must not disturb today's sequence.
        s.add(Dossier(as_of=AS_OF, customer_no="C20261126007"))
        dossier_ids = [repo.create_dossier(s, as_of=AS_OF).id for _ in range(WORKERS)]
    barrier = Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        numbers = list(pool.map(lambda d: _archive(sessions, d, barrier), dossier_ids))

    assert sorted(numbers) == [f"C20261127{n:03d}" for n in range(1, WORKERS + 1)]
    with sessions.begin() as s:
        assert repo.assign_customer_no(s, dossier_ids[0], date(2026, 12, 1)) == numbers[0]  # never changes
        assert repo.get_dossier(s, dossier_ids[0]).customer_no == numbers[0]
