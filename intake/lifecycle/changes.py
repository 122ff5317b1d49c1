"""Changing an archived customer's data: a change request, reviewed by someone else, then the history.

Archived dossiers stay frozen; a customer's archived values change only here (or by a new approved dossier,
intake.lifecycle.customers). An administrator asks for new values of one or more fields with a reason and
evidence (the new permit's scan, stored by intake.files under the same rules as any upload); a reviewer who
did not ask approves or rejects it with a reason; approval writes the values and one history row per field
(002: every change keeps the value before it, with date, person and reason). Every step is audited.

Each function is one transaction and raises ChangeError with a message in Chinese for the clerk, naming the
field or file at fault. An unknown customer raises CustomerNotFoundError, a dormant one the role may not
read CustomerAccessError (intake.lifecycle.customers), an unknown request RequestNotFoundError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.files import ingest_uploads
from intake.identifiers.codes import classify_tin
from intake.identifiers.phones import parse_phone
from intake.lifecycle.context import Context
from intake.lifecycle.customers import KEY_FIELDS, CustomerAccessError, CustomerNotFoundError, may_read
from intake.vocabulary import field_name
from ocr.fields.values import canonical
from storage import changes as store
from storage.customers import tax_key
from storage.models import ChangeRequest, ChangeRequestStatus, Customer, Role

CHANGEABLE: tuple[str, ...] = KEY_FIELDS
"""The fields a customer's archived values hold (intake.lifecycle.customers), and so may be changed."""
MAX_VALUE = 200
MAX_REASON = 1000
MAX_EVIDENCE_FILES = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ACCOUNT = re.compile(r"\d{6,32}")
PHONES = frozenset({"tax_phone", "consignee_phone", "contact_phone"})


class ChangeError(ValueError):
    """A request or decision that cannot be carried out; the message (Chinese) is shown to the clerk."""


