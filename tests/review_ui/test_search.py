"""The search pages over the review UI's seeded dossier: Chinese partial names, page text, numbers, masking
for staff, the JSON API, dormant customers, hostile parameters answered in Chinese (review_ui/search.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.lifecycle.context import Context
from review_ui.masking import mask
from storage.models import Customer, CustomerStatus
from tests.review_ui.conftest import ACCOUNT, Seeded

Login = Callable[[str], FlaskClient]
NAME = "杭州明达贸易有限公司"


def _customer(ctx: Context, *, no: str, name: str, status: CustomerStatus = CustomerStatus.ACTIVE) -> None:
    with ctx.sessions.begin() as s:
        s.add(
            Customer(
                customer_no=no,
                tax_id="91330100MA27" + no[-6:],
                name=name,
                status=status,
                values={"bank_account": ACCOUNT, "bank_name": "中国工商银行杭州分行"},
            )
        )


def test_the_search_box_is_in_every_page_header(login: Login) -> None:
    html = login("reviewer").get("/queue").get_data(as_text=True)
    assert 'action="/search"' in html and "客户名称或编号、税号、账号、页面文字" in html


def test_a_two_character_name_finds_the_dossier_with_a_highlight(login: Login, seeded: Seeded) -> None:
    response = login("administrator").get("/search?q=明达")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/dossiers/{seeded.dossier_id}"' in html
    assert "<mark>明达</mark>" in html and NAME in html
    assert "尚未归档" in html  # not archived: no customer number yet
    assert "页面全文：1-business_license.jpg 第 1 页" in html  # two characters reach page text (SQLite)
    short = login("administrator").get("/search?q=达").get_data(as_text=True)
    assert "检索词太短，只检索了客户和档案的名称" in short and "<mark>达</mark>" in short


def test_page_text_names_the_file_and_page(login: Login, seeded: Seeded) -> None:
    html = login("reviewer").get("/search?q=明达贸易").get_data(as_text=True)
    assert "页面全文：1-business_license.jpg 第 1 页" in html
    assert "页面全文：3-application_form.jpg 第 1 页" in html
    assert "档案记录" in html


def test_a_customer_number_links_to_the_customer_page(ctx: Context, login: Login, seeded: Seeded) -> None:
    _customer(ctx, no="C20261120001", name=NAME)
    html = login("reviewer").get("/search?q=c2026 1120 001").get_data(as_text=True)
    rows = re.findall(r'<tr class="hit-(\w+)">', html)
    assert rows[0] == "customer"
    assert 'href="/customers/C20261120001"' in html and "精确匹配" in html


def test_staff_see_accounts_masked_in_excerpts(ctx: Context, login: Login, seeded: Seeded) -> None:
    _customer(ctx, no="C20261120002", name=NAME)
    html = login("staff").get(f"/search?q={ACCOUNT}").get_data(as_text=True)
    results = html[html.index('id="search-results"') :]  # the box above echoes what they typed
    assert ACCOUNT not in results and mask(ACCOUNT) in results
    assert results.count("<tr class=") >= 2  # the customer and the dossier, both found
    admin = login("administrator").get(f"/search?q={ACCOUNT}").get_data(as_text=True)
    assert f"<mark>{ACCOUNT}</mark>" in admin
    data = login("staff").get(f"/api/search?q={ACCOUNT}").get_json()
    assert data["results"] and all(ACCOUNT not in r["snippet"] for r in data["results"])


def test_the_json_api_names_customer_place_and_highlight(login: Login, seeded: Seeded) -> None:
    response = login("auditor").get("/api/search?q=明达贸易")
    assert response.status_code == 200
    data = response.get_json()
    assert data["q"] == "明达贸易" and data["page"] == 1 and data["full_text"] is True
    pages = [r for r in data["results"] if r["kind"] == "page"]
    assert pages and pages[0]["kind_name"] == "页面全文"
    first = pages[0]
    assert first["customer"]["name"] == NAME and first["links"]["dossier"] == f"/dossiers/{seeded.dossier_id}"
    start, end = first["highlights"][0]
    assert first["snippet"][start:end] == "明达贸易"


def test_dormant_customers_only_for_administrators_and_auditors(ctx: Context, login: Login) -> None:
    _customer(ctx, no="C20231120003", name="宁波市江北区旧日五金店", status=CustomerStatus.DORMANT)
    assert "旧日五金店" not in login("reviewer").get("/search?q=旧日五金").get_data(as_text=True)
    assert "旧日五金店" not in login("staff").get("/search?q=旧日五金").get_data(as_text=True)
    assert "旧日五金店" in login("auditor").get("/search?q=旧日五金").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "佛" * 101, "参数 q 最多 100 个字符"),
        ("q=明达&page=abc", "参数 page"),
        ("q=明达&page=0", "参数 page"),
        ("q=明达&page=99999999999999999999", "参数 page"),
    ],
)
def test_bad_parameters_get_a_chinese_400(login: Login, query: str, message: str) -> None:
    client = login("reviewer")
    page = client.get(f"/search?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    api = client.get(f"/api/search?{query}")
    assert api.status_code == 400 and message in api.get_json()["detail"]


@pytest.mark.parametrize(
    "q", ['"', '" OR "', "NEAR(明达 贸易)", "%", "_", "%25%25", "\\", "明达*", "'--", "%00", "<script>", ""]
)
def test_hostile_queries_are_answered(login: Login, seeded: Seeded, q: str) -> None:
    client = login("administrator")
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main>")[1]
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_signing_in_is_required(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/search?q=明达").status_code == 302
    assert client.get("/api/search?q=明达").status_code == 401
