"""Jobs run on a schedule (`dossier beat`): daily deadline reminders, the 24-hour missing-information notice.

Both only touch dossiers still open (awaiting review or sent back): an approved or archived dossier has no
deadline left to miss.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select

from intake.checks import check_dossier
from intake.pipeline import Context
from intake.record import assemble_record
from intake.types import CheckContext
from storage import repository as repo
from storage.models import AuditEvent, Dossier, DossierStatus, utcnow

log = logging.getLogger(__name__)
OPEN = (DossierStatus.AWAITING_REVIEW, DossierStatus.SENT_BACK)
NOTICE_ACTION = "dossier.missing_info_notice_due"


def remind_deadlines(ctx: Context, today: date) -> list[str]:
    """Re-run the checks of open dossiers as of today, so deadline_at_risk / deadline_overdue appear on time.

    The dossier's own as_of (the day it was received) is kept; only the findings move with the calendar.
    Returns the ids of the dossiers checked.
    """
    with ctx.sessions() as s:
        ids = list(s.scalars(select(Dossier.id).where(Dossier.status.in_(OPEN))))
    for dossier_id in ids:
        with ctx.sessions.begin() as s:
            dossier = repo.get_dossier(s, dossier_id)
            documents = repo.documents_of(s, dossier_id)
            record = assemble_record(documents)
            outcome = check_dossier(
                documents, record, CheckContext(as_of=today, pickup_date=dossier.pickup_date), ctx.rules
            )
            repo.save_outcome(
                s, dossier_id, record, outcome.findings, outcome.completeness, outcome.deadline,
                dossier.notice_due_at,
            )  # fmt: skip
    return ids


def send_due_notices(ctx: Context, now: datetime | None = None) -> list[str]:
    """Audit, once per dossier, that the 24-hour missing-information notice is due (still incomplete)."""
    now = now or utcnow()
    sent: list[str] = []
    with ctx.sessions.begin() as s:
        query = select(Dossier).where(
            Dossier.status.in_(OPEN),
            Dossier.complete.is_(False),
            Dossier.notice_due_at.is_not(None),
            Dossier.notice_due_at <= now,
        )
        for dossier in s.scalars(query):
            done = select(AuditEvent.id).where(
                AuditEvent.dossier_id == dossier.id, AuditEvent.action == NOTICE_ACTION
            )
            if s.scalar(done.limit(1)) is not None:
                continue
            log.warning(
                "dossier %s: missing information notice due (missing %s)", dossier.id, dossier.missing
            )
            repo.audit(
                s, "system", NOTICE_ACTION, dossier_id=dossier.id, entity=f"dossier:{dossier.id}",
                after={"missing": list(dossier.missing or []), "due_at": dossier.notice_due_at},
            )  # fmt: skip
            sent.append(dossier.id)
    return sent
