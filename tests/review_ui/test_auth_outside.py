"""Issue 12 from outside: a real `dossier serve` process over HTTP, probed as the issue's attacker did.

A brute-force loop is stopped (and the right password refused until `dossier user unlock`), a cookie copied
before sign-out is refused after it, Basic auth opens no HTML page, and a cookie with a bogus Basic header and
no CSRF token changes nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from tests.review_ui.outside import PASSWORD, Browser, dossier_cli, serving


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, dict[str, str]]]:
    with serving(tmp_path_factory.mktemp("served")) as running:
        yield running


def test_a_brute_force_loop_is_stopped_until_unlocked(served: tuple[int, dict[str, str]]) -> None:
    port, env = served
    statuses = [Browser(port).sign_in("rev", f"guess-{n}")[0] for n in range(8)]
    assert statuses == [401] * 8
    status, text = Browser(port).sign_in("rev", PASSWORD)
    assert status == 401 and "账户已临时锁定" in text
    basic = {"Authorization": "Basic " + base64.b64encode(f"rev:{PASSWORD}".encode()).decode()}
    assert Browser(port).request("GET", "/api/queue", headers=basic)[0] == 401
    unlocked = dossier_cli(env, "user", "unlock", "rev")
    assert unlocked.returncode == 0 and "已解锁" in unlocked.stdout
    assert Browser(port).sign_in("rev", PASSWORD)[0] == 302


def test_a_cookie_copied_before_logout_is_refused_after(served: tuple[int, dict[str, str]]) -> None:
    port, _ = served
    browser = Browser(port)
    assert browser.sign_in("admin", PASSWORD)[0] == 302
    assert browser.request("GET", "/users")[0] == 200
    copied = dict(browser.cookies)
    token = browser.token("/users")
    status, _, _ = browser.request(
        "POST", "/logout", f"csrf_token={token}", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302
    thief = Browser(port, copied)
    status, headers, _ = thief.request("GET", "/users")
    assert status == 302 and "/login" in headers["location"]


def test_basic_auth_opens_no_page_and_does_not_skip_csrf(served: tuple[int, dict[str, str]]) -> None:
    port, _ = served
    basic = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
    status, headers, _ = Browser(port).request("GET", "/users", headers=basic)
    assert status == 302 and "/login" in headers["location"]
    assert Browser(port).request("GET", "/api/queue", headers=basic)[0] == 200

    browser = Browser(port)
    assert browser.sign_in("admin", PASSWORD)[0] == 302
    bogus = {"Authorization": "Basic bm9ib2R5Ondyb25n", "Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = browser.request(
        "POST", "/users", "name=intruder&password=intruder-pass-99&role=administrator", bogus
    )
    assert status == 400
    listing = browser.request("GET", "/users")[2]
    assert "intruder" not in listing
    api = browser.request(
        "POST", "/api/dossiers/none/decision", json.dumps({"decision": "approve"}),
        {"Authorization": "Basic bm9ib2R5Ondyb25n", "Content-Type": "application/json"},
    )  # fmt: skip
    assert api[0] == 400  # the CSRF check refuses before the route is even looked at
