"""The customer's history in the review UI (Flask test client): an administrator requests a change with a
scan, a reviewer approves it, the history shows before → after (masked for staff) and exports as CSV; roles,
hostile parameters and uploads get Chinese answers, never a server error."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from review_ui import create_app
from review_ui.masking import mask
from storage import repository as repo
from storage.models import ChangeRequest, Customer, CustomerStatus, DossierStatus, Field
from tests.review_ui.conftest import ACCOUNT, TODAY, csrf_of, seed_dossier
from tests.workers.pages import tiny_pages

Login = Callable[[str], FlaskClient]
NUMBER = "C20261120001"
NEW_ACCOUNT = "6222020200199887766"
PAGE = f"/customers/{NUMBER}/history"


@pytest.fixture
def customer(ctx: Context) -> str:
    with ctx.sessions.begin() as s:
        s.add(
            Customer(
                customer_no=NUMBER,
                tax_id="91330100MA27XXXX1N",
                name="杭州明达贸易有限公司",
                values={
                    "customer_name": "杭州明达贸易有限公司",
                    "bank_name": "中国工商银行杭州分行",
                    "bank_account": ACCOUNT,
                },
            )
        )
    return NUMBER


@pytest.fixture
def scan(tmp_path: Path) -> bytes:
    return tiny_pages(tmp_path / "scans", 1)[0].read_bytes()


def _token(client: FlaskClient) -> str:
    return csrf_of(client.get(PAGE).get_data(as_text=True))


def _ask(client: FlaskClient, scan: bytes | None, **form: str) -> tuple[int, str]:
    data: dict[str, object] = {"csrf_token": _token(client), "reason": "客户更换基本户", **form}
    if scan is not None:
        data["evidence"] = (io.BytesIO(scan), "新开户许可证.png")
    response = client.post(f"/customers/{NUMBER}/changes", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def _request_id(ctx: Context) -> int:
    with ctx.sessions() as s:
        return int(s.scalars(select(ChangeRequest.id).order_by(ChangeRequest.id.desc())).first() or 0)


def test_request_approve_and_see_the_history(ctx: Context, login: Login, customer: str, scan: bytes) -> None:
    admin = login("administrator")
    reason = f"客户更换基本户，新账号 {NEW_ACCOUNT}"  # free text quoting a level-1 value
    status, _ = _ask(
        admin, scan, new_bank_account=NEW_ACCOUNT, new_bank_name="中国银行杭州分行", reason=reason
    )
    assert status == 303
    html = admin.get(PAGE).get_data(as_text=True)
    assert "变更申请 #" in html and "待审批" in html and "须由另一位审核员审批" in html
    request_id = _request_id(ctx)

    reviewer = login("reviewer")
    html = reviewer.get(PAGE).get_data(as_text=True)
    assert "批准" in html and "驳回" in html and "新开户许可证.png" in html
    evidence = reviewer.get(f"/customers/{NUMBER}/changes/{request_id}/evidence/1")
    assert evidence.status_code == 200 and evidence.data == scan and evidence.mimetype == "image/png"
    response = reviewer.post(
        f"/customers/{NUMBER}/changes/{request_id}/approve",
        data={"csrf_token": csrf_of(html), "reason": "与新许可证一致"},
    )
    assert response.status_code == 303
    html = reviewer.get(PAGE).get_data(as_text=True)
    assert "已批准" in html and "共 2 条" in html
    assert ACCOUNT in html and NEW_ACCOUNT in html and "银行账号" in html and "客户更换基本户" in html
    with ctx.sessions() as s:
        values = s.scalars(select(Customer.values).where(Customer.customer_no == NUMBER)).one()
    assert values["bank_account"] == NEW_ACCOUNT

    staff = login("staff").get(PAGE).get_data(as_text=True)
    assert ACCOUNT not in staff and NEW_ACCOUNT not in staff
    assert f"{mask(ACCOUNT)}" in staff and f"{mask(NEW_ACCOUNT)}" in staff and "申请变更" not in staff
    assert "新开户许可证.png" in staff and f"/changes/{request_id}/evidence/" not in staff


def test_the_history_csv_is_masked_for_staff(ctx: Context, login: Login, customer: str, scan: bytes) -> None:
    reason = f"新账号 {NEW_ACCOUNT}"
    assert _ask(login("administrator"), scan, new_bank_account=NEW_ACCOUNT, reason=reason)[0] == 303
    reviewer = login("reviewer")
    reviewer.post(
        f"/customers/{NUMBER}/changes/{_request_id(ctx)}/approve", data={"csrf_token": _token(reviewer)}
    )
    response = reviewer.get(f"/customers/{NUMBER}/history.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff变更日期,字段,变更前,变更后,变更人,变更原因,来源")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1][1:5] == ["银行账号", ACCOUNT, NEW_ACCOUNT, "reviewer"]
    staff = login("staff").get(f"/customers/{NUMBER}/history.csv").get_data(as_text=True)
    assert ACCOUNT not in staff and NEW_ACCOUNT not in staff and f"新账号 {mask(NEW_ACCOUNT)}" in staff


def test_the_requester_sees_no_decision_and_a_reviewer_rejects_with_a_reason(
    ctx: Context, login: Login, customer: str, scan: bytes
) -> None:
    assert _ask(login("administrator"), scan, new_bank_name="中国银行")[0] == 303
    request_id = _request_id(ctx)
    reviewer = login("reviewer")
    token = _token(reviewer)
    response = reviewer.post(f"/customers/{NUMBER}/changes/{request_id}/reject", data={"csrf_token": token})
    assert response.status_code == 400 and "请填写驳回原因" in response.get_data(as_text=True)
    response = reviewer.post(
        f"/customers/{NUMBER}/changes/{request_id}/reject",
        data={"csrf_token": token, "reason": "扫描件不清晰"},
    )
    assert response.status_code == 303
    html = reviewer.get(PAGE).get_data(as_text=True)
    assert "已拒绝" in html and "扫描件不清晰" in html and "共 0 条" in html


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("reviewer", "post", f"/customers/{NUMBER}/changes"),
        ("staff", "post", f"/customers/{NUMBER}/changes"),
        ("auditor", "post", f"/customers/{NUMBER}/changes"),
        ("administrator", "post", f"/customers/{NUMBER}/changes/1/approve"),
        ("administrator", "post", f"/customers/{NUMBER}/changes/1/reject"),
        ("staff", "post", f"/customers/{NUMBER}/changes/1/approve"),
        ("staff", "get", f"/customers/{NUMBER}/changes/1/evidence/1"),
    ],
)
def test_roles_are_enforced(login: Login, customer: str, role: str, method: str, path: str) -> None:
    client = login(role)
    kwargs = {"data": {"csrf_token": _token(client)}} if method == "post" else {}
    assert getattr(client, method)(path, **kwargs).status_code == 403


def test_hostile_parameters_get_chinese_answers(login: Login, customer: str) -> None:
    client = login("reviewer")
    response = client.get("/customers/C2026/history")
    assert response.status_code == 404 and "格式不对" in response.get_data(as_text=True)
    response = client.get("/customers/C19990101001/history")
    assert response.status_code == 404 and "没有客户编号为 C19990101001 的客户" in response.get_data(
        as_text=True
    )
    response = client.get(f"{PAGE}?page=abc")
    assert response.status_code == 400 and "参数 page 必须是正整数" in response.get_data(as_text=True)
    response = client.get(f"{PAGE}?page=99999999999")
    assert response.status_code == 400
    response = client.get("/customers/C19990101001/history.csv")
    assert response.status_code == 404
    token = _token(client)
    response = client.post(f"/customers/{NUMBER}/changes/999/approve", data={"csrf_token": token})
    assert response.status_code == 404 and "没有编号为 999 的变更申请" in response.get_data(as_text=True)
    response = client.get(f"/customers/{NUMBER}/changes/999/evidence/1")
    assert response.status_code == 404 and "证明材料" in response.get_data(as_text=True)
    assert client.post(f"/customers/{NUMBER}/changes/1/approve").status_code == 400  # no CSRF token


def test_bad_requests_are_refused_naming_the_field_or_file(login: Login, customer: str, scan: bytes) -> None:
    admin = login("administrator")
    status, html = _ask(admin, None, new_bank_name="中国银行")
    assert status == 400 and "请上传证明材料" in html
    status, html = _ask(admin, scan)
    assert status == 400 and "请至少填写一个字段的新值" in html
    status, html = _ask(admin, scan, new_tax_phone="12345")
    assert status == 400 and "税务电话：12345 不是有效的电话号码" in html
    status, html = _ask(admin, scan, new_bank_name="中国银行", reason="")
    assert status == 400 and "请填写变更原因" in html
    data = {
        "csrf_token": _token(admin),
        "reason": "换行",
        "new_bank_name": "中国银行",
        "evidence": (io.BytesIO(b"MZ\x90\x00 not a scan"), "setup.exe"),
    }
    response = admin.post(f"/customers/{NUMBER}/changes", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "setup.exe" in response.get_data(as_text=True)


def test_an_oversized_upload_is_refused_in_chinese(ctx: Context, customer: str, scan: bytes) -> None:
    app: Flask = create_app(ctx, start_reading=lambda _c, _d: None, today=lambda: TODAY)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 2**20
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"name": "administrator", "password": "s3cret-pw", "csrf_token": token})
    token = csrf_of(client.get(PAGE).get_data(as_text=True))
    data = {
        "csrf_token": token,
        "reason": "大文件",
        "new_bank_name": "中国银行",
        "evidence": (io.BytesIO(b"\0" * (3 * 2**20)), "big.png"),
    }
    response = client.post(f"/customers/{NUMBER}/changes", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "上传的证明材料过大：一次最多 2 MB" in response.get_data(
        as_text=True
    )


def test_a_dormant_customer_is_closed_to_staff(ctx: Context, login: Login, customer: str) -> None:
    with ctx.sessions.begin() as s:
        s.scalars(
            select(Customer).where(Customer.customer_no == NUMBER)
        ).one().status = CustomerStatus.DORMANT
    response = login("staff").get(PAGE)
    assert response.status_code == 403 and "已休眠" in response.get_data(as_text=True)
    assert login("auditor").get(PAGE).status_code == 200


def test_the_customer_page_links_here(login: Login, customer: str) -> None:
    html = login("reviewer").get(f"/customers/{NUMBER}").get_data(as_text=True)
    assert f'href="{PAGE}"' in html


def test_correcting_an_archived_dossier_points_to_a_change_request(ctx: Context, login: Login) -> None:
    seeded = seed_dossier(ctx)
    with ctx.sessions.begin() as s:
        repo.set_status(s, seeded.dossier_id, DossierStatus.ARCHIVED, actor="reviewer")
    client = login("reviewer")
    review_page = f"/dossiers/{seeded.dossier_id}"
    token = csrf_of(client.get(review_page).get_data(as_text=True))
    field_id = seeded.field_ids["bank_permit.bank_account"]
    response = client.post(
        f"/fields/{field_id}/correct",
        data={"csrf_token": token, "value": NEW_ACCOUNT},
        headers={"Referer": review_page},
    )
    assert response.status_code == 302
    assert "档案已归档，不能直接修改" in client.get(review_page).get_data(as_text=True)
    with ctx.sessions() as s:
        assert s.get_one(Field, field_id).value == ACCOUNT
