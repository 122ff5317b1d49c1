"""Issue 12 (S2): bad parameters are a Chinese 400 (never a 500), security headers, archived means frozen in
the UI, and views of unmasked level-1 data are logged. Flask test client over the seeded data of conftest.py.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from itertools import product
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from storage.models import AuditEvent, Field, FindingRow
from tests.review_ui.conftest import FORM_ACCOUNT, PASSWORD, Seeded, csrf_of

Login = Callable[[str], FlaskClient]
ROLES = ("administrator", "reviewer", "staff", "auditor")
HUGE = "9" * 25  # beyond 64 bits: SQLite would overflow on it
HOSTILE = "<script>alert(1)</script>'\"%00../../etc/passwd"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _basic(role: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{role}:{PASSWORD}".encode()).decode()}


@pytest.fixture
def quiet_app(app: Flask) -> Flask:
    """Exceptions become a 500 answer (as in production) instead of propagating into the test."""
    app.config.update(PROPAGATE_EXCEPTIONS=False, TESTING=False)
    return app


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/queue?status=bogus", "status"),
        ("/queue?status=bogus", "status"),
        ("/queue?days_left=99999999999", "days_left"),
        ("/api/queue?days_left=-99999", "days_left"),
        ("/dashboard?page=99999999999999999999", "page"),
        ("/api/dashboard?page=abc", "page"),
        ("/archive?page=10001", "page"),
        ("/api/archive?page=99999999999999999999", "page"),
        ("/api/queue?page=0", "page"),
        ("/customers?page=99999999999999999999", "page"),
        ("/search?q=杭州&page=99999999999999999999", "page"),
    ],
)
def test_bad_query_parameters_are_a_chinese_400(
    quiet_app: Flask, login: Login, path: str, parameter: str
) -> None:
    response = login("administrator").get(path)
    assert response.status_code == 400, (path, response.status_code)
    if path.startswith("/api/"):
        assert CHINESE.search(response.get_json()["error"]) and parameter in response.get_json()["error"]
    else:
        assert CHINESE.search(response.get_data(as_text=True))


def test_bounded_ints_still_accept_good_values(login: Login, seeded: Seeded) -> None:
    client = login("administrator")
    assert client.get("/queue?days_left=-3650&page=1").status_code == 200
    assert client.get("/api/queue?days_left=3650").status_code == 200
    assert client.get("/dashboard?page=10000").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "approve", "copies": "abc"},
        {"decision": "approve", "copies": 10**30},
        {"decision": "approve", "copies": [1]},
        {"decision": "reject", "reason": ["a", "b"]},
        {"decision": "reject", "reason": {"x": 1}},
        {"decision": ["approve"]},
        ["approve"],
        "approve",
        12,
    ],
)
def test_decision_with_wrong_types_is_a_chinese_400(quiet_app: Flask, seeded: Seeded, body: object) -> None:
    client = quiet_app.test_client()
    response = client.post(
        f"/api/dossiers/{seeded.dossier_id}/decision", json=body, headers=_basic("reviewer")
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert CHINESE.search(response.get_json()["error"])


def test_not_json_and_wrong_value_types_are_a_400(quiet_app: Flask, seeded: Seeded) -> None:
    client = quiet_app.test_client()
    field_id = seeded.field_ids["application_form.bank_account"]
    url = f"/api/fields/{field_id}/correction"
    not_json = client.post(url, data="value=1", content_type="application/json", headers=_basic("reviewer"))
    assert not_json.status_code == 400 and CHINESE.search(not_json.get_json()["error"])
    for body in ({"value": 123}, {"value": ["x"]}, {"value": "x", "reason": {"a": 1}}, [1, 2]):
        response = client.post(url, json=body, headers=_basic("reviewer"))
        assert response.status_code == 400, (body, response.get_data(as_text=True))


def test_ids_beyond_64_bits_are_a_404_not_an_overflow(quiet_app: Flask, seeded: Seeded) -> None:
    client = quiet_app.test_client()
    for url in (f"/api/fields/{HUGE}/correction", f"/api/findings/{HUGE}/override"):
        response = client.post(url, json={"value": "x", "reason": "y"}, headers=_basic("administrator"))
        assert response.status_code == 404 and CHINESE.search(response.get_json()["error"])


def _urls(app: Flask, seeded: Seeded) -> Iterator[tuple[str, str]]:
    """Every route, each variable filled by a real id, a huge number and (where it is text) a hostile one."""
    real = {
        "dossier_id": seeded.dossier_id,
        "page_id": str(seeded.page_ids[0]),
        "field_id": str(seeded.field_ids["application_form.bank_account"]),
        "customer_no": "C20261120001",
        "quarter": "2026Q4",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "ui.login", "ui.logout"):
            continue
        names = sorted(rule.arguments)
        choices = []
        for name in names:
            is_int = type(rule._converters[name]).__name__ == "IntegerConverter"
            options = [real.get(name, "1"), HUGE] + ([] if is_int else [HOSTILE.replace("/", "%2F"), "-1"])
            choices.append(options)
        for values in product(*choices):
            url = rule.rule
            for name, value in zip(names, values, strict=True):
                url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                yield method, url


QUERIES = [
    "",
    f"?page={HUGE}&days_left={HUGE}&status=bogus&q={HOSTILE}&reviewer={HOSTILE}",
    "?page=abc&days_left=-x&copies=zz&q=&status=",
    "?page=-5&q=" + "9" * 300,
]
BODIES: list[dict[str, object]] = [
    {"json": {"value": ["x"], "reason": {"a": 1}, "decision": 5, "copies": "abc", "reviewer": 7}},
    {"json": {"value": HOSTILE, "reason": HOSTILE, "decision": "approve", "copies": HUGE}},
    {"data": "not json", "content_type": "application/json"},
    {"data": {"value": HOSTILE, "reason": "", "decision": "bogus", "copies": HUGE, "page": HUGE}},
]


def test_fuzz_every_route_as_every_role_never_answers_500(quiet_app: Flask, seeded: Seeded) -> None:
    clients: dict[str, FlaskClient] = {"anonymous": quiet_app.test_client()}
    tokens: dict[str, str] = {"anonymous": ""}
    for role in ROLES:
        client = quiet_app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"name": role, "password": PASSWORD, "csrf_token": token})
        clients[role] = client
        tokens[role] = csrf_of(client.get("/archive").get_data(as_text=True))
    failures = []
    for (method, url), (who, client) in product(list(_urls(quiet_app, seeded)), clients.items()):
        headers = _basic(who) if url.startswith("/api/") and who != "anonymous" else {}
        if method == "GET":
            for query in QUERIES:
                response = client.get(url + query, headers=headers)
                response.close()  # streamed downloads (the ledger) hold their request context until closed
                if response.status_code >= 500:
                    failures.append((who, method, url + query, response.status_code))
            continue
        for body in BODIES:
            kwargs = dict(body)
            if isinstance(kwargs.get("data"), dict):
                kwargs["data"] = {**kwargs["data"], "csrf_token": tokens[who]}  # type: ignore[dict-item]
            response = client.post(url, headers=headers, **kwargs)  # type: ignore[arg-type]
            response.close()
            if response.status_code >= 500:
                failures.append((who, method, url, response.status_code))
    assert not failures, failures[:20]


def _archive(client: FlaskClient, ctx: Context, seeded: Seeded) -> None:
    """Override the seeded dossier's blockers, confirm its doubtful fields and approve it, as an administrator
    would (API, basic auth)."""
    with ctx.sessions() as s:
        blockers = list(s.scalars(select(FindingRow.id).where(FindingRow.severity == "blocker")))
    for finding_id in blockers:
        ok = client.post(
            f"/api/findings/{finding_id}/override",
            json={"reason": "纸质件已核"},
            headers=_basic("administrator"),
        )
        assert ok.status_code == 200
    refused = client.post(
        f"/api/dossiers/{seeded.dossier_id}/decision",
        json={"decision": "approve"},
        headers=_basic("administrator"),
    )
    assert refused.status_code == 409  # the doubtful fields first
    for field_id in refused.get_json()["doubtful_field_ids"]:
        ok = client.post(f"/api/fields/{field_id}/confirmation", headers=_basic("administrator"))
        assert ok.status_code == 200
    out = client.post(
        f"/api/dossiers/{seeded.dossier_id}/decision",
        json={"decision": "approve"},
        headers=_basic("administrator"),
    )
    assert out.status_code == 200, out.get_json()


def test_archived_field_correction_is_refused_and_the_record_unchanged(
    app: Flask, login: Login, ctx: Context, seeded: Seeded
) -> None:
    _archive(app.test_client(), ctx, seeded)  # no session cookie: basic auth alone
    archived = _trail(ctx, seeded.dossier_id)  # its doubtful fields were confirmed before approval
    client = login("reviewer")
    field_id = seeded.field_ids["application_form.bank_account"]
    token = csrf_of(client.get("/archive").get_data(as_text=True))
    response = client.post(
        f"/api/fields/{field_id}/correction",
        json={"value": "6222000000000000000"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 409 and CHINESE.search(response.get_json()["error"])
    with ctx.sessions() as s:
        assert s.get_one(Field, field_id).value == FORM_ACCOUNT
    assert _trail(ctx, seeded.dossier_id) == archived  # the refusal wrote nothing


def _trail(ctx: Context, dossier_id: str) -> list[str]:
    with ctx.sessions() as s:
        return [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id))]


TEMPLATES = Path(__file__).resolve().parents[2] / "review_ui" / "templates"


def test_pages_images_and_api_carry_a_strict_csp_and_are_not_cached(login: Login, seeded: Seeded) -> None:
    client = login("reviewer")
    for url in (
        f"/dossiers/{seeded.dossier_id}",
        f"/dossiers/{seeded.dossier_id}/pages/{seeded.page_ids[1]}/image",
        f"/api/dossiers/{seeded.dossier_id}/fields",
        "/queue",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert {part.strip() for part in response.headers["Cache-Control"].split(",")} == {
            "no-store",
            "private",
        }
        assert (
            "public" not in response.headers["Cache-Control"]
            and "max-age" not in response.headers["Cache-Control"]
        )
    static = client.get("/static/app.js")
    assert static.status_code == 200 and "no-store" not in (static.headers.get("Cache-Control") or "")
    static.close()
    assert "no-store" in client.get("/login").headers["Cache-Control"]


def test_templates_have_no_inline_script_handler_or_style() -> None:
    """What the CSP forbids must not be in the templates, or the UI would break silently in the browser."""
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), template.name
        assert not re.search(r"\sstyle\s*=|<style\b", html), template.name
        assert "javascript:" not in html, template.name


def test_an_archived_dossiers_page_offers_no_edits_and_points_to_a_change_request(
    app: Flask, login: Login, ctx: Context, seeded: Seeded
) -> None:
    review_url = f"/dossiers/{seeded.dossier_id}"
    before = login("administrator").get(review_url).get_data(as_text=True)
    assert 'class="edit-btn"' in before and "/override" in before  # editable while awaiting review
    _archive(app.test_client(), ctx, seeded)
    for role in ("administrator", "reviewer"):
        html = login(role).get(review_url).get_data(as_text=True)
        assert 'class="accept-btn"' not in html and 'class="edit-btn"' not in html, role
        assert "/override" not in html and "/correct" not in html, role
        assert 'id="frozen-notice"' in html and "已冻结" in html
        assert 'href="/customers/C20261120001/history"' in html and "变更申请" in html


def _views(ctx: Context) -> list[AuditEvent]:
    with ctx.sessions() as s:
        return list(
            s.scalars(select(AuditEvent).where(AuditEvent.action == "level1.viewed").order_by(AuditEvent.id))
        )


def test_views_of_unmasked_level1_data_are_logged_once_per_user_and_object(
    login: Login, ctx: Context, seeded: Seeded
) -> None:
    reviewer = login("reviewer")
    d = seeded.dossier_id
    for _ in range(3):  # repeated views within the window: one entry each
        assert reviewer.get(f"/dossiers/{d}").status_code == 200
        assert reviewer.get(f"/dossiers/{d}/pages/{seeded.page_ids[1]}/image").status_code == 200
        assert reviewer.get(f"/api/dossiers/{d}/fields").status_code == 200
        assert reviewer.get(f"/api/dossiers/{d}").status_code == 200
    auditor = login("auditor")
    assert auditor.get(f"/api/dossiers/{d}/fields").status_code == 200
    staff = login("staff")  # masked: nothing unmasked to log
    assert (
        staff.get(f"/dossiers/{d}").status_code == 200 and staff.get(f"/api/dossiers/{d}").status_code == 200
    )
    events = _views(ctx)
    seen = sorted((e.actor, e.entity) for e in events)
    assert seen == sorted(
        [
            ("reviewer", f"dossier:{d}"),
            ("reviewer", f"page:{seeded.page_ids[1]}"),
            ("auditor", f"dossier:{d}"),
        ]
    )
    for event in events:  # who, what, when, and never the values themselves
        assert event.at is not None and event.dossier_id == d
        assert event.before is None and event.after is None
        assert FORM_ACCOUNT not in repr((event.entity, event.reason))


def test_viewing_a_customer_page_unmasked_is_logged(
    app: Flask, login: Login, ctx: Context, seeded: Seeded
) -> None:
    _archive(app.test_client(), ctx, seeded)
    before = len(_views(ctx))
    assert login("staff").get("/customers/C20261120001").status_code == 200
    assert len(_views(ctx)) == before  # staff see it masked
    assert login("auditor").get("/customers/C20261120001").status_code == 200
    assert [(e.actor, e.entity) for e in _views(ctx)[before:]] == [("auditor", "customer:C20261120001")]
