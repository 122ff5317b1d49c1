"""The reviewer's part of the lifecycle: correct a field, override a finding, assign, decide.

Each function takes the Context and plain data and is one transaction. A decision the dossier's state does not
allow raises DecisionError with a message meant for the reviewer; an unknown dossier, field or finding raises
storage.repository.NotFoundError. `today` is always an argument: the caller (the UI's clock, a test) says
which day it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from intake.lifecycle import customers, filing
from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context, data_ring
from intake.lifecycle.reading import page_image_path
from intake.vocabulary import doc_name, field_name, status_name, value_code
from storage import queries, sealed_files
from storage import repository as repo
from storage import review as store
from storage.models import Dossier, DossierStatus

NOTICE_HOURS = 24
DECIDABLE = (DossierStatus.AWAITING_REVIEW, DossierStatus.SENT_BACK)
DECISIONS = ("approve", "send_back", "reject")


class DecisionError(ValueError):
    """A decision the dossier's state does not allow; the message is shown to the user."""


class UnconfirmedDoubtsError(DecisionError):
    """Approval while doubtful fields are neither confirmed nor corrected; `field_ids` in the page's order."""

    def __init__(self, message: str, field_ids: list[int]) -> None:
        super().__init__(message)
        self.field_ids = field_ids


NAMED_DOUBTS = 5  # the refusal names this many doubtful fields, then says how many more


@dataclass(frozen=True, slots=True)
class Corrected:
    dossier_id: str
    blockers: int  # open blockers once the rules ran again


@dataclass(frozen=True, slots=True)
class Decided:
    """The outcome of a decision: the dossier's new status and what came of it."""

    status: DossierStatus
    archive_no: str | None = None
    customer_no: str | None = None
    notice_due_at: datetime | None = None


def correct_field(ctx: Context, field_id: int, value: str, *, actor: str, reason: str | None) -> Corrected:
    """Correct (or confirm) a field and check the dossier again at once, as of the day it was received.

    A correction never moves the dossier through the workflow; a notice already promised to the customer is
    kept (NoticePolicy.KEEP_OR_START).
    """
    with ctx.sessions.begin() as s:
        stored = value_code(value.strip())  # the edit box shows 长期 for long_term: keep the code
        field = repo.correct_field(s, field_id, stored, actor=actor, reason=reason or None)
        dossier = repo.get_dossier(s, field.dossier_id)
        _not_frozen(dossier)  # raising here rolls the correction back
        blockers = check_and_save(
            s, dossier.id, ctx.rules, as_of=dossier.as_of, notice=NoticePolicy.KEEP_OR_START
        )
        return Corrected(dossier.id, blockers)


CONFIRMED_AS_READ = "按读取结果确认"


def confirm_field(ctx: Context, field_id: int, *, actor: str) -> Corrected:
    """✓: the reviewer looked at the field and its value as read is right. Recorded like a correction to the
    same value (who and when on the field, an audit event with this reason), so it is no longer doubtful."""
    with ctx.sessions() as s:
        value = store.field_value(s, field_id)
    return correct_field(ctx, field_id, value, actor=actor, reason=CONFIRMED_AS_READ)


@dataclass(frozen=True, slots=True)
class Doubt:
    """A doubtful field still to be confirmed or corrected, in the order the review page leads to them."""

    field_id: int
    doc_type: str
    name: str
    reasons: tuple[str, ...]


def doubts(ctx: Context, dossier_id: str) -> list[Doubt]:
    """The dossier's doubtful fields nobody has confirmed or corrected yet (approval waits for them)."""
    with ctx.sessions() as s:
        rows = store.unconfirmed_doubts(s, dossier_id)
    return [Doubt(f.id, doc_type, f.name, f.reasons) for doc_type, f in rows]


def override_finding(ctx: Context, finding_id: int, *, actor: str, reason: str) -> str:
    """An administrator accepts a blocker with a reason; returns the finding's dossier id."""
    if not reason.strip():
        raise DecisionError("豁免检查结果必须填写理由")
    with ctx.sessions.begin() as s:
        row = repo.override_finding(s, finding_id, actor=actor, reason=reason.strip())
        _not_frozen(repo.get_dossier(s, row.dossier_id))  # raising here rolls the override back
        return row.dossier_id


FROZEN = (DossierStatus.APPROVED, DossierStatus.ARCHIVED)


def _not_frozen(dossier: Dossier) -> None:
    """An archived dossier is a record: it never changes in place. Its customer's data changes only through a
    reviewed change request (intake.lifecycle.changes), which keeps every earlier value."""
    if dossier.status in FROZEN:
        where = f"（客户编号 {dossier.customer_no}）" if dossier.customer_no else ""
        raise DecisionError(f"档案已归档，不能直接修改：请在客户的变更历史页面提交变更申请{where}")


def assign_reviewer(ctx: Context, dossier_id: str, reviewer: str | None, *, actor: str) -> None:
    """Give the dossier to a reviewer (None or "": to nobody)."""
    with ctx.sessions.begin() as s:
        store.assign_reviewer(s, dossier_id, reviewer or None, actor=actor)


