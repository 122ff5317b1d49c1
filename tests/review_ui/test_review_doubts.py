"""The review page and its routes for issue 13: doubtful fields marked with their reasons and counted,
approval refused while one is unconfirmed (a flash on the page, 409 through the API), ✓ and corrections that
come back to the field and not the page top, keyboard hints only for those who may act, sign-in's `?next=`
kept to this site, and an upload of nothing readable said plainly."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from intake.lifecycle.review import doubts, override_finding
from storage.models import Dossier, DossierStatus, Field, FindingRow, FindingStatus
from tests.review_ui.conftest import PASSWORD, Seeded, csrf_of

Login = Callable[[str], FlaskClient]


def _token(client: FlaskClient, path: str = "/archive") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def _override_blockers(ctx: Context, dossier_id: str) -> None:
    with ctx.sessions() as s:
        blockers = s.scalars(
            select(FindingRow.id).where(
                FindingRow.dossier_id == dossier_id,
                FindingRow.severity == "blocker",
                FindingRow.status == FindingStatus.OPEN,
            )
        ).all()
    for finding_id in blockers:
        override_finding(ctx, finding_id, actor="administrator", reason="纸质件已核")


def _doubt_count(html: str) -> int:
    found = re.search(r'<span id="doubt-count">(\d+)</span>', html)
    assert found, "the page counts the doubtful fields left"
    return int(found.group(1))


def test_the_page_marks_each_doubtful_field_with_why_and_counts_them(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    html = login("reviewer").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    waiting = doubts(ctx, seeded.dossier_id)
    assert _doubt_count(html) == len(waiting) > 0
    tax_id = seeded.field_ids["business_license.tax_id"]
    item = html[html.index(f'id="field-{tax_id}"') :]
    item = item[: item.index("</li>")]
    assert "待确认" in item and "识别置信度低（55%）" in item
    # the approve button waits (blockers first here), and the keys to work through them are named
    assert re.search(r'<button type="submit" id="approve"[^>]*disabled', html)
    assert 'id="key-hints"' in html and "下一个存疑字段" in html and "确认无误" in html


def test_staff_see_no_keys_or_buttons_for_what_they_cannot_do(login: Login, seeded: Seeded) -> None:
    html = login("staff").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    assert 'id="key-hints"' not in html and "<kbd>" not in html
    assert 'class="accept-btn"' not in html and 'class="edit-btn"' not in html and 'id="approve"' not in html
    auditor = login("auditor").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    assert "确认无误" not in auditor and "<kbd>a</kbd>" not in auditor  # may move around, not act


def test_approval_with_an_unconfirmed_doubtful_field_is_refused_on_the_page_and_in_the_api(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    _override_blockers(ctx, seeded.dossier_id)
    reviewer = login("reviewer")
    first = doubts(ctx, seeded.dossier_id)[0]
    refused = reviewer.post(
        f"/dossiers/{seeded.dossier_id}/decide",
        data={"decision": "approve", "csrf_token": _token(reviewer)},
    )
    # back to the first field still to confirm, with the refusal naming it
    assert refused.status_code == 302
    assert refused.location.endswith(f"#field-{first.field_id}")
    page = reviewer.get(refused.location).get_data(as_text=True)
    assert "存疑字段未确认" in page and "营业执照·税务登记号" in page
    api = reviewer.post(
        f"/api/dossiers/{seeded.dossier_id}/decision",
        json={"decision": "approve"},
        headers={"X-CSRFToken": _token(reviewer)},
    )
    assert api.status_code == 409 and "存疑字段未确认" in api.get_json()["error"]
    assert api.get_json()["doubtful_field_ids"] == [d.field_id for d in doubts(ctx, seeded.dossier_id)]
    with ctx.sessions() as s:
        assert s.get_one(Dossier, seeded.dossier_id).status == DossierStatus.AWAITING_REVIEW


def test_confirm_and_correct_come_back_to_the_field_not_the_top(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    reviewer = login("reviewer")
    before = doubts(ctx, seeded.dossier_id)
    target = before[-1].field_id
    confirmed = reviewer.post(f"/fields/{target}/confirm", data={"csrf_token": _token(reviewer)})
    assert confirmed.status_code == 302
    where = urlsplit(confirmed.location)
    assert where.fragment == f"field-{target}" and parse_qs(where.query)["field"] == [str(target)]
    page = reviewer.get(confirmed.location).get_data(as_text=True)
    assert _doubt_count(page) == len(before) - 1
    with ctx.sessions() as s:
        field = s.get_one(Field, target)
        assert field.corrected and field.corrected_by == "reviewer" and field.corrected_at is not None

    account = seeded.field_ids["application_form.bank_account"]
    corrected = reviewer.post(
        f"/fields/{account}/correct",
        data={"value": "6222020200112233445", "reason": "对照原件", "csrf_token": _token(reviewer)},
    )
    assert urlsplit(corrected.location).fragment == f"field-{account}"


def test_the_api_confirms_in_place_and_says_what_is_left(login: Login, ctx: Context, seeded: Seeded) -> None:
    reviewer = login("reviewer")
    token = _token(reviewer)
    left = [d.field_id for d in doubts(ctx, seeded.dossier_id)]
    out = reviewer.post(f"/api/fields/{left[0]}/confirmation", headers={"X-CSRFToken": token})
    assert out.status_code == 200
    assert out.get_json()["doubtful_field_ids"] == left[1:]
    assert out.get_json()["dossier_id"] == seeded.dossier_id
    missing = reviewer.post("/api/fields/999999/confirmation", headers={"X-CSRFToken": token})
    assert missing.status_code == 404 and missing.get_json()["error"]
    staff = login("staff")
    assert (
        staff.post(f"/api/fields/{left[1]}/confirmation", headers={"X-CSRFToken": _token(staff)}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/queue?status=sent_back", "/queue?status=sent_back"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_sign_in_goes_to_next_only_within_this_site(app: Flask, target: str, lands: str) -> None:
    client = app.test_client()
    form = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    token = csrf_of(form)
    signed_in = client.post(
        "/login",
        query_string={"next": target},
        data={"name": "reviewer", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    location = urlsplit(signed_in.location)
    assert location.netloc in ("", "localhost")
    assert (location.path + (f"?{location.query}" if location.query else "")) in (lands, "/queue")
    if lands != "/":
        assert signed_in.location.endswith(lands)
    else:
        assert "evil" not in signed_in.location and "javascript" not in signed_in.location


def test_a_page_asked_for_before_sign_in_is_where_sign_in_leads(app: Flask) -> None:
    client = app.test_client()
    sent = client.get("/queue?status=sent_back")
    assert sent.status_code == 302 and "/login" in sent.location
    form = client.get(sent.location).get_data(as_text=True)
    assert 'name="next" value="/queue?status=sent_back"' in form.replace("&amp;", "&")
    signed_in = client.post(
        "/login", data={"name": "reviewer", "password": PASSWORD, "csrf_token": csrf_of(form),
                        "next": "/queue?status=sent_back"},
    )  # fmt: skip
    assert signed_in.location.endswith("/queue?status=sent_back")


def _unreadable() -> dict[str, tuple[io.BytesIO, str]]:
    return {"a": (io.BytesIO(b"not a pdf at all"), "合同.pdf"), "b": (io.BytesIO(b""), "空白.jpg")}


def test_an_upload_of_nothing_readable_is_said_plainly_on_the_page(
    login: Login, ctx: Context, started: list[str]
) -> None:
    admin = login("administrator")
    files = list(_unreadable().values())
    response = admin.post(
        "/upload",
        data={"csrf_token": _token(admin, "/upload"), "reference": "坏件", "files": files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/dossiers/" in response.location
    dossier_id = urlsplit(response.location).path.rsplit("/", 1)[-1]
    with ctx.sessions() as s:
        dossier = s.get_one(Dossier, dossier_id)
        assert dossier.status == DossierStatus.FAILED and dossier.blockers == 0
    page = admin.get(response.location).get_data(as_text=True)
    box = page[page.index('id="unreadable-upload"') :]
    assert "上传的文件都无法读取" in box and "合同.pdf" in box and "空白.jpg" in box
    assert 'id="upload-again"' in box
    assert "缺少" not in page  # no "缺少…" blockers for a dossier nobody could read


def test_the_upload_api_answers_the_real_state_when_nothing_could_be_read(login: Login) -> None:
    admin = login("administrator")
    out = admin.post(
        "/api/dossiers",
        data={"files": list(_unreadable().values())},
        headers={"X-CSRFToken": _token(admin)},
        content_type="multipart/form-data",
    )
    assert out.status_code == 422
    body = out.get_json()
    assert body["status"] == "failed" and body["status"] != "reading"
    assert {r["file"] for r in body["rejected_files"]} == {"合同.pdf", "空白.jpg"}
    assert body["error"].startswith("上传的文件都无法读取") and "合同.pdf" in body["error"]


def test_openapi_lists_the_not_found_and_refusals_of_the_field_routes(app: Flask) -> None:
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    assert "404" in paths["/api/dossiers/{id}/fields"]["get"]["responses"]
    for path in ("/api/fields/{id}/correction", "/api/fields/{id}/confirmation"):
        responses = paths[path]["post"]["responses"]
        assert {"200", "404", "409"} <= set(responses), path
    assert {"409"} <= set(paths["/api/dossiers/{id}/decision"]["post"]["responses"])
    assert {"201", "422"} <= set(paths["/api/dossiers"]["post"]["responses"])
