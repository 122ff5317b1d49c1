"""Change requests to an archived customer's values, and the customer's history: all their SQL.

A request stores, per field, the value it had when the request was made and the value asked for; approving it
writes the new values into `customers.values` and one `customer_history` row per field (before, after, when,
who, why, and the request), so the history holds every earlier value (002). The caller owns the transaction;
nothing here commits. Approval locks the request and the customer (FOR UPDATE on PostgreSQL; SQLite
serialises writers), so two reviewers deciding at once, or an approval of a new dossier for the same customer,
never lose an update or decide one request twice.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.vocabulary import field_name, status_name
from storage.models import (
    ChangeEvidence,
    ChangeRequest,
    ChangeRequestStatus,
    Customer,
    CustomerHistory,
    utcnow,
)
from storage.repository import audit

SHANGHAI = ZoneInfo("Asia/Shanghai")
HISTORY_PER_PAGE = 50
REQUESTS_SHOWN = 100
"""Change requests listed on the history page; every decided one is in the history and the audit trail."""
CSV_BATCH = 500
"""History rows fetched per round trip while exporting: memory stays flat for a customer of any age."""
CSV_HEADINGS = ("变更日期", "字段", "变更前", "变更后", "变更人", "变更原因", "来源")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Mask = Callable[[str, str | None], str | None]
"""(field code, value) → the value as this reader may see it (level-1 masking for staff); free text (a reason)
is passed with the field code "reason"."""


class ChangeConflictError(ValueError):
    """The request can no longer be decided as asked (decided already, values changed since); Chinese text."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """An evidence scan already in the file store (intake.files ingest)."""

    name: str
    sha256: str
    kind: str
    size: int
    page_count: int


# ------------------------------------------------------------------------------------------------ requests


def customer_by_number(s: Session, customer_no: str, *, lock: bool = False) -> Customer | None:
    query = select(Customer).where(Customer.customer_no == customer_no)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return s.scalars(query).one_or_none()


def pending_fields(s: Session, customer_id: int) -> dict[str, int]:
    """Fields with a request still awaiting approval → that request's id."""
    query = select(ChangeRequest.id, ChangeRequest.fields).where(
        ChangeRequest.customer_id == customer_id,
        ChangeRequest.status == ChangeRequestStatus.AWAITING_APPROVAL,
    )
    return {name: request_id for request_id, fields in s.execute(query) for name in fields or {}}


def create_request(
    s: Session,
    customer: Customer,
    changes: Mapping[str, str],
    *,
    reason: str,
    evidence: Sequence[Evidence],
    actor: str,
) -> ChangeRequest:
    """Record a request; the customer's values are untouched until it is approved."""
    current = customer.values or {}
    fields = {name: {"before": current.get(name), "after": value} for name, value in changes.items()}
    request = ChangeRequest(customer_id=customer.id, fields=fields, reason=reason, requested_by=actor)
    s.add(request)
    s.flush()
    s.add_all(
        ChangeEvidence(
            change_request_id=request.id, name=e.name, sha256=e.sha256, kind=e.kind, size=e.size,
            page_count=e.page_count,
        )
        for e in evidence
    )  # fmt: skip
    audit(
        s, actor, "change.requested", entity=f"customer:{customer.customer_no}",
        before={name: f["before"] for name, f in fields.items()},
        after={"request": request.id, **{name: f["after"] for name, f in fields.items()},
               "evidence": [e.sha256 for e in evidence]},
        reason=reason,
    )  # fmt: skip
    s.flush()
    return request


def lock_request(s: Session, request_id: int) -> ChangeRequest | None:
    query = select(ChangeRequest).where(ChangeRequest.id == request_id).with_for_update()
    return s.scalars(query.execution_options(populate_existing=True)).one_or_none()


def _decided(request: ChangeRequest, status: ChangeRequestStatus, actor: str, reason: str) -> None:
    if request.status != ChangeRequestStatus.AWAITING_APPROVAL:
        raise ChangeConflictError(f"变更申请 #{request.id} 已{status_name(request.status)}，不能再次审批")
    request.status = status
    request.decided_by, request.decided_at, request.decision_reason = actor, utcnow(), reason


