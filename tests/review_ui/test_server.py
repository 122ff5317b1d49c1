"""Server-side behaviour of the review UI (Flask test client): roles, CSRF, masking, the review flow."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from review_ui.masking import mask
from storage.models import ArchiveRecord, AuditEvent, Dossier, DossierStatus, FindingRow
from tests.review_ui.conftest import ACCOUNT, CONSIGNEE_ID, FORM_ACCOUNT, PASSWORD, Seeded, csrf_of

Login = Callable[[str], FlaskClient]


def _token(client: FlaskClient, path: str = "/archive") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def _basic(role: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{role}:{PASSWORD}".encode()).decode()}


def test_interface_speaks_chinese(login: Login) -> None:
    html = login("reviewer").get("/queue").get_data(as_text=True)
    assert "待审核队列" in html and "Review queue" not in html


def test_anonymous_is_sent_to_sign_in_and_api_answers_401(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/queue").status_code == 302
    assert client.get("/api/dashboard").status_code == 401


def test_wrong_password_is_refused(app: Flask) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"name": "reviewer", "password": "nope", "csrf_token": token})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("reviewer", "get", "/upload"),
        ("reviewer", "get", "/users"),
        ("staff", "get", "/queue"),
        ("staff", "get", "/api/queue"),
        ("auditor", "get", "/upload"),
        ("staff", "get", "/dossiers/{d}/audit"),
        ("reviewer", "get", "/dossiers/{d}/audit"),
        ("staff", "get", "/dossiers/{d}/pages/{p}/image"),
    ],
)
def test_roles_get_403_on_pages_they_may_not_see(
    login: Login, seeded: Seeded, role: str, method: str, path: str
) -> None:
    client = login(role)
    url = path.format(d=seeded.dossier_id, p=seeded.page_ids[0])
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", ["staff", "auditor"])
def test_read_only_roles_cannot_correct_or_decide(login: Login, seeded: Seeded, role: str) -> None:
    client = login(role)
    token = _token(client)
    field_id = seeded.field_ids["application_form.bank_account"]
    assert (
        client.post(f"/fields/{field_id}/correct", data={"value": ACCOUNT, "csrf_token": token}).status_code
        == 403
    )
    decide = {"decision": "reject", "reason": "x", "csrf_token": token}
    assert client.post(f"/dossiers/{seeded.dossier_id}/decide", data=decide).status_code == 403
    assert client.post("/upload", data={"csrf_token": token}).status_code == 403


def test_only_administrators_override_and_assign(login: Login, ctx: Context, seeded: Seeded) -> None:
    with ctx.sessions() as s:
        finding_id = s.scalar(select(FindingRow.id).where(FindingRow.rule == "bank_account_mismatch"))
    reviewer = login("reviewer")
    token = _token(reviewer)
    data = {"reason": "ok", "csrf_token": token}
    assert reviewer.post(f"/findings/{finding_id}/override", data=data).status_code == 403
    assign = {"reviewer": "reviewer", "csrf_token": token}
    assert reviewer.post(f"/dossiers/{seeded.dossier_id}/assign", data=assign).status_code == 403
    admin = login("administrator")
    data["csrf_token"] = _token(admin)
    assert admin.post(f"/findings/{finding_id}/override", data=data).status_code == 302
    with ctx.sessions() as s:
        assert s.get_one(FindingRow, finding_id).status.value == "overridden"


def test_forms_without_csrf_token_are_refused(login: Login, seeded: Seeded) -> None:
    client = login("reviewer")
    field_id = seeded.field_ids["application_form.bank_account"]
    assert client.post(f"/fields/{field_id}/correct", data={"value": ACCOUNT}).status_code == 400
    api = client.post(f"/api/fields/{field_id}/correction", json={"value": ACCOUNT})
    assert api.status_code == 400


def test_sign_in_form_needs_csrf_token(app: Flask) -> None:
    response = app.test_client().post("/login", data={"name": "reviewer", "password": PASSWORD})
    assert response.status_code == 400


def test_basic_auth_api_calls_need_no_csrf_token(app: Flask, seeded: Seeded) -> None:
    field_id = seeded.field_ids["application_form.bank_account"]
    response = app.test_client().post(
        f"/api/fields/{field_id}/correction", json={"value": ACCOUNT}, headers=_basic("reviewer")
    )
    assert response.status_code == 200
    assert "bank_account_mismatch" not in {f["rule"] for f in response.get_json()["findings"]}


def test_level1_values_are_masked_for_staff(login: Login, seeded: Seeded) -> None:
    staff = login("staff")
    pages = [
        staff.get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True),
        staff.get(f"/api/dossiers/{seeded.dossier_id}/fields").get_data(as_text=True),
        staff.get(f"/api/dossiers/{seeded.dossier_id}").get_data(as_text=True),
        staff.get("/api/dashboard").get_data(as_text=True),
    ]
    for body in pages:
        for clear in (ACCOUNT, FORM_ACCOUNT, CONSIGNEE_ID):
            assert clear not in body
    assert mask(ACCOUNT) in pages[0] and mask(ACCOUNT) in pages[1]
    assert mask(ACCOUNT) == "6222***********3445"
    reviewer_page = login("reviewer").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    assert ACCOUNT in reviewer_page and CONSIGNEE_ID in reviewer_page


def test_correcting_a_field_reruns_the_rules_and_keeps_the_old_value(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    client = login("reviewer")
    page = client.get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    assert "bank_account_mismatch" in page
    field_id = seeded.field_ids["application_form.bank_account"]
    data = {"value": ACCOUNT, "reason": "对照原件", "csrf_token": csrf_of(page)}
    response = client.post(f"/fields/{field_id}/correct", data=data)
    assert response.status_code == 302
    assert 'data-rule="bank_account_mismatch"' not in client.get(response.location).get_data(as_text=True)
    with ctx.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "field.corrected"))
        assert event is not None and event.actor == "reviewer" and event.reason == "对照原件"
        assert event.before is not None and event.before["value"] == FORM_ACCOUNT


def test_review_page_lists_doubtful_fields_first(login: Login, seeded: Seeded) -> None:
    html = login("reviewer").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    first_field = html.index('<li class="field')
    assert html[first_field : first_field + 40].startswith('<li class="field doubtful')
    assert html.index(f'id="field-{seeded.field_ids["application_form.bank_account"]}"') < html.index(
        f'id="field-{seeded.field_ids["application_form.customer_name"]}"'
    )


def test_page_image_is_served_only_for_its_own_dossier(login: Login, ctx: Context, seeded: Seeded) -> None:
    from tests.review_ui.conftest import seed_dossier

    other = seed_dossier(ctx, reference="R-2")
    client = login("reviewer")
    ok = client.get(f"/dossiers/{seeded.dossier_id}/pages/{seeded.page_ids[0]}/image")
    assert ok.status_code == 200 and ok.mimetype == "image/jpeg"
    assert client.get(f"/dossiers/{seeded.dossier_id}/pages/{other.page_ids[0]}/image").status_code == 404


def test_approve_is_refused_with_open_blockers_then_archives(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    admin = login("administrator")
    refused = admin.post(
        f"/api/dossiers/{seeded.dossier_id}/decision",
        json={"decision": "approve"},
        headers={"X-CSRFToken": _token(admin)},
    )
    assert refused.status_code == 409
    with ctx.sessions() as s:
        blockers = list(s.scalars(select(FindingRow.id).where(FindingRow.severity == "blocker")))
    for finding_id in blockers:
        r = admin.post(
            f"/api/findings/{finding_id}/override",
            json={"reason": "纸质件已核"},
            headers={**_basic("administrator"), "X-CSRFToken": _token(admin)},  # a cookie: CSRF whatever else
        )
        assert r.status_code == 200
    doubtful = admin.post(
        f"/api/dossiers/{seeded.dossier_id}/decision", json={"decision": "approve", "copies": 2},
        headers={"X-CSRFToken": _token(admin)},
    )  # fmt: skip
    assert doubtful.status_code == 409 and "存疑字段未确认" in doubtful.get_json()["error"]
    for field_id in doubtful.get_json()["doubtful_field_ids"]:
        r = admin.post(f"/api/fields/{field_id}/confirmation", headers={"X-CSRFToken": _token(admin)})
        assert r.status_code == 200
    assert r.get_json()["doubtful_field_ids"] == []
    out = admin.post(
        f"/api/dossiers/{seeded.dossier_id}/decision", json={"decision": "approve", "copies": 2},
        headers={**_basic("administrator"), "X-CSRFToken": _token(admin)},
    )  # fmt: skip
    assert out.status_code == 200, out.get_json()
    body = out.get_json()
    assert body["customer_no"] == "C20261120001" and body["archive_no"] == "GD20261120001"
    with ctx.sessions() as s:
        record = s.scalar(select(ArchiveRecord))
        assert record is not None and record.copies == 2 and record.location == "电子"
        assert record.handler == "admin" and record.reviewer == "administrator"
        assert s.get_one(Dossier, seeded.dossier_id).status == DossierStatus.ARCHIVED
    assert "C20261120001" in admin.get("/archive?q=C20261120001").get_data(as_text=True)


def test_send_back_sets_the_24_hour_notice_and_reject_needs_a_reason(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    client = login("reviewer")
    token = _token(client)
    url = f"/dossiers/{seeded.dossier_id}/decide"
    client.post(url, data={"decision": "reject", "reason": " ", "csrf_token": token})
    with ctx.sessions() as s:
        assert s.get_one(Dossier, seeded.dossier_id).status == DossierStatus.AWAITING_REVIEW
    client.post(url, data={"decision": "send_back", "reason": "缺印鉴卡", "csrf_token": token})
    with ctx.sessions() as s:
        d = s.get_one(Dossier, seeded.dossier_id)
        assert d.status == DossierStatus.SENT_BACK and d.notice_due_at is not None
        hours = (d.notice_due_at - d.updated_at).total_seconds() / 3600
        assert 23.9 < hours < 24.1


def test_queue_and_dashboard_show_deadline_blockers_and_missing(login: Login, seeded: Seeded) -> None:
    client = login("administrator")
    queue = client.get("/api/queue").get_json()
    row = queue["dossiers"][0]
    assert queue["total"] == 1 and row["blockers"] == 7 and row["low_confidence"] == 2
    assert row["days_left"] == 13 and row["urgency"] == "ok"
    assert client.get("/api/queue?days_left=5").get_json()["total"] == 0
    dash = client.get("/api/dashboard").get_json()
    assert dash["totals"]["open"] == 1
    assert set(dash["dossiers"][0]["missing"]) >= {"seal_card", "logistics_contract"}
    html = login("staff").get("/dashboard").get_data(as_text=True)
    assert "客户印鉴卡" in html and "审核员（未分配）" in html


def _zip_with_junk() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "not a scan")
    return buf.getvalue()


def test_upload_stores_files_starts_reading_and_lists_rejected(
    login: Login, ctx: Context, started: list[str]
) -> None:
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(image, format="PNG")
    admin = login("administrator")
    data = {
        "csrf_token": _token(admin, "/upload"),
        "reference": "客户A",
        "pickup_date": "2026-12-20",
        "files": [
            (io.BytesIO(image.getvalue()), "../../etc/营业执照.png"),
            (io.BytesIO(_zip_with_junk()), "a.zip"),
        ],
    }
    response = admin.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(started) == 1
    status = admin.get(f"/api/dossiers/{started[0]}/status").get_json()
    assert status["pages_total"] == 1 and status["status"] == "reading"
    assert status["pages"][0]["file"] == "营业执照.png"
    assert [r["file"] for r in status["rejected_files"]] == ["a.zip/notes.txt"]
    assert "notes.txt" in admin.get(response.location).get_data(as_text=True)


def test_openapi_description_is_served(app: Flask) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert "/api/dossiers/{id}/decision" in spec["paths"]


def test_cli_user_add_reads_the_password_from_stdin(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from intake.cli import main
    from review_ui.auth import authenticate
    from tests.review_ui.conftest import make_context

    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-from-stdin\n"))
    assert main(["user", "add", "li", "--role", "reviewer"]) == 0
    with make_context(tmp_path).sessions() as s:
        user = authenticate(s, "li", "pw-from-stdin")
    assert user is not None and user.role.value == "reviewer"
