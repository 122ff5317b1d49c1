"""Every view of unmasked level-1 data is in the access log (issue 12): who, what, when — the customer's page
and history, the history CSV, the ledger (XLSX and CSV), the filed PDF and an original scan, and search
results quoting an account. Staff get those values masked (or not at all) and leave no entry.

An archived dossier through the real lifecycle (filed at approval), requests through a Flask test client, and
the audit trail read back from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import select

from intake import vocabulary
from intake.lifecycle import changes, filing
from intake.lifecycle.context import Context
from review_ui import access_log, auth
from review_ui.access_log import LEVEL1_DOWNLOADED, LEVEL1_VIEWED
from storage.models import AuditEvent, Role, User
from tests.intake.test_lifecycle_customers import archive_overriding_blockers
from tests.review_ui.conftest import ACCOUNT, TODAY, Seeded
from tests.workers.pages import tiny_pages

Login = Callable[[str], FlaskClient]


@pytest.fixture
def customer_no(ctx: Context, seeded: Seeded) -> str:
    return archive_overriding_blockers(ctx, seeded.dossier_id, TODAY)


def _entries(ctx: Context) -> list[tuple[str, str, str]]:
    with ctx.sessions() as s:
        rows = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_([LEVEL1_VIEWED, LEVEL1_DOWNLOADED]))
            .order_by(AuditEvent.id)
        )
        return [(e.actor, e.action, e.entity) for e in rows]


def _document(ctx: Context, customer_no: str) -> int:
    rows = filing.customer_documents(ctx, customer_no, role=Role.AUDITOR)
    assert rows, "approval files the archived documents"
    return int(rows[0]["id"])


@pytest.mark.parametrize("role", ["administrator", "auditor"])
def test_each_unmasked_view_and_download_is_logged(
    ctx: Context, login: Login, customer_no: str, role: str
) -> None:
    client = login(role)
    document = _document(ctx, customer_no)
    expected = [
        (f"/customers/{customer_no}", LEVEL1_VIEWED, f"customer:{customer_no}"),
        (f"/customers/{customer_no}/history", LEVEL1_VIEWED, f"customer_history:{customer_no}"),
        (f"/customers/{customer_no}/history.csv", LEVEL1_DOWNLOADED, f"customer_history:{customer_no}"),
        ("/customers/ledger.xlsx", LEVEL1_DOWNLOADED, "ledger:xlsx"),
        ("/customers/ledger.csv", LEVEL1_DOWNLOADED, "ledger:csv"),
        (
            f"/customers/{customer_no}/documents/{document}/pdf",
            LEVEL1_DOWNLOADED,
            f"archive_pdf:{customer_no}/{document}",
        ),
        (
            f"/customers/{customer_no}/documents/{document}/originals/1",
            LEVEL1_DOWNLOADED,
            f"archive_original:{customer_no}/{document}/1",
        ),
    ]
    for url, action, entity in expected:
        before = len(_entries(ctx))
        response = client.get(url)
        assert response.status_code == 200, url
        response.get_data()  # a streamed answer is generated (and logged) by now either way
        new = _entries(ctx)[before:]
        assert (role, action, entity) in new, (url, new)
    # a download is a copy: each one is logged, not only the first in the window
    client.get("/customers/ledger.csv").get_data()
    assert _entries(ctx).count((role, LEVEL1_DOWNLOADED, "ledger:csv")) == 2


def test_search_results_quoting_an_account_are_logged(ctx: Context, login: Login, customer_no: str) -> None:
    html = login("reviewer").get(f"/search?q={ACCOUNT}").get_data(as_text=True)
    shown = ACCOUNT in html.split('id="search-results"')[-1]  # the index may hold only a keyed hash of it
    searched = [e for e in _entries(ctx) if e[2].startswith("search:")]
    assert bool(searched) == shown  # logged exactly when the results quote the account in clear
    for actor, action, entity in searched:
        assert (actor, action) == ("reviewer", LEVEL1_VIEWED) and customer_no in entity
        assert ACCOUNT not in entity  # the log names whose data was shown, never the data


def test_the_search_log_entry_names_whose_values_were_shown(
    app: Flask, ctx: Context, customer_no: str
) -> None:
    with ctx.sessions() as s:
        auditor = s.scalars(select(User).where(User.name == "auditor")).one()
        signed_in = auth.SignedIn(user_id=auditor.id, name=auditor.name, role=auditor.role)
    with app.test_request_context("/search"):
        login_user(signed_in)
        access_log.search_results_viewed([customer_no, customer_no, "", "C20261120002"])
    assert _entries(ctx)[-1] == ("auditor", LEVEL1_VIEWED, f"search:{customer_no},C20261120002")


def test_a_search_without_level1_values_is_not_logged(ctx: Context, login: Login, customer_no: str) -> None:
    assert login("reviewer").get("/search?q=不存在的名字").status_code == 200
    assert not [e for e in _entries(ctx) if e[2].startswith("search:")]


def test_staff_see_masked_values_and_leave_no_entry(ctx: Context, login: Login, customer_no: str) -> None:
    client = login("staff")
    for url in (
        f"/customers/{customer_no}",
        f"/customers/{customer_no}/history",
        f"/customers/{customer_no}/history.csv",
        "/customers/ledger.csv",
        f"/search?q={ACCOUNT}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert ACCOUNT not in response.get_data(as_text=True).split('id="search-results"')[-1], url
    assert [e for e in _entries(ctx) if e[0] == "staff"] == []


def test_the_audit_page_names_these_entries(ctx: Context, login: Login, customer_no: str) -> None:
    assert vocabulary.audit_action_name(LEVEL1_DOWNLOADED) != LEVEL1_DOWNLOADED
    for kind in (
        "customer_history",
        "ledger",
        "archive_pdf",
        "archive_original",
        "search",
        "change_evidence",
    ):
        assert vocabulary.audit_entity_name(kind) != kind


def test_an_evidence_scan_download_is_logged(
    ctx: Context, login: Login, customer_no: str, tmp_path: Path
) -> None:
    scan = tiny_pages(tmp_path / "scans", 1)[0]
    with scan.open("rb") as fh:
        done = changes.request_change(
            ctx,
            customer_no,
            {"bank_name": "中国银行杭州分行"},
            reason="客户更换开户银行",
            evidence=[("新开户许可证.png", fh)],
            actor="administrator",
        )
    view = changes.customer_history(ctx, customer_no, role=Role.AUDITOR)
    evidence_id = next(r for r in view.requests if r.id == done.request_id).evidence[0].id
    url = f"/customers/{customer_no}/changes/{done.request_id}/evidence/{evidence_id}"
    assert login("auditor").get(url).status_code == 200
    entity = f"change_evidence:{customer_no}/{done.request_id}/{evidence_id}"
    assert ("auditor", LEVEL1_DOWNLOADED, entity) in _entries(ctx)