def approve_request(
    s: Session, request: ChangeRequest, customer: Customer, *, actor: str, reason: str
) -> dict[str, tuple[str | None, str]]:
    """Apply a locked request to its locked customer: new values, one history row per field, audited.

    Refused (ChangeConflictError, nothing changed) when a value changed since the request was made: the
    reviewer approved what the request showed, not what the customer holds now.
    """
    current = dict(customer.values or {})
    for name, change in request.fields.items():
        if current.get(name) != change.get("before"):
            now = current.get(name) or "（空）"
            raise ChangeConflictError(
                f"申请提交后，{field_name(name)}已被修改（现为 {now}）：请驳回本申请后重新提交"
            )
    _decided(request, ChangeRequestStatus.APPROVED, actor, reason)
    changed: dict[str, tuple[str | None, str]] = {}
    at = request.decided_at or utcnow()
    for name, change in request.fields.items():
        before, after = change.get("before"), str(change["after"])
        changed[name] = (before, after)
        current[name] = after
        s.add(
            CustomerHistory(
                customer_id=customer.id, field=name, before=before, after=after, at=at, actor=actor,
                reason=request.reason, change_request_id=request.id,
            )
        )  # fmt: skip
    customer.values = current  # a new dict: the JSON column sees the change
    if "customer_name" in changed:
        customer.name = changed["customer_name"][1]
    if "tax_id" in changed:
        customer.tax_id = changed["tax_id"][1]
    audit(
        s, actor, "change.approved", entity=f"customer:{customer.customer_no}",
        before={name: b for name, (b, _) in changed.items()},
        after={"request": request.id, **{name: a for name, (_, a) in changed.items()}},
        reason=reason,
    )  # fmt: skip
    s.flush()
    return changed


def reject_request(
    s: Session, request: ChangeRequest, customer: Customer, *, actor: str, reason: str
) -> None:
    _decided(request, ChangeRequestStatus.REJECTED, actor, reason)
    audit(
        s, actor, "change.rejected", entity=f"customer:{customer.customer_no}",
        after={"request": request.id, "fields": sorted(request.fields)}, reason=reason,
    )  # fmt: skip
    s.flush()


def values_of_fields(s: Session, customer_id: int, fields: frozenset[str]) -> set[str]:
    """Every value these fields of the customer have had or were asked to take (history and requests): what
    free text about the customer may quote, so a reader who must not see them can have them masked."""
    query = select(CustomerHistory.before, CustomerHistory.after).where(
        CustomerHistory.customer_id == customer_id, CustomerHistory.field.in_(sorted(fields))
    )
    found = {value for row in s.execute(query) for value in row if value}
    requested = select(ChangeRequest.fields).where(ChangeRequest.customer_id == customer_id)
    for changes in s.scalars(requested):
        for name, change in (changes or {}).items():
            if name in fields and isinstance(change, dict):
                found.update(str(v) for v in (change.get("before"), change.get("after")) if v)
    return found


def tax_id_taken(s: Session, key: str, customer_id: int) -> str | None:
    """The customer number of another customer holding this tax number, if any."""
    query = select(Customer.customer_no).where(Customer.tax_id == key, Customer.id != customer_id)
    return s.scalar(query)


def requests_of(s: Session, customer_id: int, limit: int = REQUESTS_SHOWN) -> list[ChangeRequest]:
    """The customer's requests, those awaiting approval first, then newest first (with their evidence); at
    most `limit` (those awaiting approval are few: one per field at a time)."""
    awaiting = ChangeRequest.status == ChangeRequestStatus.AWAITING_APPROVAL
    query = (
        select(ChangeRequest)
        .where(ChangeRequest.customer_id == customer_id)
        .order_by(awaiting.desc(), ChangeRequest.requested_at.desc(), ChangeRequest.id.desc())
        .limit(limit)
    )
    requests = list(s.scalars(query))
    for request in requests:
        _ = request.evidence  # loaded while the session is open
    return requests


