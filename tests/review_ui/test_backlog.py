"""The queue's length and the wait to expect, on the queue page and in /api/queue (issue 15)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from intake.lifecycle.context import Context
from review_ui.app import create_app
from storage import repository as repo
from storage.models import DossierStatus
from tests.review_ui.conftest import PASSWORD, TODAY

Login = Callable[[str], FlaskClient]


def _waiting_dossier(ctx: Context, pages: int) -> str:
    with ctx.sessions.begin() as s:
        dossier_id = repo.create_dossier(s, as_of=TODAY).id
        repo.add_file(s, dossier_id, name="批量.pdf", sha256="b" * 64, kind="pdf", size=1, page_count=pages)
        repo.set_status(s, dossier_id, DossierStatus.READING)
        return dossier_id


def test_the_queue_page_and_the_api_show_the_pages_waiting_and_the_wait(ctx: Context, login: Login) -> None:
    _waiting_dossier(ctx, 12)
    page = login("reviewer").get("/queue").get_data(as_text=True)
    assert "待识别 12 页" in page and "预计等待约" in page
    basic = base64.b64encode(f"reviewer:{PASSWORD}".encode()).decode()
    found = login("reviewer").get("/api/queue", headers={"Authorization": f"Basic {basic}"}).get_json()
    assert found["backlog"]["pages_waiting"] == 12
    assert found["backlog"]["est_wait_seconds"] > 0
    assert found["backlog"]["over_limit"] is False


def test_beyond_the_configured_backlog_uploads_are_still_taken_and_told_so(ctx: Context) -> None:
    _waiting_dossier(ctx, 12)
    small = replace(ctx, settings=replace(ctx.settings, max_backlog_pages=10))
    app: Flask = create_app(small, start_reading=lambda _ctx, _id: None, today=lambda: TODAY)
    client = app.test_client()
    basic = base64.b64encode(f"reviewer:{PASSWORD}".encode()).decode()
    found = client.get("/api/queue", headers={"Authorization": f"Basic {basic}"}).get_json()
    assert found["backlog"] == {**found["backlog"], "pages_waiting": 12, "over_limit": True}
