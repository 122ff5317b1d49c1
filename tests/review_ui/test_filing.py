"""The customer's archived documents in the review UI: the list with the standard's fields, downloads of
the filed PDF, the originals and the manifest (role-checked, never cached), Chinese refusals for the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from intake.lifecycle.review import approve, confirm_field, doubts, override_finding
from storage import filing as stored
from storage.models import Customer, CustomerStatus, FindingRow, FindingStatus

from .conftest import TODAY, Seeded

Login = Callable[[str], FlaskClient]
CUSTOMER = "C20261120001"
BASE = f"/customers/{CUSTOMER}/documents"


@pytest.fixture
def archived(ctx: Context, seeded: Seeded) -> list[dict]:
    with ctx.sessions() as s:
        blockers = s.scalars(
            select(FindingRow.id).where(
                FindingRow.dossier_id == seeded.dossier_id,
                FindingRow.severity == "blocker",
                FindingRow.status == FindingStatus.OPEN,
            )
        ).all()
    for finding_id in blockers:
        override_finding(ctx, finding_id, actor="administrator", reason="纸质件已核")
    for doubt in doubts(ctx, seeded.dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")
    decided = approve(ctx, seeded.dossier_id, actor="reviewer", today=TODAY)
    assert decided.customer_no == CUSTOMER
    with ctx.sessions() as s:
        return stored.dossier_documents(s, seeded.dossier_id)


def test_the_customer_documents_page_lists_every_archive_record(login: Login, archived: list[dict]) -> None:
    response = login("reviewer").get(BASE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    assert "归档文件" in html and "资料类型" in html and "归档份数" in html and "审核人" in html
    for row in archived:
        assert f'data-archive-no="{row["archive_no"]}"' in html
        assert row["pdf_name"] in html
    assert "GD20261120001-01" in html and "营业执照" in html and "记录" in html and "第 1 版" in html
    # the dossier-level archive list leads here (staff, who may not read the files, get no link)
    assert f'href="{BASE}"' in login("auditor").get("/archive").get_data(as_text=True)
    assert f'href="{BASE}"' not in login("staff").get("/archive").get_data(as_text=True)


def test_the_filed_pdf_originals_and_manifest_download_unchanged(
    login: Login, ctx: Context, archived: list[dict]
) -> None:
    client = login("auditor")
    form = next(row for row in archived if row["doc_type"] == "application_form")

    pdf = client.get(f"{BASE}/{form['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(pdf.data).hexdigest() == form["pdf_sha256"]
    assert quote(form["pdf_name"]) in pdf.headers["Content-Disposition"]  # the Chinese name, RFC 5987

    original = client.get(f"{BASE}/{form['id']}/originals/1")
    assert original.status_code == 200
    assert hashlib.sha256(original.data).hexdigest() == form["originals"][0]["sha256"]
    assert original.data == ctx.store.read(form["originals"][0]["sha256"])  # sealed on disk, sent clear

    manifest = client.get(f"{BASE}/{form['id']}/manifest")
    assert manifest.status_code == 200
    body = json.loads(manifest.data)
    assert body["archive_no"] == form["archive_no"] and body["pdf"]["sha256"] == form["pdf_sha256"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/customers/C20991231001/documents", "没有客户编号为 C20991231001 的客户"),
        ("/customers/%3Cscript%3E/documents", "格式不对"),
        ("/customers/..%2F..%2Fetc/documents", "Not Found"),
        ("/customers/c20261120001/documents", "格式不对"),
        (f"{BASE}/999999/pdf", "没有编号为 999999 的归档文件"),
        (f"{BASE}/{10**30}/manifest", "的清单"),
        (f"{BASE}/{{doc}}/originals/0", "原件序号必须从 1 开始"),
        (f"{BASE}/{{doc}}/originals/2", "第 2 个原件"),
        (f"{BASE}/{{doc}}/../../../../etc/passwd", "Not Found"),
    ],
)
def test_unknown_customers_documents_and_files_get_a_chinese_404(
    login: Login, archived: list[dict], path: str, message: str
) -> None:
    response = login("administrator").get(path.format(doc=archived[0]["id"]))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    if message != "Not Found":  # else no route matched: Flask's own 404, nothing read from the disk
        assert message in html


def test_staff_and_the_anonymous_cannot_read_the_archive_and_dormant_customers_are_narrower(
    login: Login, app: object, ctx: Context, archived: list[dict]
) -> None:
    doc = archived[0]["id"]
    assert login("staff").get(BASE).status_code == 403
    assert login("staff").get(f"{BASE}/{doc}/pdf").status_code == 403
    anonymous = login("reviewer").application.test_client()
    assert anonymous.get(f"{BASE}/{doc}/pdf").status_code == 302  # to the sign-in page

    with ctx.sessions.begin() as s:
        s.scalars(
            select(Customer).where(Customer.customer_no == CUSTOMER)
        ).one().status = CustomerStatus.DORMANT
    refused = login("reviewer").get(f"{BASE}/{doc}/pdf")
    assert refused.status_code == 403 and "已休眠" in refused.get_data(as_text=True)
    assert login("auditor").get(f"{BASE}/{doc}/pdf").status_code == 200
