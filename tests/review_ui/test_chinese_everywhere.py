"""Every page as each role sees it is in Chinese (issue 13): no English word and no code name (`bank_permit`,
`awaiting_review`, `field.corrected`) in the visible text, error pages included.

Every GET route of the app's URL map is requested with real arguments (a dossier awaiting review, an archived
one with its customer, a drawn quarterly sample) by each role through a Flask test client; HTML answers are
checked (downloads and the JSON API are data for programs, not pages). A route the test cannot fill in fails
the test, so a new page is not skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle import maintenance
from intake.lifecycle.context import Context
from storage.models import Field, FindingRow
from tests.intake.test_lifecycle_customers import archive_overriding_blockers
from tests.review_ui.conftest import READINGS, TODAY, Seeded, seed_dossier
from tests.review_ui.visible import stray_english, visible_text

Login = Callable[[str], FlaskClient]
ROLES = ("administrator", "reviewer", "staff", "auditor")
QUARTER = "2026-Q4"
NOT_PAGES = ("/api/", "/static/")  # programs' data and files
DOWNLOADS = (".csv", ".xlsx", "/image", "/evidence/", "/originals/", "/pdf", "/manifest")  # files
PROBES = ("/metrics", "/healthz")  # for monitoring, not people


@pytest.fixture
def world(ctx: Context, seeded: Seeded) -> dict[str, str]:
    """An archived dossier (with its customer and filed documents), one awaiting review, a drawn sample."""
    archived = seed_dossier(ctx, reference="R-2")
    customer_no = archive_overriding_blockers(ctx, archived.dossier_id, TODAY)
    maintenance.draw_sample(ctx, QUARTER, actor="auditor", rate="0.2", seed="7")
    return {
        "dossier_id": seeded.dossier_id,
        "page_id": str(seeded.page_ids[0]),
        "customer_no": customer_no,
        "quarter": QUARTER,
        "archived_id": archived.dossier_id,
    }


def _data_strings() -> list[str]:
    """What users typed or uploaded in the fixtures: shown as it is, not interface text."""
    files = [f"{n}-{r.doc_type}.jpg" for n, r in enumerate(READINGS, 1)]
    return [*files, *ROLES, "admin", "R-1", "R-2"]


def _pages(app: Flask, world: dict[str, str]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(NOT_PAGES):
            continue
        if any(part in rule.rule for part in DOWNLOADS + PROBES):
            continue
        args = {}
        for name in rule.arguments:
            assert name in world, f"no test value for <{name}> of {rule.rule}: add one to the fixture"
            args[name] = world[name]
        with app.test_request_context():
            urls.append(app.url_for(rule.endpoint, **args))
    if "/dossiers/<dossier_id>" in {r.rule for r in app.url_map.iter_rules()}:
        urls.append(f"/dossiers/{world['archived_id']}")  # an archived dossier's review page
    urls += ["/no/such/page", f"/customers/{world['customer_no']}/no-such"]  # error pages
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_english_on_any_page(app: Flask, login: Login, world: dict[str, str], role: str) -> None:
    client = login(role)
    offenders: dict[str, list[str]] = {}
    checked = 0
    for url in _pages(app, world):
        response = client.get(url)
        if response.status_code in (301, 302, 303) or response.mimetype != "text/html":
            continue
        checked += 1
        words = stray_english(visible_text(response.get_data(as_text=True)), data=_data_strings())
        if words:
            offenders[f"{response.status_code} {url}"] = sorted(set(words))
    assert checked >= 10
    assert offenders == {}


def test_the_sign_in_page_and_its_refusal_are_chinese(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    assert stray_english(visible_text(html)) == []
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(
        "/login", data={"name": "reviewer", "password": "wrong-password", "csrf_token": token}
    )
    assert refused.status_code == 401
    assert stray_english(visible_text(refused.get_data(as_text=True)), data=["reviewer"]) == []


def _token(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]


def test_refusals_of_forms_are_chinese(ctx: Context, login: Login, seeded: Seeded) -> None:
    """The issue's examples: a user name that exists in another case, a role that does not exist, an override
    without a reason — each answered with a Chinese sentence, not the exception's English."""
    admin = login("administrator")
    token = _token(admin, "/users")
    refusals = (
        ({"name": "Reviewer", "password": "a-long-enough-pass-1", "role": "reviewer"}, "已存在"),
        ({"name": "newcomer", "password": "a-long-enough-pass-1", "role": "superuser"}, "有效的角色"),
    )
    for form, says in refusals:
        response = admin.post("/users", data={**form, "csrf_token": token})
        assert response.status_code == 400
        text = visible_text(response.get_data(as_text=True))
        assert says in text
        assert stray_english(text, data=[*ROLES, "Reviewer"]) == [], text
    with ctx.sessions() as s:
        finding = s.scalars(select(FindingRow.id).where(FindingRow.dossier_id == seeded.dossier_id)).first()
    response = admin.post(
        f"/findings/{finding}/override",
        data={"reason": " ", "csrf_token": token},
        headers={"Referer": f"http://localhost/dossiers/{seeded.dossier_id}"},
        follow_redirects=True,
    )
    text = visible_text(response.get_data(as_text=True))
    assert "必须填写理由" in text
    assert stray_english(text, data=_data_strings()) == []


def test_an_open_ended_validity_reads_changqi(ctx: Context, login: Login, seeded: Seeded) -> None:
    """`long_term` (the contract's code for 长期) is shown and edited as 长期, and saved back as the code."""
    field_id = seeded.field_ids["business_license.customer_name"]
    with ctx.sessions.begin() as s:
        field = s.get_one(Field, field_id)
        field.name, field.value = "valid_to", "long_term"
    client = login("reviewer")
    html = client.get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    assert (
        "long_term" not in visible_text(html) and 'value="long_term"' not in html.split("edit-value")[-1][:80]
    )
    assert "长期" in visible_text(html)
    token = _token(client, f"/dossiers/{seeded.dossier_id}")
    client.post(f"/fields/{field_id}/correct", data={"value": "长期", "csrf_token": token})
    with ctx.sessions() as s:
        assert s.get_one(Field, field_id).value == "long_term"
