"""The reviewer's writes besides corrections and overrides (storage.repository): assignment, the notice
promised to the customer, and the archive record of an approved dossier, each with its audit event.

The caller owns the transaction; the rules of when these may happen are the application's
(intake.lifecycle.review).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ArchiveRecord, AuditEvent, Field
from storage.queries import FieldView, review_data
from storage.repository import NotFoundError, audit, get_dossier


def handler_of(s: Session, dossier_id: str) -> str:
    """Who uploaded the dossier (经办人): the actor of its creation event."""
    query = select(AuditEvent.actor).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "dossier.created"
    )
    return s.scalar(query.limit(1)) or "system"


def unconfirmed_doubts(s: Session, dossier_id: str) -> list[tuple[str, FieldView]]:
    """(document type, field) of every doubtful field nobody has confirmed or corrected yet, in the order the
    review page leads through them: the very list the page marks, so the page and the approval agree."""
    data = review_data(s, dossier_id)
    if data is None:
        raise NotFoundError(f"no dossier {dossier_id}")
    return [(doc.doc_type, f) for doc in data.documents for f in doc.fields if f.doubtful]


def field_value(s: Session, field_id: int) -> str:
    """The field's value as it stands (read, or as last corrected)."""
    field = s.get(Field, field_id)
    if field is None:
        raise NotFoundError(f"no field {field_id}")
    return field.value


def assign_reviewer(s: Session, dossier_id: str, reviewer: str | None, *, actor: str) -> None:
    dossier = get_dossier(s, dossier_id)
    before = dossier.assigned_reviewer
    dossier.assigned_reviewer = reviewer
    audit(
        s, actor, "dossier.assigned", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
        before={"assigned_reviewer": before}, after={"assigned_reviewer": reviewer},
    )  # fmt: skip


def schedule_notice(s: Session, dossier_id: str, due: datetime, *, actor: str, reason: str | None) -> None:
    """The missing-information notice is due by `due`."""
    dossier = get_dossier(s, dossier_id)
    before = dossier.notice_due_at
    dossier.notice_due_at = due
    audit(
        s, actor, "dossier.notice_scheduled", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
        before={"notice_due_at": before}, after={"notice_due_at": due}, reason=reason,
    )  # fmt: skip


ARCHIVE_NO_ATTEMPTS = 5


def add_archive_record(
    s: Session,
    dossier_id: str,
    *,
    on: date,
    customer_no: str,
    doc_category: str,
    copies: int,
    location: str,
    handler: str,
    reviewer: str,
) -> ArchiveRecord:
    """The dossier's archive record under the day's next archive number GD + YYYYMMDD + 3 digits.

    Archive numbers have their own daily sequence (a customer's later dossiers keep its customer number, so
    the number cannot be derived from it). A concurrent archiver that took the number first makes our insert
    fail on the unique constraint; the savepoint is rolled back and the next number tried.
    """
    prefix = f"GD{on:%Y%m%d}"
    for _ in range(ARCHIVE_NO_ATTEMPTS):
        record = ArchiveRecord(
            archive_no=f"{prefix}{_next_archive_sequence(s, prefix):03d}",
            dossier_id=dossier_id,
            customer_no=customer_no,
            archived_at=datetime.now(UTC),
            doc_category=doc_category,
            copies=copies,
            location=location,
            handler=handler,
            reviewer=reviewer,
        )
        try:
            with s.begin_nested():
                s.add(record)
                s.flush()
        except IntegrityError:
            continue
        audit(
            s, reviewer, "archive.created", dossier_id=dossier_id, entity=f"archive:{record.archive_no}",
            after={"archive_no": record.archive_no, "customer_no": customer_no, "copies": copies},
        )  # fmt: skip
        return record
    raise RuntimeError(f"could not number an archive record on {on} after {ARCHIVE_NO_ATTEMPTS} attempts")


def _next_archive_sequence(s: Session, prefix: str) -> int:
    query = select(func.max(ArchiveRecord.archive_no)).where(ArchiveRecord.archive_no.like(f"{prefix}___"))
    highest = s.scalar(query)
    sequence = int(highest[len(prefix) :]) + 1 if highest else 1
    if sequence > 999:
        raise ValueError(f"more than 999 archive numbers on {prefix[2:]}")
    return sequence
