"""Every refusal in Chinese (issue 13): Werkzeug's English pages never reach a person or a script.

Real requests through a Flask test client: every HTTP error status Werkzeug knows, raised by a view outside
and inside /api/; and the ones raised before any view runs — unmatched URL, wrong method, missing CSRF token,
an upload over the size limit — plus an unhandled exception (500).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.exceptions import default_exceptions

from intake.lifecycle.context import Context
from tests.review_ui.visible import stray_english, visible_text

CODES = sorted(code for code in default_exceptions if code >= 400)
USER_NAMES = ["administrator", "reviewer", "staff", "auditor"]  # the fixture's accounts: data, not interface


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _assert_chinese_page(html: str, code: int, *, signed_in: bool) -> None:
    text = visible_text(html)
    assert "无法显示" in text and str(code) in text
    assert stray_english(text, data=USER_NAMES) == [], text
    assert 'id="error-message"' in html
    assert "返回首页" in text  # a way back, in the site's layout
    if signed_in:
        assert "<nav>" in html  # the site's navigation


@pytest.fixture
def raising(app: Flask) -> Flask:
    """The app with two routes that refuse with any code: one page, one API path."""

    @app.route("/test-refuse/<int:code>")
    def refuse_page(code: int) -> str:
        abort(code)

    @app.route("/api/test-refuse/<int:code>")
    def refuse_api(code: int) -> str:
        abort(code)

    @app.route("/test-crash")
    def crash() -> str:
        raise RuntimeError("boom")

    @app.route("/api/test-crash")
    def crash_api() -> str:
        raise RuntimeError("boom")

    return app


def test_every_status_is_a_chinese_page(raising: Flask, login: Callable[[str], FlaskClient]) -> None:
    client = login("administrator")
    for code in CODES:
        response = client.get(f"/test-refuse/{code}")
        assert response.status_code == code
        assert response.mimetype == "text/html"
        _assert_chinese_page(response.get_data(as_text=True), code, signed_in=True)


def test_every_status_under_api_is_chinese_json(raising: Flask) -> None:
    client = raising.test_client()
    for code in CODES:
        response = client.get(f"/api/test-refuse/{code}")
        assert response.status_code == code
        body = response.get_json()
        assert set(body) == {"error", "detail"} and _has_chinese(body["error"]), (code, body)
        assert stray_english(body["error"]) == []


def test_unmatched_url_signed_in_and_anonymous(app: Flask, login: Callable[[str], FlaskClient]) -> None:
    for client, signed_in in ((login("reviewer"), True), (app.test_client(), False)):
        response = client.get("/no/such/page")
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        _assert_chinese_page(html, 404, signed_in=signed_in)
        assert "找不到该页面或记录" in html


def test_wrong_method(login: Callable[[str], FlaskClient]) -> None:
    response = login("reviewer").get("/logout")  # POST only
    assert response.status_code == 405
    _assert_chinese_page(response.get_data(as_text=True), 405, signed_in=True)


def test_missing_csrf_token(login: Callable[[str], FlaskClient]) -> None:
    response = login("administrator").post("/users", data={"name": "x", "password": "y", "role": "staff"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    _assert_chinese_page(html, 400, signed_in=True)
    assert "安全令牌" in html


def test_forbidden_for_the_role(login: Callable[[str], FlaskClient]) -> None:
    response = login("staff").get("/users")
    assert response.status_code == 403
    _assert_chinese_page(response.get_data(as_text=True), 403, signed_in=True)


def test_upload_over_the_size_limit(app: Flask, login: Callable[[str], FlaskClient]) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    client = login("administrator")
    response = client.post("/login", data={"name": "x" * 5000})  # refused before the view reads the form
    assert response.status_code in (400, 413)
    _assert_chinese_page(response.get_data(as_text=True), response.status_code, signed_in=True)


def test_unhandled_exception_is_a_chinese_500(raising: Flask, login: Callable[[str], FlaskClient]) -> None:
    raising.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: no test-mode re-raise
    client = login("administrator")
    response = client.get("/test-crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    _assert_chinese_page(html, 500, signed_in=True)
    assert "boom" not in html  # no leak of the exception
    api = raising.test_client().get("/api/test-crash")
    assert api.status_code == 500 and _has_chinese(api.get_json()["error"])


def test_api_routing_errors_are_json(app: Flask) -> None:
    client = app.test_client()
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404 and _has_chinese(missing.get_json()["error"])
    wrong = client.get("/api/fields/1/correction")  # POST only
    assert wrong.status_code == 405 and _has_chinese(wrong.get_json()["error"])


def test_an_error_page_that_cannot_draw_its_layout_is_still_chinese(
    app: Flask, ctx: Context, login: Callable[[str], FlaskClient]
) -> None:
    """The database gone mid-session: the view fails, and so does the layout (it asks who is signed in)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = login("administrator")
    with ctx.sessions.begin() as s:
        s.execute(text("DROP TABLE users"))
    response = client.get("/queue")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "服务器内部错误" in html and "返回首页" in html
    assert stray_english(visible_text(html)) == []