def decide(
    ctx: Context,
    dossier_id: str,
    decision: str,
    *,
    actor: str,
    today: date,
    reason: str | None = None,
    copies: int = 1,
) -> Decided:
    """approve, send_back or reject, by name (as the forms and the API send it)."""
    if decision == "approve":
        return approve(ctx, dossier_id, actor=actor, today=today, copies=copies)
    if decision == "send_back":
        return send_back(ctx, dossier_id, actor=actor, reason=reason)
    if decision == "reject":
        return reject(ctx, dossier_id, actor=actor, reason=reason or "")
    raise DecisionError(f"未知的决定“{decision}”：应为批准、退回补充或拒绝")


def approve(ctx: Context, dossier_id: str, *, actor: str, today: date, copies: int = 1) -> Decided:
    """Archive the dossier under its customer number; refused while a blocker is open (not overridden)."""
    with ctx.sessions.begin() as s:
        _decidable(s, dossier_id)
        dossier = repo.get_dossier(s, dossier_id)
        if dossier.blockers:
            raise DecisionError(f"还有 {dossier.blockers} 个阻断问题未解决：请先更正字段，或由档案管理员豁免")
        _all_doubts_seen(s, dossier_id)
        if copies < 1:
            raise DecisionError("纸质份数至少为 1")
        repo.set_status(s, dossier_id, DossierStatus.APPROVED, actor=actor)
        try:  # the customer for life of the tax number: its lifelong number, its values, its history
            customer_no = customers.archive_customer(s, dossier_id, actor=actor, today=today).customer_no
        except customers.NoTaxNumberError as exc:
            raise DecisionError(str(exc)) from exc
        try:  # the archive number of the day, then each document filed as PDF + originals (files first)
            filed = filing.file_dossier(
                ctx, s, dossier_id, customer_no=customer_no, on=today, copies=copies, reviewer=actor
            )
        except filing.FilingError as exc:
            raise DecisionError(str(exc)) from exc
        repo.set_status(s, dossier_id, DossierStatus.ARCHIVED, actor=actor)
        return Decided(DossierStatus.ARCHIVED, archive_no=filed.archive_no, customer_no=customer_no)


def _all_doubts_seen(s: Session, dossier_id: str) -> None:
    """Nothing doubtful is archived unseen: every doubtful field confirmed (✓) or corrected, else refused with
    the fields named (document, field, why)."""
    doubts = store.unconfirmed_doubts(s, dossier_id)
    if not doubts:
        return
    named = "；".join(
        f"{doc_name(doc_type)}·{field_name(f.name)}（{'，'.join(f.reasons)}）"
        for doc_type, f in doubts[:NAMED_DOUBTS]
    )
    more = f"等（另有 {len(doubts) - NAMED_DOUBTS} 个）" if len(doubts) > NAMED_DOUBTS else ""
    raise UnconfirmedDoubtsError(
        f"还有 {len(doubts)} 个存疑字段未确认：{named}{more}。请逐一确认（✓）或更正后再批准。",
        [f.id for _, f in doubts],
    )


def send_back(ctx: Context, dossier_id: str, *, actor: str, reason: str | None = None) -> Decided:
    """Ask the customer for missing information; the notice is due within 24 hours (002)."""
    with ctx.sessions.begin() as s:
        _decidable(s, dossier_id)
        due = datetime.now(UTC) + timedelta(hours=NOTICE_HOURS)
        repo.set_status(s, dossier_id, DossierStatus.SENT_BACK, actor=actor, reason=reason)
        store.schedule_notice(s, dossier_id, due, actor=actor, reason=reason)
        return Decided(DossierStatus.SENT_BACK, notice_due_at=due)


def reject(ctx: Context, dossier_id: str, *, actor: str, reason: str) -> Decided:
    if not reason.strip():
        raise DecisionError("拒绝档案必须填写理由")
    with ctx.sessions.begin() as s:
        _decidable(s, dossier_id)
        repo.set_status(s, dossier_id, DossierStatus.REJECTED, actor=actor, reason=reason.strip())
        return Decided(DossierStatus.REJECTED)


def _decidable(s: Session, dossier_id: str) -> None:
    dossier = repo.get_dossier(s, dossier_id)
    if dossier.status not in DECIDABLE:
        raise DecisionError(f"档案状态为“{status_name(dossier.status.value)}”，不在待审核中，不能作此决定")


def page_image_data(ctx: Context, dossier_id: str, page_id: int) -> bytes | None:
    """The upright image (JPEG) of one of the dossier's pages, as the reviewer sees it, opened in memory (it
    is sealed on disk, storage/sealed_files.py); None if there is none."""
    with ctx.sessions() as s:
        page = queries.page_of(s, dossier_id, page_id)
    if page is None:
        return None
    path = page_image_path(ctx.settings, dossier_id, page_id)
    return sealed_files.read_file(path, data_ring(ctx)) if path.is_file() else None
