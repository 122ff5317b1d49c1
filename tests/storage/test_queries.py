"""The lists' customer search (storage.queries.customer_matches, archive_matches) on both backends: the same
dossiers whichever shape the query takes (one ORed pass for a fragment shorter than a trigram, a UNION of
per-column matches for a longer one), checked against the search's definition written in Python; and on
PostgreSQL the longer fragment's shape is one the trigram indexes of migration 0012 serve."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from storage.models import ArchiveRecord, Customer, Dossier, DossierStatus
from storage.queries import (
    DEADLINE_BUCKETS,
    NO_DEADLINE,
    QueueFilter,
    archive_records,
    bucket_of,
    customer_matches,
    number_key,
    review_queue,
)

Tx = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 20)


@dataclass(frozen=True)
class Made:
    dossier_id: str
    name: str
    tax_id: str
    customer_no: str
    reference: str
    archived_name: str = ""  # the archived customer's name, which a change request may have corrected
    archive_no: str = ""


def make(tx: Tx, tag: str) -> list[Made]:
    """Dossiers awaiting review and archived ones, each name and number carrying `tag` so the tests of one
    shared database see only their own."""
    specs = [
        ("佛山市南海百货有限公司", "91440605MA4W12345X", "", f"REF-{tag}-1", ""),
        ("广州100%贸易有限公司", "91440101MA5C00001Y", "", f"REF-{tag}-2", ""),
        ("深圳明_达科技有限公司", "91440300MA5D77777Z", "", f"申请-{tag}-3", ""),
        ("东莞长安旧名有限公司", "91441900MA4U55555K", f"C{tag.upper()}04", f"REF-{tag}-4", "东莞长安新名"),
    ]
    made = []
    with tx() as s:
        for n, (name, tax_id, customer_no, reference, archived_name) in enumerate(specs):
            tax_id, name = tax_id[:-4] + tag[:4].upper(), f"{name}{tag}"
            dossier = Dossier(
                reference=reference,
                customer_name=name,
                customer_tax_id=tax_id,
                customer_no=customer_no or None,
                status=DossierStatus.ARCHIVED if archived_name else DossierStatus.AWAITING_REVIEW,
                deadline=TODAY,
                as_of=TODAY,
            )
            s.add(dossier)
            s.flush()
            archive_no = ""
            if archived_name:
                customer = Customer(customer_no=customer_no, tax_id=tax_id, name=f"{archived_name}{tag}")
                s.add(customer)
                s.flush()
                dossier.customer_id = customer.id
                archive_no = f"GD{tag.upper()}{n:02d}"
                s.add(
                    ArchiveRecord(
                        archive_no=archive_no,
                        dossier_id=dossier.id,
                        customer_no=customer_no,
                        doc_category="资质",
                        location="A-01",
                        handler="张三",
                        reviewer="李四",
                    )
                )
            archived = f"{archived_name}{tag}" if archived_name else ""
            made.append(Made(dossier.id, name, tax_id, customer_no, reference, archived, archive_no))
    return made


def matches(d: Made, q: str) -> bool:
    """The search's definition: a literal fragment of a name (as read or archived) or the reference, or,
    without spaces and dashes in any case, of a tax or customer number."""
    key = number_key(q) or q
    names = (d.name, d.reference, d.archived_name)
    return any(q in v for v in names if v) or any(key in v for v in (d.tax_id, d.customer_no) if v)


def queries(tag: str) -> list[str]:
    return [
        "南海",  # two characters: no trigram
        "南",
        f"南海百货有限公司{tag}",
        "MA4W1",  # a tax number fragment
        "ma4w 12-3",  # as typed, lower case with separators
        "%",  # literal
        "明_达",
        "_",
        "新名",  # the archived customer's corrected name, not the name read
        "旧名",
        f"C{tag}",  # a customer number fragment
        f"REF-{tag}",
        "申请",
        "不存在的客户",
    ]


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:6]


def test_every_shape_of_the_queue_search_finds_what_the_definition_does(tx: Tx, tag: str) -> None:
    made = make(tx, tag)
    mine = {d.dossier_id for d in made}
    for q in queries(tag):
        for status in (DossierStatus.AWAITING_REVIEW.value, DossierStatus.ARCHIVED.value):
            with tx() as s:
                found = {row["id"] for row in review_queue(s, QueueFilter(status=status, q=q), TODAY).rows}
            wanted = {
                d.dossier_id for d in made if matches(d, q) and (d.archive_no != "") == (status == "archived")
            }
            assert found & mine == wanted, (q, status)


def test_the_archive_search_finds_what_the_definition_does(tx: Tx, tag: str) -> None:
    made = make(tx, tag)
    archived = [d for d in made if d.archive_no]
    for q in [*queries(tag), f"GD{tag}", f"gd{tag}03"]:
        with tx() as s:
            found = {row["archive_no"] for row in archive_records(s, q).rows}
        key = number_key(q)
        wanted = {d.archive_no for d in archived if matches(d, q) or key in d.archive_no}
        assert found & {d.archive_no for d in archived} == wanted, q


def test_a_longer_fragment_is_looked_up_in_the_trigram_indexes_on_postgresql(tx: Tx) -> None:
    with tx() as s:
        if s.get_bind().dialect.name != "postgresql":
            pytest.skip("pg_trgm indexes exist on PostgreSQL only")
        sql = select(Dossier.id).where(customer_matches("MA4W12345"))
        compiled = sql.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
        s.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: make the planner show its index
        plan = "\n".join(s.scalars(text(f"EXPLAIN {compiled}".replace("%%", "%"))))
    for index in (
        "ix_dossiers_customer_name_trgm",
        "ix_dossiers_customer_tax_id_trgm",
        "ix_customers_name_trgm",
    ):
        assert index in plan, plan


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-30, "overdue"), (-1, "overdue"), (0, "soon"), (2, "soon"), (3, "week"), (7, "week"), (8, "later")],
)
def test_a_deadline_falls_in_the_bucket_whose_range_holds_its_days_left(days: int, bucket: str) -> None:
    low, high = next((lo, hi) for key, _, lo, hi in DEADLINE_BUCKETS if key == bucket)
    assert (low is None or days >= low) and (high is None or days <= high)  # the table says so too
    assert bucket_of(date.fromordinal(TODAY.toordinal() + days), TODAY) == bucket
    assert bucket_of(None, TODAY) == NO_DEADLINE