def evidence_of(s: Session, customer_id: int, request_id: int, evidence_id: int) -> ChangeEvidence | None:
    """One evidence scan, only through its own request and customer (ids from a URL are not trusted)."""
    query = (
        select(ChangeEvidence)
        .join(ChangeRequest, ChangeEvidence.change_request_id == ChangeRequest.id)
        .where(
            ChangeEvidence.id == evidence_id,
            ChangeRequest.id == request_id,
            ChangeRequest.customer_id == customer_id,
        )
    )
    return s.scalars(query).one_or_none()


# ------------------------------------------------------------------------------------------------- history


def shanghai(at: datetime | None, zone: ZoneInfo = SHANGHAI) -> str | None:
    """A stored UTC time as the clerks read it: in `zone` (DOSSIER_TIMEZONE; default Asia/Shanghai), to the
    minute."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at is not None else None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: datetime
    field: str
    before: str | None
    after: str | None
    actor: str
    reason: str | None
    dossier_id: str | None
    change_request_id: int | None

    @property
    def local_time(self) -> str:
        return shanghai(self.at) or ""

    @property
    def source(self) -> str:
        if self.change_request_id is not None:
            return f"变更申请 #{self.change_request_id}"
        if self.dossier_id:
            return f"档案 {self.dossier_id[:8]}"
        return ""


_HISTORY_COLUMNS = (
    CustomerHistory.at,
    CustomerHistory.field,
    CustomerHistory.before,
    CustomerHistory.after,
    CustomerHistory.actor,
    CustomerHistory.reason,
    CustomerHistory.dossier_id,
    CustomerHistory.change_request_id,
)


def _history_query(customer_id: int) -> Any:
    return (
        select(*_HISTORY_COLUMNS)
        .where(CustomerHistory.customer_id == customer_id)
        .order_by(CustomerHistory.at.desc(), CustomerHistory.id.desc())
    )


def history_page(s: Session, customer_id: int, page: int) -> tuple[list[HistoryRow], int]:
    """One page of the history, newest first, and the number of rows in all."""
    total = s.scalar(select(func.count(CustomerHistory.id)).where(CustomerHistory.customer_id == customer_id))
    query = _history_query(customer_id).limit(HISTORY_PER_PAGE).offset((max(page, 1) - 1) * HISTORY_PER_PAGE)
    return [HistoryRow(*row) for row in s.execute(query)], int(total or 0)


def history_rows(s: Session, customer_id: int) -> Iterator[HistoryRow]:
    """Every history row, newest first, fetched in batches."""
    query = _history_query(customer_id).execution_options(yield_per=CSV_BATCH)
    for row in s.execute(query):
        yield HistoryRow(*row)


def history_csv_chunks(
    rows: Iterator[HistoryRow], mask: Mask | None = None, zone: ZoneInfo = SHANGHAI
) -> Iterator[str]:
    """The history as CSV text (UTF-8 BOM first, so Excel reads the Chinese): Chinese headings, one chunk
    per batch of rows; times in `zone` (DOSSIER_TIMEZONE)."""

    def show(name: str, value: str | None) -> str:
        return _cell((mask(name, value) if mask else value) or "")

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADINGS)
    for n, row in enumerate(rows, 1):
        writer.writerow(
            (
                shanghai(row.at, zone) or "",
                field_name(row.field),
                show(row.field, row.before),
                show(row.field, row.after),
                _cell(row.actor),
                show("reason", row.reason),
                row.source,
            )
        )
        if n % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(text: str) -> str:
    """Values come from scans and clerks: one starting like a formula is kept as text in Excel."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_history_csv(
    rows: Iterator[HistoryRow], target: Path, mask: Mask | None = None, zone: ZoneInfo = SHANGHAI
) -> int:
    """Write the history CSV to `target`, replacing it atomically (a reader never sees half a file);
    returns the number of rows. OSError (no such directory, no permission) goes to the caller."""
    written = itertools.count()  # advanced once per row that reaches the file
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            counted = (row for row, _ in zip(rows, written, strict=False))
            for chunk in history_csv_chunks(counted, mask, zone):
                fh.write(chunk)
        Path(tmp).replace(target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return next(written)
