"""Customers for life in the lifecycle: a dossier meets its customer before review and becomes part of it at
approval; the customer pages, the ledger and dormancy.

- Before review (finishing): a dossier whose tax number belongs to a known customer is linked to it, so the
  reviewer sees, field by field, what this dossier says differently from the archived values.
- At approval (review.approve, in its transaction): the customer of the tax number is taken or created with
  its lifelong number; its archived values become this dossier's, each change kept in the history with the
  dossier as reason; the approval counts as activity (a dormant customer is active again).
- Dormancy (002): a customer with no archiving and no change for three years becomes dormant: kept, but only
  administrators and auditors may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.lifecycle.context import Context
from intake.types import RECORD_FIELDS
from intake.vocabulary import field_name
from storage import customers as store
from storage import ledger
from storage import repository as repo
from storage.models import Customer, CustomerStatus, Role
from storage.queries import PageOf

KEY_FIELDS: tuple[str, ...] = (
    *RECORD_FIELDS,
    "legal_representative",
    "address",
    "consignee_name",
    "consignee_phone",
    "receiving_address",
)
"""What a customer's archived values hold: the six invoice fields, then the key fields of its documents."""

SOURCES: Mapping[str, tuple[str, ...]] = {
    "legal_representative": ("business_license", "tax_registration", "application_form"),
    "address": ("business_license", "tax_registration"),
    "consignee_name": ("consignee_id", "logistics_contract", "application_form"),
    "consignee_phone": ("consignee_id", "logistics_contract", "application_form"),
    "receiving_address": ("logistics_contract", "consignee_id", "application_form"),
}
"""Where each key field beyond the record is taken from, best source first (the certificate before a form)."""

DORMANT_AFTER_YEARS = 3
DORMANT_READERS = (Role.ADMINISTRATOR, Role.AUDITOR)
"""Dormant customers are kept with narrower access (002): only these roles may read them."""

Mask = Callable[[str | None], str | None]


class NoTaxNumberError(ValueError):
    """The dossier has no tax number, so it cannot be tied to a customer for life."""


class CustomerNotFoundError(LookupError):
    pass


class CustomerAccessError(PermissionError):
    """The customer is dormant and the role may not read dormant customers."""


# ---------------------------------------------------------------------------------------- a dossier's values


def _pick(readings: Sequence[store.ReadValue], sources: tuple[str, ...]) -> str | None:
    """The best reading: from the best-ranked source document, a reviewer's correction before a reading,
    then the most confident; readings from other documents only when none of the sources has one."""

    def rank(r: store.ReadValue) -> tuple[int, bool, float]:
        place = sources.index(r.doc_type) if r.doc_type in sources else len(sources)
        return (place, not r.corrected, -r.confidence)

    usable = [r for r in readings if r.value.strip()]
    return min(usable, key=rank).value.strip() if usable else None


def dossier_values(s: Session, dossier_id: str) -> dict[str, str]:
    """The key fields of a dossier as they stand now: its record, plus the other key fields of its pages."""
    values = store.record_values(s, dossier_id)
    readings = store.read_values(s, dossier_id, list(SOURCES))
    for name, sources in SOURCES.items():
        value = _pick([r for r in readings if r.name == name], sources)
        if value:
            values[name] = value
    return {name: values[name] for name in KEY_FIELDS if values.get(name)}


@dataclass(frozen=True, slots=True)
class Difference:
    field: str
    name: str  # the field's Chinese name
    archived: str | None  # None: the customer has no archived value for it yet
    current: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """A dossier against the archived values of the customer it belongs to."""

    customer_no: str
    customer_name: str
    status: str
    differences: list[Difference] = field(default_factory=list)


def _same(name: str, archived: Any, value: str) -> bool:
    """Equal as archived; the tax number, the customer's key, is equal when its canonical form is."""
    if name == "tax_id" and archived:
        return store.tax_key(str(archived)) == store.tax_key(value)
    return bool(archived == value)


def differences(archived: Mapping[str, Any], current: Mapping[str, str]) -> list[Difference]:
    """Fields this dossier carries with a value other than the archived one, in key-field order."""
    out = []
    for name in KEY_FIELDS:
        value = current.get(name)
        if value and not _same(name, archived.get(name), value):
            out.append(Difference(name, field_name(name), archived.get(name), value))
    return out


def _customer_for(s: Session, dossier_id: str, values: Mapping[str, str]) -> Customer | None:
    """The customer of the dossier's tax number as it stands now: a correction may have made it another
    customer's, or a new one's (None); without a tax number, the customer it was linked to."""
    key = store.tax_key(values.get("tax_id"))
    return store.by_tax_key(s, key) if key else store.of_dossier(s, dossier_id)


def compare(s: Session, dossier_id: str) -> Comparison | None:
    """What the dossier says differently from its customer's archived values; None for a new customer."""
    values = dossier_values(s, dossier_id)
    customer = _customer_for(s, dossier_id, values)
    if customer is None:
        return None
    return Comparison(
        customer.customer_no,
        customer.name,
        customer.status.value,
        differences(customer.values or {}, values),
    )


def customer_comparison(ctx: Context, dossier_id: str) -> Comparison | None:
    with ctx.sessions() as s:
        return compare(s, dossier_id)


def link_known_customer(s: Session, dossier_id: str, *, actor: str = "system") -> Customer | None:
    """Before review: tie the dossier to the known customer of its tax number (no number given yet)."""
    customer = store.by_tax_key(s, store.tax_key(store.record_values(s, dossier_id).get("tax_id")))
    if customer is not None:
        store.link(s, dossier_id, customer, actor=actor, numbered=False)
    return customer


