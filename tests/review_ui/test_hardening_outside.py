"""Issue 12 (S2) from outside: a real `dossier serve` over HTTP answers bad parameters with a Chinese 400
(never a 500), sends the CSP / Referrer-Policy / no-store headers and refuses to correct an archived field.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from review_ui import create_app
from storage.models import Field, FindingRow
from tests.review_ui.conftest import FORM_ACCOUNT, make_context, seed_dossier
from tests.review_ui.outside import PASSWORD, Browser, serving

ADMIN = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
REVIEWER = {"Authorization": "Basic " + base64.b64encode(f"rev:{PASSWORD}".encode()).decode()}
JSON = {"Content-Type": "application/json"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Served:
    port: int
    data: Path
    dossier_id: str
    field_id: int


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server over a data directory holding one seeded dossier (read without OCR, as in conftest.py)."""
    data = tmp_path_factory.mktemp("served-s2")
    seeded = seed_dossier(make_context(data))
    with serving(data) as (port, _):
        yield Served(port, data, seeded.dossier_id, seeded.field_ids["application_form.bank_account"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/queue?status=bogus",
        "/api/queue?page=99999999999999999999",
        "/api/dashboard?page=99999999999999999999",
        "/api/archive?page=abc",
    ],
)
def test_the_issues_bad_parameters_are_a_chinese_400_over_http(served: Served, path: str) -> None:
    status, _, text = Browser(served.port).request("GET", path, headers=ADMIN)
    assert status == 400 and CHINESE.search(json.loads(text)["error"]), (path, status, text[:200])


def test_pages_over_http_are_a_chinese_400_and_carry_the_security_headers(served: Served) -> None:
    browser = Browser(served.port)
    assert browser.sign_in("admin", PASSWORD)[0] == 302
    for path in ("/queue?days_left=99999999999", "/dashboard?page=99999999999999999999", "/archive?page=-1"):
        status, _, text = browser.request("GET", path)
        assert status == 400 and "参数" in text, (path, status)
    status, headers, _ = browser.request("GET", f"/dossiers/{served.dossier_id}")
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer" and "no-store" in headers["cache-control"]
    decisions = [
        {"decision": "approve", "copies": "abc"},
        {"decision": "reject", "reason": ["x"]},
        {"decision": "reject", "reason": {"x": 1}},
    ]
    for body in decisions:
        status, _, text = Browser(served.port).request(
            "POST", f"/api/dossiers/{served.dossier_id}/decision", json.dumps(body), {**REVIEWER, **JSON}
        )
        assert status == 400, (body, status, text[:200])
    for path in (f"/api/fields/{'9' * 30}/correction", "/api/fields/999999/correction"):
        status, _, _ = Browser(served.port).request(
            "POST", path, json.dumps({"value": "x"}), {**REVIEWER, **JSON}
        )
        assert status == 404, path


def test_a_correction_of_an_archived_field_is_refused_over_http(served: Served) -> None:
    context = make_context(served.data)
    with context.sessions() as s:
        blockers = list(s.scalars(select(FindingRow.id).where(FindingRow.severity == "blocker")))
    for finding_id in blockers:
        status, _, text = Browser(served.port).request(
            "POST",
            f"/api/findings/{finding_id}/override",
            json.dumps({"reason": "纸质件已核"}),
            {**ADMIN, **JSON},
        )
        assert status == 200, text[:200]
    status, _, text = Browser(served.port).request(
        "POST",
        f"/api/dossiers/{served.dossier_id}/decision",
        json.dumps({"decision": "approve"}),
        {**ADMIN, **JSON},
    )
    assert status == 409, text[:200]  # its doubtful fields are confirmed first
    for field_id in json.loads(text)["doubtful_field_ids"]:
        status, _, _ = Browser(served.port).request(
            "POST", f"/api/fields/{field_id}/confirmation", "", {**REVIEWER, **JSON}
        )
        assert status == 200
    status, _, text = Browser(served.port).request(
        "POST",
        f"/api/dossiers/{served.dossier_id}/decision",
        json.dumps({"decision": "approve"}),
        {**ADMIN, **JSON},
    )
    assert status == 200, text[:200]
    status, _, text = Browser(served.port).request(
        "POST",
        f"/api/fields/{served.field_id}/correction",
        json.dumps({"value": "6222000000000000000"}),
        {**REVIEWER, **JSON},
    )
    assert status == 409 and CHINESE.search(json.loads(text)["error"])
    with context.sessions() as s:
        assert s.get_one(Field, served.field_id).value == FORM_ACCOUNT
    page = Browser(served.port)
    assert page.sign_in("rev", PASSWORD)[0] == 302
    html = page.request("GET", f"/dossiers/{served.dossier_id}")[2]
    assert 'id="frozen-notice"' in html and 'class="edit-btn"' not in html


def test_a_fuzz_pass_over_every_route_over_http_returns_no_500(served: Served) -> None:
    """Every route of the app's URL map, as an administrator (cookie + CSRF token for pages, Basic for the
    API), with a huge number, an unknown id and a hostile string in each variable and query argument."""
    rules = list(create_app(make_context(served.data)).url_map.iter_rules())  # only read: the server answers
    browser = Browser(served.port)
    assert browser.sign_in("admin", PASSWORD)[0] == 302
    token = re.search(r'name="csrf-token" content="([^"]+)"', browser.request("GET", "/archive")[2])
    assert token
    failures, sent = [], 0
    for rule in rules:
        if rule.endpoint in ("static", "ui.login", "ui.logout"):
            continue
        for filler in ("9" * 25, "0", "%3Cscript%3E%27%22"):
            url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", filler, rule.rule)
            if "<" in url:
                continue
            query = f"?page={filler}&days_left={filler}&status={filler}&q={filler}"
            api = url.startswith("/api/")
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                client = Browser(served.port) if api else browser
                headers = dict(ADMIN) if api else {"X-CSRFToken": token.group(1)}
                if method == "GET":
                    status = client.request("GET", url + query, headers=headers)[0]
                else:
                    body = json.dumps({"value": [filler], "reason": {"x": filler}, "copies": filler})
                    status = client.request("POST", url, body, {**headers, **JSON})[0]
                sent += 1
                if status >= 500:
                    failures.append((method, url, status))
    assert sent > 100 and not failures, failures