class RequestNotFoundError(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Requested:
    request_id: int
    rejected_files: tuple[str, ...]  # evidence files refused by the upload rules, with their reasons


# --------------------------------------------------------------------------------------------- validation


def _value(name: str, raw: object) -> str:
    """The new value as it will be archived (contract canonical form), or ChangeError naming the field."""
    label = field_name(name)
    if not isinstance(raw, str):
        raise ChangeError(f"{label}：新值必须是文字")
    if _CONTROL.search(raw):
        raise ChangeError(f"{label}：新值含有不可见的控制字符")
    value = canonical(raw)
    if not value:
        raise ChangeError(f"{label}：新值不能为空")
    if len(value) > MAX_VALUE:
        raise ChangeError(f"{label}：新值过长（最多 {MAX_VALUE} 个字符）")
    if name == "tax_id":
        value = tax_key(value)
        kind, problems = classify_tin(value)
        if problems or kind == "UNKNOWN":
            raise ChangeError(
                f"{label}：{value} 不是有效的统一社会信用代码或税务登记号（校验位不符或格式错误）"
            )
    elif name == "bank_account":
        value = re.sub(r"[\s-]", "", value)
        if not _ACCOUNT.fullmatch(value):
            raise ChangeError(f"{label}：应为 6–32 位数字")
    elif name in PHONES and parse_phone(value).kind is None:
        raise ChangeError(f"{label}：{value} 不是有效的电话号码")
    return value


def _changes(customer: Customer, changes: Mapping[str, object]) -> dict[str, str]:
    if not changes:
        raise ChangeError("请至少填写一个字段的新值")
    current = customer.values or {}
    out: dict[str, str] = {}
    for name, raw in changes.items():
        if name not in CHANGEABLE:
            raise ChangeError(f"字段 {name!r} 不能通过变更申请修改")
        value = _value(name, raw)
        if current.get(name) == value:
            raise ChangeError(f"{field_name(name)}：新值与现有值相同")
        out[name] = value
    return out


def _wanted(s: Session, customer: Customer, changes: Mapping[str, object]) -> dict[str, str]:
    """The validated new values; refused while another request for one of the fields awaits approval, or
    when the new tax number belongs to another customer."""
    wanted = _changes(customer, changes)
    for name, request_id in store.pending_fields(s, customer.id).items():
        if name in wanted:
            raise ChangeError(f"{field_name(name)}已有待审批的变更申请 #{request_id}：请先审批或驳回")
    if "tax_id" in wanted and (holder := store.tax_id_taken(s, wanted["tax_id"], customer.id)):
        raise ChangeError(f"税务登记号 {wanted['tax_id']} 已属于客户 {holder}")
    return wanted


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ChangeError(f"请填写{what}")
    if len(text) > MAX_REASON or _CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise ChangeError(f"{what}过长或含有控制字符（最多 {MAX_REASON} 个字符）")
    return text


def _readable(customer: Customer | None, customer_no: str, role: Role | None) -> Customer:
    """The customer, if this role may read it (None: the command line, everything)."""
    if customer is None:
        raise CustomerNotFoundError(customer_no)
    if role is not None and not may_read(customer.status, role):
        raise CustomerAccessError(customer_no)
    return customer


# ------------------------------------------------------------------------------------------------ request


def request_change(
    ctx: Context,
    customer_no: str,
    changes: Mapping[str, object],
    *,
    reason: str,
    evidence: Iterable[tuple[str, BinaryIO]],
    actor: str,
) -> Requested:
    """Ask for new values of a customer's fields; nothing changes until another person approves.

    The evidence goes through intake.files (sniffed, size/pixel/page limits, ZIPs unpacked) into the file
    store; at least one file must be accepted. Refused files are named in the result; a request whose evidence
    is all refused is not made.
    """
    reason = _reason(reason, "变更原因")
    with ctx.sessions() as s:  # refuse a bad request before storing any upload
        _wanted(s, _readable(store.customer_by_number(s, customer_no), customer_no, None), changes)
    uploads = list(evidence)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ChangeError(f"证明材料最多 {MAX_EVIDENCE_FILES} 个文件")
    result = ingest_uploads(uploads, ctx.store, ctx.limits)
    refused = tuple(r.reason for r in result.rejected)
    if not result.files:
        detail = "；".join(refused) if refused else "未上传文件"
        raise ChangeError(f"请上传证明材料（如新的开户许可证扫描件）：{detail}")
    scans = [store.Evidence(f.name, f.sha256, f.kind, f.size, f.page_count) for f in result.files]
    with ctx.sessions.begin() as s:
        customer = _readable(store.customer_by_number(s, customer_no, lock=True), customer_no, None)
        wanted = _wanted(s, customer, changes)  # again, under the lock: the values may have moved meanwhile
        request = store.create_request(s, customer, wanted, reason=reason, evidence=scans, actor=actor)
        return Requested(request.id, refused)


# ----------------------------------------------------------------------------------------------- decisions


def _locked(s: Session, customer_no: str, request_id: int) -> tuple[ChangeRequest, Customer]:
    request = store.lock_request(s, request_id)
    customer = store.customer_by_number(s, customer_no, lock=True)
    if customer is None:
        raise CustomerNotFoundError(customer_no)
    if request is None or request.customer_id != customer.id:
        raise RequestNotFoundError(request_id)
    return request, customer


def _not_the_requester(request: ChangeRequest, actor: str) -> None:
    if request.requested_by == actor:
        raise ChangeError("不能审批自己提交的变更申请：须由另一位审核员审批")


def approve_change(
    ctx: Context, customer_no: str, request_id: int, *, actor: str, reason: str | None = None
) -> dict[str, tuple[str | None, str]]:
    """Apply the request: the new values, one history row per field; returns field → (before, after)."""
    with ctx.sessions.begin() as s:
        request, customer = _locked(s, customer_no, request_id)
        _not_the_requester(request, actor)
        if "tax_id" in request.fields:
            holder = store.tax_id_taken(s, str(request.fields["tax_id"]["after"]), customer.id)
            if holder:
                raise ChangeError(f"税务登记号已属于客户 {holder}，不能批准")
        note = (reason or "").strip() or "同意变更"
        try:
            return store.approve_request(s, request, customer, actor=actor, reason=_reason(note, "审批意见"))
        except store.ChangeConflictError as exc:
            raise ChangeError(str(exc)) from exc


def reject_change(ctx: Context, customer_no: str, request_id: int, *, actor: str, reason: str) -> None:
    """Refuse the request with a reason; the customer's values stay as they are."""
    reason = _reason(reason, "驳回原因")
    with ctx.sessions.begin() as s:
        request, customer = _locked(s, customer_no, request_id)
        _not_the_requester(request, actor)
        try:
            store.reject_request(s, request, customer, actor=actor, reason=reason)
        except store.ChangeConflictError as exc:
            raise ChangeError(str(exc)) from exc


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class EvidenceView:
    id: int
    name: str
    kind: str
    size: int


@dataclass(frozen=True, slots=True)
class RequestView:
    id: int
    status: ChangeRequestStatus
    fields: dict[str, dict[str, str | None]]  # field → {"before", "after"}
    reason: str
    requested_by: str
    requested_at: datetime  # UTC; pages show it in DOSSIER_TIMEZONE
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    evidence: tuple[EvidenceView, ...]

    @property
    def awaiting(self) -> bool:
        return self.status == ChangeRequestStatus.AWAITING_APPROVAL


@dataclass(frozen=True, slots=True)
class HistoryView:
    customer_no: str
    name: str
    status: str
    values: dict[str, str]
    rows: list[store.HistoryRow]
    total: int
    page: int
    pages: int
    requests: list[RequestView]


def _view(request: ChangeRequest) -> RequestView:
    return RequestView(
        id=request.id,
        status=request.status,
        fields={n: {"before": f.get("before"), "after": f.get("after")} for n, f in request.fields.items()},
        reason=request.reason,
        requested_by=request.requested_by,
        requested_at=request.requested_at,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
        evidence=tuple(EvidenceView(e.id, e.name, e.kind, e.size) for e in request.evidence),
    )


def customer_history(ctx: Context, customer_no: str, *, role: Role | None, page: int = 1) -> HistoryView:
    """The customer's history (newest first, paged) and its change requests (awaiting first).

    A role that may not read dormant customers gets CustomerNotFoundError for one (002: narrower access).
    """
    with ctx.sessions() as s:
        customer = _readable(store.customer_by_number(s, customer_no), customer_no, role)
        rows, total = store.history_page(s, customer.id, page)
        requests = [_view(r) for r in store.requests_of(s, customer.id)]
        pages = max(1, -(-total // store.HISTORY_PER_PAGE))
        return HistoryView(
            customer_no=customer.customer_no,
            name=customer.name,
            status=customer.status.value,
            values={k: str(v) for k, v in (customer.values or {}).items()},
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            requests=requests,
        )


def known_values(ctx: Context, customer_no: str, fields: frozenset[str]) -> set[str]:
    """Every value the customer's `fields` hold, held or were asked to take: for masking free text."""
    with ctx.sessions() as s:
        customer = _readable(store.customer_by_number(s, customer_no), customer_no, None)
        now = {str(v) for k, v in (customer.values or {}).items() if k in fields and v}
        return now | store.values_of_fields(s, customer.id, fields)


def history_csv(
    ctx: Context, customer_no: str, *, role: Role | None, mask: store.Mask | None
) -> Iterator[str]:
    """The whole history as CSV chunks, read while they are sent. Looks the customer up first (raising
    CustomerNotFoundError before anything is sent), then streams in its own session."""
    with ctx.sessions() as s:
        customer_id = _readable(store.customer_by_number(s, customer_no), customer_no, role).id

    def chunks() -> Iterator[str]:
        with ctx.sessions() as s:
            yield from store.history_csv_chunks(store.history_rows(s, customer_id), mask, _zone(ctx))

    return chunks()


def export_history(ctx: Context, customer_no: str, target: Path) -> int:
    """Write the whole history as CSV to `target` (the command line); returns the number of rows."""
    with ctx.sessions() as s:
        customer = _readable(store.customer_by_number(s, customer_no), customer_no, None)
        return store.write_history_csv(store.history_rows(s, customer.id), target, zone=_zone(ctx))


def _zone(ctx: Context) -> ZoneInfo:
    """The time zone exports show times in (DOSSIER_TIMEZONE)."""
    return ZoneInfo(ctx.settings.timezone)


def evidence_file(
    ctx: Context, customer_no: str, request_id: int, evidence_id: int, *, role: Role | None
) -> tuple[bytes, str, str] | None:
    """(content, kind, display name) of one evidence scan of the customer's request (opened in memory: the
    file store seals it at rest)."""
    with ctx.sessions() as s:
        customer = _readable(store.customer_by_number(s, customer_no), customer_no, role)
        evidence = store.evidence_of(s, customer.id, request_id, evidence_id)
        if evidence is None:
            return None
        sha, kind, name = evidence.sha256, evidence.kind, evidence.name
    try:
        return ctx.store.read(sha), kind, name
    except FileNotFoundError:
        return None