def archive_customer(s: Session, dossier_id: str, *, actor: str, today: date) -> Customer:
    """At approval: the dossier's customer for life, created with its number if new, its values updated.

    Called inside the approval's transaction; raises NoTaxNumberError (nothing changed) without a tax number.
    """
    values = dossier_values(s, dossier_id)
    key = store.tax_key(values.get("tax_id"))
    if not key:
        raise NoTaxNumberError("档案没有税务登记号，无法建立或关联客户：请先补充或更正税务登记号")
    customer, created = store.create(s, key, values.get("customer_name", ""), today, actor=actor)
    dossier = repo.get_dossier(s, dossier_id)
    label = dossier.reference or dossier.id
    reason = f"首次归档 {label}" if created else f"新档案 {label}"
    changed = {d.field: d.current for d in differences(customer.values or {}, values)}
    store.update_values(s, customer, changed, actor=actor, reason=reason, dossier_id=dossier_id)
    store.mark_archived(s, customer, today, actor=actor, dossier_id=dossier_id)
    store.link(s, dossier_id, customer, actor=actor, numbered=True)
    return customer


# --------------------------------------------------------------------------------------------- reading


def may_read(status: CustomerStatus | str, role: Role) -> bool:
    return CustomerStatus(status) != CustomerStatus.DORMANT or role in DORMANT_READERS


def _statuses_for(role: Role | None) -> tuple[CustomerStatus, ...] | None:
    """None: every status (administrators, auditors, the command line)."""
    if role is None or role in DORMANT_READERS:
        return None
    return (CustomerStatus.ACTIVE,)


def customer_listing(ctx: Context, page: int, *, role: Role) -> PageOf:
    """Customers newest first; a role that may not read dormant customers does not see them listed."""
    with ctx.sessions() as s:
        return store.listing(s, page, statuses=_statuses_for(role))


@dataclass(frozen=True, slots=True)
class CustomerPage:
    summary: dict[str, Any]
    values: list[tuple[str, str]]  # (field code, archived value), key fields first
    dossiers: list[dict[str, Any]]


def customer_page(ctx: Context, customer_no: str, *, role: Role) -> CustomerPage:
    """The customer's numbers, status, archived values and dossiers; raises CustomerNotFoundError or
    CustomerAccessError (dormant, and the role may not read dormant customers)."""
    with ctx.sessions() as s:
        customer = store.by_number(s, customer_no)
        if customer is None:
            raise CustomerNotFoundError(customer_no)
        if not may_read(customer.status, role):
            raise CustomerAccessError(customer_no)
        dossiers = store.dossiers_of(s, customer.id, ZoneInfo(ctx.settings.timezone))
        archived = sum(1 for d in dossiers if d["archive_no"])
        current = dict(customer.values or {})
        ordered = [k for k in KEY_FIELDS if current.get(k)]
        ordered += sorted(k for k in current if k not in KEY_FIELDS)
        return CustomerPage(
            summary=store.summary(customer, archived),
            values=[(k, str(current[k])) for k in ordered],
            dossiers=dossiers,
        )


# ---------------------------------------------------------------------------------------------- the ledger


def ledger_rows(ctx: Context, *, role: Role | None = None) -> Iterator[store.LedgerRow]:
    """Every customer the role may read, in number order, a batch per short transaction (bounded memory;
    writers are never held up for the length of an export or of a slow download)."""
    statuses, after, limit = _statuses_for(role), "", store.LEDGER_BATCH
    while True:
        with ctx.sessions() as s:
            batch = store.ledger_batch(s, after=after, limit=limit, statuses=statuses)
        yield from batch
        if len(batch) < limit:
            return
        after = batch[-1].customer_no


def export_ledger(
    ctx: Context, target: Path, fmt: str, *, level1: Mask | None = None, role: Role | None = None
) -> int:
    """Write the ledger to `target` as xlsx or csv; returns the number of customers written."""
    if fmt not in ledger.FORMATS:
        raise ValueError(f"未知的台账格式 {fmt!r}：只支持 xlsx 或 csv")
    rows = ledger_rows(ctx, role=role)
    if fmt == "xlsx":
        return ledger.write_xlsx(rows, target, level1)
    return ledger.write_csv(rows, target, level1)


def ledger_csv(ctx: Context, *, level1: Mask | None = None, role: Role | None = None) -> Iterator[str]:
    """The ledger as CSV chunks, read while they are sent."""
    return ledger.csv_chunks(ledger_rows(ctx, role=role), level1)


# ------------------------------------------------------------------------------------------------ dormancy


def dormancy_cutoff(as_of: date) -> date:
    """Three years before `as_of` (29 February falls back to the 28th)."""
    try:
        return as_of.replace(year=as_of.year - DORMANT_AFTER_YEARS)
    except ValueError:
        return as_of.replace(year=as_of.year - DORMANT_AFTER_YEARS, day=28)


def mark_dormant(ctx: Context, as_of: date, *, actor: str = "system") -> list[str]:
    """Make dormant every active customer without archiving or change since three years before `as_of`;
    one audit event each. Returns their customer numbers."""
    cutoff = dormancy_cutoff(as_of)
    with ctx.sessions.begin() as s:
        marked = []
        for customer in store.dormancy_candidates(s, cutoff):
            store.set_status(
                s, customer, CustomerStatus.DORMANT, actor=actor,
                reason=f"自 {cutoff.isoformat()} 起三年无归档或变更",
            )  # fmt: skip
            marked.append(customer.customer_no)
        return marked
