"""The audit trail readable for an auditor (issue 13): Chinese action names, before → after rows, local times.

A real dossier through the real lifecycle (a correction, an override), then the page as the auditor and the
administrator see it, through a Flask test client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import vocabulary
from intake.lifecycle import review as lifecycle
from intake.lifecycle.context import Context
from intake.settings import Settings, checked_timezone
from review_ui import create_app
from review_ui.audit_view import changes, value_text
from storage.models import ArchiveRecord, AuditEvent, CustomerHistory
from tests.intake.test_lifecycle_customers import archive_overriding_blockers
from tests.review_ui.conftest import PASSWORD, TODAY, Seeded, csrf_of
from tests.review_ui.visible import stray_english, visible_text

USERS = ["administrator", "reviewer", "staff", "auditor", "admin"]  # accounts: data, not interface
REFERENCE = "R-1"  # the seeded dossier's reference


def _corrected(ctx: Context, seeded: Seeded) -> str:
    field_id = seeded.field_ids["application_form.bank_name"]
    lifecycle.correct_field(ctx, field_id, "中国银行佛山分行", actor="reviewer", reason="核对原件")
    return "中国银行佛山分行"


def test_actions_by_name_changes_as_rows_no_escapes(
    ctx: Context, seeded: Seeded, login: Callable[[str], FlaskClient]
) -> None:
    new_value = _corrected(ctx, seeded)
    html = login("auditor").get(f"/dossiers/{seeded.dossier_id}/audit").get_data(as_text=True)
    text = visible_text(html)
    assert "更正字段" in text and "建立档案" in text
    assert "field.corrected" not in text and "\\u" not in html
    # the correction as 开户银行：旧值 → 新值, in Chinese characters, not JSON
    assert re.search(rf"开户银行：\s*中国工商银行杭州分行\s*→\s*{new_value}", text), text
    assert stray_english(text, data=[*USERS, REFERENCE]) == []
    assert 'class="grid wrap"' in html  # long values wrap (app.css), the table stays in the page


def test_times_in_the_configured_zone(ctx: Context, seeded: Seeded) -> None:
    with ctx.sessions() as s:
        first = s.scalars(select(AuditEvent).where(AuditEvent.dossier_id == seeded.dossier_id)).first()
        assert first is not None
        at = first.at if first.at.tzinfo else first.at.replace(tzinfo=UTC)
    for zone in ("Asia/Shanghai", "Europe/Berlin"):
        settings = Settings.for_data_dir(ctx.settings.data_dir, timezone=zone)
        app = create_app(_with(ctx, settings), start_reading=lambda *_: None, today=lambda: TODAY)
        client = _signed_in(app, "auditor")
        html = client.get(f"/dossiers/{seeded.dossier_id}/audit").get_data(as_text=True)
        shown = at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
        assert shown in html, (zone, shown)
        utc = at.strftime("%Y-%m-%d %H:%M:%S")
        if at.astimezone(ZoneInfo(zone)).utcoffset() != timedelta(0):
            assert utc not in html


def test_unknown_timezone_is_a_chinese_error() -> None:
    assert checked_timezone("Asia/Shanghai") == "Asia/Shanghai"
    with pytest.raises(ValueError, match="DOSSIER_TIMEZONE"):
        checked_timezone("Mars/Olympus")
    assert Settings.from_env({"DOSSIER_DATA_DIR": "/tmp/x"}).timezone == "Asia/Shanghai"


def test_value_and_change_wording() -> None:
    assert value_text("status", "awaiting_review") == vocabulary.status_name("awaiting_review")
    assert value_text("role", "auditor") == "审计员"
    assert value_text("active", False) == "否"
    assert value_text("confidence", [0.5, 1.0]) == "0.5、1.0"
    rows = changes({"status": "open"}, {"status": "overridden", "rule": "seal_mismatch"})
    assert [(r.label, r.before, r.after) for r in rows] == [
        ("状态", "未解决", "已豁免"),
        ("检查规则", None, vocabulary.rule_name("seal_mismatch")),  # context: no arrow
    ]
    assert value_text("valid_to", "long_term") == "长期"


def _with(ctx: Context, settings: Settings) -> Context:
    return replace(ctx, settings=settings)


def _signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    assert (
        client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    return client


def test_history_page_and_csv_in_the_configured_zone(ctx: Context, seeded: Seeded) -> None:
    customer_no = archive_overriding_blockers(ctx, seeded.dossier_id, TODAY)
    with ctx.sessions() as s:
        at = s.scalars(select(CustomerHistory.at).order_by(CustomerHistory.id.desc())).first()
        assert at is not None
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    for zone in ("Asia/Shanghai", "America/New_York"):
        settings = Settings.for_data_dir(ctx.settings.data_dir, timezone=zone)
        app = create_app(_with(ctx, settings), start_reading=lambda *_: None, today=lambda: TODAY)
        client = _signed_in(app, "auditor")
        shown = at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        page = client.get(f"/customers/{customer_no}/history").get_data(as_text=True)
        assert shown in page, zone
        csv_text = client.get(f"/customers/{customer_no}/history.csv").get_data(as_text=True)
        assert csv_text.splitlines()[1].startswith(shown), (zone, csv_text[:200])


def test_archive_dates_are_days_of_the_configured_zone(ctx: Context, seeded: Seeded) -> None:
    """Archived at 20:00 UTC on 30 Nov is 1 Dec in Shanghai and still 30 Nov in New York."""
    customer_no = archive_overriding_blockers(ctx, seeded.dossier_id, TODAY)
    with ctx.sessions.begin() as s:
        for record in s.scalars(select(ArchiveRecord)):
            record.archived_at = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    for zone, day in (("Asia/Shanghai", "2026-12-01"), ("America/New_York", "2026-11-30")):
        settings = Settings.for_data_dir(ctx.settings.data_dir, timezone=zone)
        app = create_app(_with(ctx, settings), start_reading=lambda *_: None, today=lambda: TODAY)
        client = _signed_in(app, "auditor")
        archive = visible_text(client.get("/archive").get_data(as_text=True))
        customer = visible_text(client.get(f"/customers/{customer_no}").get_data(as_text=True))
        other = "2026-11-30" if day == "2026-12-01" else "2026-12-01"
        assert day in archive and other not in archive, (zone, archive)
        assert day in customer, (zone, customer)
        rows = client.get("/api/archive").get_json()
        assert {r["archived_at"] for r in rows["records"]} == {day}, rows
