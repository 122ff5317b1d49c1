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
from storage.models import Dossier, utcnow

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
            blockers = check_and_save(s, dossier_id, ctx.rules, as_of=today, notice=NoticePolicy.KEEP)
            dossier = repo.get_dossier(s, dossier_id)
            log.info(
                "%s: deadline %s, %d blockers", customer_words(dossier), dossier.deadline or "无", blockers
            )
    return ids


def customer_words(dossier: Dossier) -> str:
    """How a notice names the dossier: its customer (name, tax number, customer number once assigned) as
    staff know it, then the dossier id to find it by — never the id alone."""
    parts = [dossier.customer_name or "未读到客户名称", f"税务登记号 {dossier.customer_tax_id or '未读到'}"]
    if dossier.customer_no:
        parts.append(f"客户编号 {dossier.customer_no}")
    return f"{'，'.join(parts)}（档案 {dossier.id}）"


def send_due_notices(ctx: Context, now: datetime | None = None) -> list[str]:
    """Audit, once per dossier, that the 24-hour missing-information notice is due (still incomplete)."""
    now = now or utcnow()
    sent: list[str] = []
    with ctx.sessions.begin() as s:
        for dossier in work.notices_due(s, now, action=NOTICE_ACTION):
            who = customer_words(dossier)
            log.warning("%s: missing information notice due (missing %s)", who, dossier.missing)
            repo.audit(
                s, "system", NOTICE_ACTION, dossier_id=dossier.id, entity=f"dossier:{dossier.id}",
                after={
                    "customer_name": dossier.customer_name, "tax_id": dossier.customer_tax_id,
                    "customer_no": dossier.customer_no, "missing": list(dossier.missing or []),
                    "due_at": dossier.notice_due_at,
                },
            )  # fmt: skip
            sent.append(dossier.id)
    return sent
