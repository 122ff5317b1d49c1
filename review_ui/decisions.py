"""The reviewer's decisions on a dossier: approve (→ archive record), send back, reject.

Each function takes a session and plain data, changes the dossier and leaves an audit event; the caller owns
the transaction. A refused decision raises DecisionError with a message meant for the reviewer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import repository as repo
from storage.models import ArchiveRecord, AuditEvent, DossierStatus

NOTICE_HOURS = 24
DECIDABLE = (DossierStatus.AWAITING_REVIEW, DossierStatus.SENT_BACK)
ELECTRONIC = "电子"
QUALIFICATION = "资质"  # an onboarding dossier is qualification material (资质), whatever documents it holds


class DecisionError(ValueError):
    """A decision the dossier's state does not allow; the message is shown to the user."""


def _decidable(s: Session, dossier_id: str) -> None:
    dossier = repo.get_dossier(s, dossier_id)
    if dossier.status not in DECIDABLE:
        raise DecisionError(f"dossier is {dossier.status.value}, not awaiting review")


def _handler(s: Session, dossier_id: str) -> str:
    """Who uploaded the dossier (经办人): the actor of its creation event."""
    query = select(AuditEvent.actor).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "dossier.created"
    )
    return s.scalar(query.limit(1)) or "system"


def approve(s: Session, dossier_id: str, *, actor: str, on: date, copies: int = 1) -> ArchiveRecord:
    """Archive the dossier under its customer number; refused while a blocker is open (not overridden)."""
    _decidable(s, dossier_id)
    dossier = repo.get_dossier(s, dossier_id)
    if dossier.blockers:
        raise DecisionError(f"{dossier.blockers} open blocker(s): correct or override them first")
    if copies < 1:
        raise DecisionError("copies must be at least 1")
    repo.set_status(s, dossier_id, DossierStatus.APPROVED, actor=actor)
    customer_no = repo.assign_customer_no(s, dossier_id, on, actor=actor)
    record = ArchiveRecord(
        archive_no=f"GD{customer_no[1:]}",
        dossier_id=dossier_id,
        customer_no=customer_no,
        archived_at=datetime.now(UTC),
        doc_category=QUALIFICATION,
        copies=copies,
        location=ELECTRONIC,
        handler=_handler(s, dossier_id),
        reviewer=actor,
    )
    s.add(record)
    s.flush()
    repo.audit(
        s, actor, "archive.created", dossier_id=dossier_id, entity=f"archive:{record.archive_no}",
        after={"archive_no": record.archive_no, "customer_no": customer_no, "copies": copies},
    )  # fmt: skip
    repo.set_status(s, dossier_id, DossierStatus.ARCHIVED, actor=actor)
    return record


def send_back(s: Session, dossier_id: str, *, actor: str, reason: str | None = None) -> datetime:
    """Ask the customer for missing information; the notice is due within 24 hours (002)."""
    _decidable(s, dossier_id)
    due = datetime.now(UTC) + timedelta(hours=NOTICE_HOURS)
    dossier = repo.get_dossier(s, dossier_id)
    before = dossier.notice_due_at
    dossier.notice_due_at = due
    repo.set_status(s, dossier_id, DossierStatus.SENT_BACK, actor=actor, reason=reason)
    repo.audit(
        s, actor, "dossier.notice_scheduled", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
        before={"notice_due_at": before}, after={"notice_due_at": due}, reason=reason,
    )  # fmt: skip
    return due


def reject(s: Session, dossier_id: str, *, actor: str, reason: str) -> None:
    if not reason.strip():
        raise DecisionError("a reason is required to reject a dossier")
    _decidable(s, dossier_id)
    repo.set_status(s, dossier_id, DossierStatus.REJECTED, actor=actor, reason=reason.strip())


def override(s: Session, finding_id: int, *, actor: str, reason: str) -> str:
    """An administrator accepts a blocker with a reason; returns the finding's dossier id."""
    if not reason.strip():
        raise DecisionError("a reason is required to override a finding")
    return repo.override_finding(s, finding_id, actor=actor, reason=reason.strip()).dossier_id
