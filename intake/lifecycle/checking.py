"""Run the checks on a dossier as it now stands and save their outcome: the one place this happens.

Three moments call it, and they differ only in the two explicit arguments:
- the end of reading (`finish`): as of the day the dossier was received, a missing-information notice
  starts now;
- a reviewer's correction: as of the day received, a notice already promised to the customer is kept;
- the daily deadline run: as of today (the deadline findings move with the calendar), the notice untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from intake.checks import RulesConfig, check_dossier
from intake.checks.outcome import MissingInfoNotice
from intake.record import assemble_record
from intake.types import CheckContext, Document
from ocr.types import DocType
from storage import repository as repo
from storage.models import Page, StoredFile


class NoticePolicy(StrEnum):
    """What happens to the 24-hour missing-information notice when the checks run again."""

    START = "start"  # due `due_hours` from now when the outcome asks for one, else none
    KEEP_OR_START = "keep_or_start"  # keep the promise already made; start the hours only for new gaps
    KEEP = "keep"  # leave the dossier's notice as it is


def check_and_save(
    s: Session,
    dossier_id: str,
    rules: RulesConfig,
    *,
    as_of: date,
    notice: NoticePolicy,
    now: datetime | None = None,
    pages: Sequence[tuple[StoredFile, Page]] | None = None,
    index_pages: bool = False,
) -> int:
    """Group the read pages, assemble the record, run the rules as of `as_of`, save; returns open blockers.

    Without a pickup date of its own the dossier takes the one printed on the application form (contract:
    `--pickup-date` defaults to 预计提货日期), and keeps it. `pages`: the dossier's pages in order
    (storage.contract_json.pages_in_order) when the caller loaded them in this session already;
    `index_pages`: its read pages are indexed for search with the dossier (storage.repository.save_outcome).
    """
    dossier = repo.get_dossier(s, dossier_id)
    documents = repo.documents_of(s, dossier_id, pages)
    record = assemble_record(documents)
    if dossier.pickup_date is None:
        dossier.pickup_date = form_pickup_date(documents)
    outcome = check_dossier(
        documents, record, CheckContext(as_of=as_of, pickup_date=dossier.pickup_date), rules
    )
    due = _notice_due(notice, dossier.notice_due_at, outcome.notice, now or datetime.now(UTC))
    repo.save_outcome(
        s,
        dossier_id,
        record,
        outcome.findings,
        outcome.completeness,
        outcome.deadline,
        due,
        pages=pages,
        index_pages=index_pages,
    )
    return dossier.blockers


def _notice_due(
    policy: NoticePolicy, promised: datetime | None, asked: MissingInfoNotice | None, now: datetime
) -> datetime | None:
    if policy is NoticePolicy.KEEP:
        return promised
    if asked is None:
        return None
    if policy is NoticePolicy.KEEP_OR_START and promised is not None:
        return promised
    return now + timedelta(hours=asked.due_hours)


def form_pickup_date(documents: Sequence[Document]) -> date | None:
    """The date printed on the application form (预计提货日期), if it reads as one."""
    for doc in documents:
        if doc.doc_type == DocType.APPLICATION_FORM and "pickup_date" in doc.fields:
            try:
                return date.fromisoformat(doc.fields["pickup_date"].value)
            except ValueError:
                continue
    return None
