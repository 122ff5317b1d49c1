"""Several workers saving pages of one dossier at once never lose or double-count a progress update;
concurrent approvals never give one number twice, nor two customers to one tax number.

Each worker thread has its own connection and transaction, as Celery workers in separate processes would.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from intake.lifecycle.customers import archive_customer
from ocr.types import DocType
from storage import customers
from storage import repository as repo
from storage.models import Customer, CustomerHistory, Field, Page, PageStatus, RecordField

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


def _number(sessions: sessionmaker[Session], dossier_id: str, key: str, barrier: Barrier) -> str:
    """One archiver: the customer of `key`, numbered on 2026-11-27, and the dossier linked and numbered."""
    with sessions.begin() as s:
        barrier.wait()
        customer, _ = customers.create(s, key, "客户", date(2026, 11, 27), actor="reviewer")
        customers.link(s, dossier_id, customer, actor="reviewer", numbered=True)
        return customer.customer_no


def test_concurrent_archivers_get_distinct_customer_numbers(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        # Earlier numbers of other days must not disturb today's sequence.
        s.add(Customer(customer_no="C20261126007", tax_id=_tax(), name="昨日客户"))
        dossier_ids = [repo.create_dossier(s, as_of=AS_OF).id for _ in range(WORKERS)]
    keys = [_tax() for _ in range(WORKERS)]
    barrier = Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        numbers = list(
            pool.map(lambda dk: _number(sessions, *dk, barrier), zip(dossier_ids, keys, strict=True))
        )

    assert sorted(numbers) == [f"C20261127{n:03d}" for n in range(1, WORKERS + 1)]
    with sessions.begin() as s:
        again, created = customers.create(s, keys[0], "客户", date(2026, 12, 1), actor="reviewer")
        assert (again.customer_no, created) == (numbers[0], False)  # never changes
        assert repo.get_dossier(s, dossier_ids[0]).customer_no == numbers[0]


def _tax() -> str:
    return "91" + uuid.uuid4().hex[:16].upper()


def _approve_customer(sessions: sessionmaker[Session], dossier_id: str, barrier: Barrier) -> str:
    """The approval's customer step (intake.lifecycle.customers.archive_customer) in its own transaction."""
    with sessions.begin() as s:
        barrier.wait()
        return archive_customer(s, dossier_id, actor="reviewer", today=date(2026, 11, 28)).customer_no


def test_two_concurrent_approvals_of_one_new_tax_number_make_one_customer(
    sessions: sessionmaker[Session],
) -> None:
    key = _tax()
    with sessions.begin() as s:
        dossier_ids = []
        for n, printed in enumerate((key, " ".join([key[:6], key[6:]]).lower())):  # printed two ways
            dossier = repo.create_dossier(s, reference=f"R-{n}", as_of=AS_OF)
            s.add(RecordField(dossier_id=dossier.id, name="tax_id", value=printed))
            s.add(RecordField(dossier_id=dossier.id, name="customer_name", value="并发贸易有限公司"))
            dossier_ids.append(dossier.id)
    barrier = Barrier(2)
    with ThreadPoolExecutor(2) as pool:
        numbers = list(pool.map(lambda d: _approve_customer(sessions, d, barrier), dossier_ids))

    assert numbers[0] == numbers[1]
    with sessions.begin() as s:
        rows = s.scalars(select(Customer).where(Customer.tax_id == key)).all()
        assert [c.customer_no for c in rows] == [numbers[0]]
        assert [repo.get_dossier(s, d).customer_no for d in dossier_ids] == numbers
        history = s.scalars(select(CustomerHistory).where(CustomerHistory.customer_id == rows[0].id)).all()
    assert sorted(h.field for h in history) == ["customer_name", "tax_id"]  # the winner's values, once
