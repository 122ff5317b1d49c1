"""The customer pages over HTTP: the list, one customer's page, the ledger downloads, dormant customers'
narrower access, Chinese refusals of bad parameters, and the review page's differences from the archive.

Dossiers are seeded without OCR (conftest.seed_dossier) and approved through the lifecycle, as a reviewer's
approval would.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import update

from intake.lifecycle import customers as lifecycle
from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context
from storage import repository as repo
from storage.models import CustomerHistory, Field
from tests.intake.test_lifecycle_customers import archive_overriding_blockers

from .conftest import ACCOUNT, TODAY, Seeded, seed_dossier

Login = Callable[[str], FlaskClient]
NEW_ACCOUNT = "6222020200177778888"


@pytest.fixture
def customer_no(ctx: Context, seeded: Seeded) -> str:
    return archive_overriding_blockers(ctx, seeded.dossier_id, TODAY)


def test_the_list_and_the_customer_page_show_the_customer(
    login: Login, seeded: Seeded, customer_no: str
) -> None:
    reviewer = login("reviewer")
    listing = reviewer.get("/customers").get_data(as_text=True)
    assert 'href="/customers"' in reviewer.get("/archive").get_data(as_text=True)  # the nav link 客户
    assert customer_no in listing and "杭州明达贸易有限公司" in listing and "正常" in listing

    page = reviewer.get(f"/customers/{customer_no}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ACCOUNT in html and "银行账号" in html and "首次归档日期" in html
    assert f'href="/dossiers/{seeded.dossier_id}"' in html
    assert f"/customers/{customer_no}/documents" in html and f"/customers/{customer_no}/history" in html


def test_staff_read_customers_with_level1_values_masked(login: Login, customer_no: str) -> None:
    html = login("staff").get(f"/customers/{customer_no}").get_data(as_text=True)
    assert ACCOUNT not in html and ACCOUNT[:4] + "*" * (len(ACCOUNT) - 8) + ACCOUNT[-4:] in html


def test_bad_parameters_and_unknown_numbers_get_chinese_errors(login: Login, customer_no: str) -> None:
    client = login("auditor")
    unknown = client.get("/customers/C20990101001")
    assert unknown.status_code == 404 and "没有客户编号为 C20990101001 的客户" in unknown.get_data(
        as_text=True
    )
    malformed = client.get("/customers/%3Cscript%3E")
    assert malformed.status_code == 404 and "格式不对" in malformed.get_data(as_text=True)
    assert "<script>" not in malformed.get_data(as_text=True)
    for bad in ("abc", "-1", "0", "9" * 30):
        response = client.get(f"/customers?page={bad}")
        assert response.status_code == 400 and "参数 page 必须是正整数" in response.get_data(as_text=True)
    assert client.get("/customers?page=99").status_code == 200  # past the end: an empty page


def test_a_dormant_customer_is_read_only_by_administrators_and_auditors(
    login: Login, ctx: Context, customer_no: str
) -> None:
    with (
        ctx.sessions.begin() as s
    ):  # the approval's history rows as written that day, not by this run's clock
        s.execute(update(CustomerHistory).values(at=datetime(2026, 11, 20, 9, tzinfo=UTC)))
    assert lifecycle.mark_dormant(ctx, date(2029, 11, 21)) == [customer_no]
    for role in ("reviewer", "staff"):
        client = login(role)
        refused = client.get(f"/customers/{customer_no}")
        assert refused.status_code == 403 and "已休眠" in refused.get_data(as_text=True)
        assert customer_no not in client.get("/customers").get_data(as_text=True)
    for role in ("administrator", "auditor"):
        page = login(role).get(f"/customers/{customer_no}").get_data(as_text=True)
        assert "休眠" in page


def test_the_ledger_downloads_as_xlsx_and_csv(login: Login, customer_no: str) -> None:
    admin = login("administrator")
    response = admin.get("/customers/ledger.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("客户编号", "客户名称", "税务登记号", "开户银行", "银行账号")
    assert rows[1][0] == customer_no and rows[1][4] == ACCOUNT

    staff_sheet = load_workbook(io.BytesIO(login("staff").get("/customers/ledger.xlsx").data)).active
    assert staff_sheet is not None
    staff_rows = list(staff_sheet.iter_rows(values_only=True))
    assert staff_rows[1][4] != ACCOUNT and str(staff_rows[1][4]).startswith(ACCOUNT[:4] + "****")

    text = admin.get("/customers/ledger.csv")
    assert text.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert text.data.startswith("\ufeff客户编号".encode())
    assert customer_no in text.get_data(as_text=True)


def test_the_review_page_and_the_api_show_what_differs_from_the_archive(
    login: Login, ctx: Context, customer_no: str
) -> None:
    second = seed_dossier(ctx, reference="R-2")
    with ctx.sessions.begin() as s:  # the permit of the second dossier carries a new account
        permit_account = s.get_one(Field, second.field_ids["bank_permit.bank_account"])
        permit_account.value = NEW_ACCOUNT
        check_and_save(s, second.dossier_id, ctx.rules, as_of=TODAY, notice=NoticePolicy.KEEP)
        lifecycle.link_known_customer(s, second.dossier_id)  # as finishing does
        assert repo.get_dossier(s, second.dossier_id).customer_id is not None

    html = login("reviewer").get(f"/dossiers/{second.dossier_id}").get_data(as_text=True)
    assert "与已归档信息的差异" in html and customer_no in html

    body = login("reviewer").get(f"/api/dossiers/{second.dossier_id}").get_json()
    assert body["dossier"]["id"] == second.dossier_id  # the contract's keys are all still there
    assert body["customer"]["customer_no"] == customer_no
    assert {"field": "bank_account", "name": "银行账号", "archived": ACCOUNT, "current": NEW_ACCOUNT} in body[
        "customer"
    ]["differences"]

    staff = login("staff").get(f"/api/dossiers/{second.dossier_id}").get_json()
    shown = {d["field"]: d for d in staff["customer"]["differences"]}
    assert ACCOUNT not in str(staff) and NEW_ACCOUNT not in str(staff)
    assert shown["bank_account"]["current"].startswith(NEW_ACCOUNT[:4] + "*")
