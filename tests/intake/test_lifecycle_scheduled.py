"""The scheduled notices name the dossier's customer (issue 13).

Staff act on 客户名称 and 税务登记号, not on a hex id: in the log line and in what the 24-hour notice
stores in the audit trail."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.lifecycle.scheduled import NOTICE_ACTION, remind_deadlines, send_due_notices
from storage import repository as repo
from storage.models import AuditEvent
from tests.review_ui.conftest import TODAY, make_context, seed_dossier

NAME, TAX_ID = "杭州明达贸易有限公司", "91330100MA27XXXX1N"  # what the seeded readings print


def test_notices_and_reminders_name_the_customer(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ctx = make_context(tmp_path)
    dossier_id = seed_dossier(ctx).dossier_id
    with ctx.sessions.begin() as s:
        dossier = repo.get_dossier(s, dossier_id)
        assert dossier.missing, "the seeded dossier lacks documents: its notice is due"
        dossier.notice_due_at = datetime.now(UTC) - timedelta(minutes=1)
    with caplog.at_level(logging.INFO, logger="intake.lifecycle.scheduled"):
        assert send_due_notices(ctx) == [dossier_id]
        assert remind_deadlines(ctx, TODAY + timedelta(days=1)) == [dossier_id]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all(NAME in line and TAX_ID in line for line in lines)
    with ctx.sessions() as s:
        notice = s.scalars(select(AuditEvent).where(AuditEvent.action == NOTICE_ACTION)).one()
    assert notice.after is not None
    assert (notice.after["customer_name"], notice.after["tax_id"]) == (NAME, TAX_ID)
    assert notice.after["missing"] == list(dossier.missing)
