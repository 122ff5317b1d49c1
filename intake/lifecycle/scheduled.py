"""Jobs run on a schedule (`dossier beat`): daily deadline reminders, the 24-hour missing-information notice.

Both only touch dossiers still open (awaiting review or sent back): an approved or archived dossier has no
deadline left to miss.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context
from storage import repository as repo
from storage import work
from storage.models import utcnow

log = logging.getLogger(__name__)
NOTICE_ACTION = "dossier.missing_info_notice_due"


def remind_deadlines(ctx: Context, today: date) -> list[str]:
    """Re-run the checks of open dossiers as of today, so deadline_at_risk / deadline_overdue appear on time.

    The dossier's own as_of (the day it was received) is kept; only the findings move with the calendar, and
    the notice already due stays as it is. Returns the ids of the dossiers checked.
    """
    with ctx.sessions() as s:
        ids = work.open_dossier_ids(s)
    for dossier_id in ids:
        with ctx.sessions.begin() as s:
            check_and_save(s, dossier_id, ctx.rules, as_of=today, notice=NoticePolicy.KEEP)
    return ids


def send_due_notices(ctx: Context, now: datetime | None = None) -> list[str]:
    """Audit, once per dossier, that the 24-hour missing-information notice is due (still incomplete)."""
    now = now or utcnow()
    sent: list[str] = []
    with ctx.sessions.begin() as s:
        for dossier in work.notices_due(s, now, action=NOTICE_ACTION):
            log.warning(
                "dossier %s: missing information notice due (missing %s)", dossier.id, dossier.missing
            )
            repo.audit(
                s, "system", NOTICE_ACTION, dossier_id=dossier.id, entity=f"dossier:{dossier.id}",
                after={"missing": list(dossier.missing or []), "due_at": dossier.notice_due_at},
            )  # fmt: skip
            sent.append(dossier.id)
    return sent
