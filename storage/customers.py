"""Customers for life (002): the customer row keyed by tax number, its lifelong number, its archived values
and their history, its dossiers, the ledger's rows and dormancy. All the SQL of the customer side is here.

The caller owns the transaction; nothing here commits. The number (C + YYYYMMDD + 3-digit sequence) is taken
from the customers table, never from dossiers: a customer keeps one number through every later dossier.
Two approvals racing for the same day's number, or for the same new tax number, are settled by the unique
constraints on `customers.customer_no` and `customers.tax_id` inside a savepoint: the loser of a number tries
the next one, the loser of a tax number takes the winner's customer (PostgreSQL makes the second INSERT wait
until the first transaction ends; SQLite serialises writers with BEGIN IMMEDIATE, see storage/db.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.identifiers.codes import canonical_code
from storage.models import (
    ArchiveRecord,
    Customer,
    CustomerHistory,
    CustomerStatus,
    Dossier,
    DossierStatus,
    Field,
    Page,
    RecordField,
)
from storage.queries import PER_PAGE, PageOf
from storage.repository import audit, get_dossier

NUMBER_ATTEMPTS = 20
"""Concurrent approvals on one day each lose at most once per rival; 20 covers any realistic burst."""
MAX_SEQUENCE = 999
TAX_KEY_LENGTH = 32  # customers.tax_id


class CustomerNumberError(RuntimeError):
    """No customer number could be given (the day's 999 are used up, or too many concurrent rivals)."""


def tax_key(tax_id: str | None) -> str:
    """The canonical key of a tax number (USCC or legacy): full-width folded, separators dropped, upper-case.

    Two dossiers whose tax numbers differ only in how they were printed (`９１３３…`, groups of digits) belong
    to one customer.
    """
    return canonical_code(tax_id or "")[:TAX_KEY_LENGTH]


# --------------------------------------------------------------------------------------------- look-ups


def by_tax_key(s: Session, key: str, *, lock: bool = False) -> Customer | None:
    """The customer of a canonical tax number; `lock` takes a row lock (FOR UPDATE) against a rival update."""
    if not key:
        return None
    query = select(Customer).where(Customer.tax_id == key)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return s.scalars(query).one_or_none()


def by_number(s: Session, customer_no: str) -> Customer | None:
    return s.scalars(select(Customer).where(Customer.customer_no == customer_no)).one_or_none()


def of_dossier(s: Session, dossier_id: str) -> Customer | None:
    """The customer a dossier is linked to, if any."""
    dossier = get_dossier(s, dossier_id)
    return s.get(Customer, dossier.customer_id) if dossier.customer_id is not None else None


# ------------------------------------------------------------------------------------------------ numbering


def create(s: Session, key: str, name: str, on: date, *, actor: str) -> tuple[Customer, bool]:
    """The customer of tax number `key`, created with the next number of day `on` if there is none yet.

    Returns (customer, created). The customer comes back row-locked, so the caller may update its values.
    """
    if not key:
        raise ValueError("a customer needs a tax number")
    prefix = f"C{on:%Y%m%d}"
    for _ in range(NUMBER_ATTEMPTS):
        existing = by_tax_key(s, key, lock=True)
        if existing is not None:
            return existing, False
        candidate = f"{prefix}{_next_sequence(s, prefix):03d}"
        customer = Customer(
            customer_no=candidate,
            tax_id=key,
            name=name,
            status=CustomerStatus.ACTIVE,
            values={},
            first_archived_on=on,
        )
        try:
            with s.begin_nested():
                s.add(customer)
                s.flush()
        except IntegrityError:
            continue  # a rival took this number, or this tax number: look again
        audit(
            s, actor, "customer.created", entity=f"customer:{candidate}",
            after={"customer_no": candidate, "tax_id": key, "name": name},
        )  # fmt: skip
        return customer, True
    raise CustomerNumberError(f"could not number a customer on {on} after {NUMBER_ATTEMPTS} attempts")


def _next_sequence(s: Session, prefix: str) -> int:
    query = select(func.max(Customer.customer_no)).where(Customer.customer_no.like(f"{prefix}%"))
    highest = s.scalar(query)
    sequence = int(highest[len(prefix) :]) + 1 if highest else 1
    if sequence > MAX_SEQUENCE:
        raise CustomerNumberError(f"more than {MAX_SEQUENCE} customer numbers on {prefix[1:]}")
    return sequence


def link(s: Session, dossier_id: str, customer: Customer, *, actor: str, numbered: bool) -> None:
    """Tie a dossier to its customer; `numbered` also gives it the customer's number (at archiving).

    The number on a dossier never changes once given; linking again to the same customer does nothing.
    """
    dossier = get_dossier(s, dossier_id)
    if dossier.customer_id != customer.id:
        before = dossier.customer_id
        dossier.customer_id = customer.id
        audit(
            s, actor, "dossier.customer_linked", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
            before={"customer_id": before},
            after={"customer_id": customer.id, "customer_no": customer.customer_no},
        )  # fmt: skip
    if numbered and not dossier.customer_no:
        dossier.customer_no = customer.customer_no
        audit(
            s, actor, "dossier.customer_no_assigned", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
            after={"customer_no": customer.customer_no},
        )  # fmt: skip
    s.flush()


# ----------------------------------------------------------------------------------------- archived values


def record_values(s: Session, dossier_id: str) -> dict[str, str]:
    """The dossier's six-field record as it stands (fields not read are left out)."""
    rows = s.execute(
        select(RecordField.name, RecordField.value).where(RecordField.dossier_id == dossier_id)
    ).all()
    return {name: value for name, value in rows if value}


@dataclass(frozen=True, slots=True)
class ReadValue:
    """One reading of a field on one of the dossier's pages: the application picks among them."""

    name: str
    value: str
    doc_type: str | None
    confidence: float
    corrected: bool


def read_values(s: Session, dossier_id: str, names: Sequence[str]) -> list[ReadValue]:
    """Every reading of the named fields on the dossier's pages."""
    query = (
        select(Field.name, Field.value, Page.doc_type, Field.confidence, Field.corrected)
        .join(Page, Field.page_id == Page.id)
        .where(Field.dossier_id == dossier_id, Field.name.in_(list(names)))
        .order_by(Field.id)
    )
    return [ReadValue(*row) for row in s.execute(query).all()]


def update_values(
    s: Session,
    customer: Customer,
    values: Mapping[str, str],
    *,
    actor: str,
    reason: str,
    dossier_id: str | None,
) -> dict[str, tuple[str | None, str]]:
    """Take the dossier's values as the customer's archived ones; one history row per changed value.

    A value the dossier does not carry (not read, empty) leaves the archived one as it is: a later dossier
    without a consignee page must not erase the consignee. Returns field → (before, after) of what changed.
    """
    current = dict(customer.values or {})
    changed: dict[str, tuple[str | None, str]] = {}
    for name, value in values.items():
        if not value or current.get(name) == value:
            continue
        changed[name] = (current.get(name), value)
        current[name] = value
        s.add(
            CustomerHistory(
                customer_id=customer.id,
                field=name,
                before=changed[name][0],
                after=value,
                actor=actor,
                reason=reason,
                dossier_id=dossier_id,
            )
        )
    if not changed:
        return changed
    customer.values = current  # a new dict: the JSON column sees the change
    if "customer_name" in changed:
        customer.name = changed["customer_name"][1]
    audit(
        s, actor, "customer.updated", dossier_id=dossier_id, entity=f"customer:{customer.customer_no}",
        before={k: b for k, (b, _) in changed.items()}, after={k: a for k, (_, a) in changed.items()},
        reason=reason,
    )  # fmt: skip
    s.flush()
    return changed


def mark_archived(s: Session, customer: Customer, on: date, *, actor: str, dossier_id: str) -> None:
    """An approval is activity: the day is remembered, and a dormant customer becomes active again."""
    if customer.first_archived_on is None or on < customer.first_archived_on:
        customer.first_archived_on = on
    if customer.last_archived_on is None or on > customer.last_archived_on:
        customer.last_archived_on = on
    if customer.status == CustomerStatus.DORMANT:
        set_status(
            s, customer, CustomerStatus.ACTIVE, actor=actor, reason="新档案归档", dossier_id=dossier_id
        )
    s.flush()


def set_status(
    s: Session,
    customer: Customer,
    status: CustomerStatus,
    *,
    actor: str,
    reason: str,
    dossier_id: str | None = None,
) -> None:
    before = customer.status
    if before == status:
        return
    customer.status = status
    audit(
        s, actor, f"customer.{status.value}", dossier_id=dossier_id,
        entity=f"customer:{customer.customer_no}",
        before={"status": before.value}, after={"status": status.value}, reason=reason,
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------ dormancy


def dormancy_candidates(s: Session, cutoff: date) -> list[Customer]:
    """Active customers with no archiving and no change of their values on or after `cutoff`."""
    cutoff_at = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
    recent_change = (
        select(CustomerHistory.id)
        .where(CustomerHistory.customer_id == Customer.id, CustomerHistory.at >= cutoff_at)
        .exists()
    )
    query = (
        select(Customer)
        .where(
            Customer.status == CustomerStatus.ACTIVE,
            func.coalesce(Customer.last_archived_on, Customer.first_archived_on) < cutoff,
            ~recent_change,
        )
        .order_by(Customer.id)
        .with_for_update()
    )
    return list(s.scalars(query))


# ------------------------------------------------------------------------------------------------- reading


def _archived_count() -> Any:
    """The customer's archived dossiers, as a correlated subquery (ix_dossiers_customer_id answers it)."""
    return (
        select(func.count(Dossier.id))
        .where(Dossier.customer_id == Customer.id, Dossier.status == DossierStatus.ARCHIVED)
        .correlate(Customer)
        .scalar_subquery()
    )


def summary(customer: Customer, dossiers: int | None) -> dict[str, Any]:
    return {
        "customer_no": customer.customer_no,
        "name": customer.name,
        "tax_id": customer.tax_id,
        "status": customer.status.value,
        "first_archived_on": _iso(customer.first_archived_on),
        "last_archived_on": _iso(customer.last_archived_on),
        "dossiers": int(dossiers or 0),
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def listing(s: Session, page: int = 1, *, statuses: Sequence[CustomerStatus] | None = None) -> PageOf:
    """Customers newest first (by id: numbers only grow), with their count of archived dossiers."""
    query = select(Customer, _archived_count())
    total_query = select(func.count(Customer.id))
    if statuses is not None:
        query = query.where(Customer.status.in_(list(statuses)))
        total_query = total_query.where(Customer.status.in_(list(statuses)))
    total = int(s.scalar(total_query) or 0)
    page = max(1, page)
    rows = s.execute(query.order_by(Customer.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return PageOf([summary(customer, n) for customer, n in rows.all()], total, page)


def _day(at: datetime, tz: tzinfo) -> str:
    """A stored time's calendar day in `tz` (naive means UTC)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(tz).date().isoformat()


def dossiers_of(s: Session, customer_id: int, tz: tzinfo = UTC) -> list[dict[str, Any]]:
    """The customer's dossiers, newest first, each with its archive record's number and date if archived
    (the calendar day in `tz`, DOSSIER_TIMEZONE)."""
    query = (
        select(Dossier, ArchiveRecord.archive_no, ArchiveRecord.archived_at)
        .outerjoin(ArchiveRecord, ArchiveRecord.dossier_id == Dossier.id)
        .where(Dossier.customer_id == customer_id)
        .order_by(Dossier.created_at.desc(), Dossier.id)
    )
    return [
        {
            "id": d.id,
            "reference": d.reference,
            "status": d.status.value,
            "received_on": d.as_of.isoformat(),
            "archive_no": archive_no,
            "archived_on": _day(archived_at, tz) if archived_at else None,
        }
        for d, archive_no, archived_at in s.execute(query).all()
    ]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One line of the customer ledger (客户信息台账)."""

    customer_no: str
    name: str
    tax_id: str
    values: Mapping[str, Any]
    status: str
    first_archived_on: date | None
    last_archived_on: date | None
    dossiers: int


LEDGER_BATCH = 500


def ledger_batch(
    s: Session,
    *,
    after: str = "",
    limit: int = LEDGER_BATCH,
    statuses: Sequence[CustomerStatus] | None = None,
) -> list[LedgerRow]:
    """The next `limit` customers in number order after number `after` (keyset paging).

    The caller reads the ledger batch by batch, each in its own short transaction: one long read would hold
    SQLite's write lock (every transaction begins IMMEDIATE, storage/db.py) for the whole export.
    """
    query = (
        select(
            Customer.customer_no,
            Customer.name,
            Customer.tax_id,
            Customer.values,
            Customer.status,
            Customer.first_archived_on,
            Customer.last_archived_on,
            _archived_count(),
        )
        .where(Customer.customer_no > after)
        .order_by(Customer.customer_no)
        .limit(limit)
    )
    if statuses is not None:
        query = query.where(Customer.status.in_(list(statuses)))
    return [
        LedgerRow(no, name, tax_id, values or {}, status.value, first, last, int(dossiers or 0))
        for no, name, tax_id, values, status, first, last, dossiers in s.execute(query).all()
    ]
