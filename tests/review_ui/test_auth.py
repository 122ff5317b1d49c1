"""Issue 12, authentication: CSRF whatever the headers, Basic auth for the API only, brute-force lock-out,
constant-cost answers for unknown names, password policy, case-insensitive names, revocable and expiring
sessions, and the administrator's account management (each change audited)."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from review_ui import auth
from storage import users
from storage.models import AuditEvent, Role, User, utcnow
from tests.review_ui.conftest import PASSWORD, Seeded, csrf_of

Login = Callable[[str], FlaskClient]


def _basic(name: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def _token(client: FlaskClient) -> str:
    return csrf_of(client.get("/archive").get_data(as_text=True))


def _sign_in(app: Flask, name: str, password: str) -> Any:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def _actions(ctx: Context, entity: str) -> list[str]:
    with ctx.sessions() as s:
        return list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.entity == entity).order_by(AuditEvent.id))
        )


# ------------------------------------------------------------------------------------------- CSRF / Basic


def test_cookie_with_bogus_basic_header_and_no_csrf_token_is_refused(
    login: Login, seeded: Seeded, ctx: Context
) -> None:
    reviewer = login("reviewer")
    field_id = seeded.field_ids["application_form.bank_account"]
    with ctx.sessions() as s:
        events_before = len(list(s.scalars(select(AuditEvent.id))))
    response = reviewer.post(
        f"/api/fields/{field_id}/correction",
        json={"value": "6222020200112233445"},
        headers=_basic("nobody", "wrong"),
    )
    assert response.status_code == 400  # CSRF token missing: the session is not ridden
    with ctx.sessions() as s:
        assert len(list(s.scalars(select(AuditEvent.id)))) == events_before  # nothing changed


def test_basic_auth_works_for_the_api_without_a_cookie_but_never_for_pages(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/queue", headers=_basic("reviewer")).status_code == 200
    page = client.get("/queue", headers=_basic("reviewer"))
    assert page.status_code == 302 and "/login" in page.location
    assert client.get("/api/queue", headers=_basic("reviewer", "wrong")).status_code == 401


def test_basic_post_without_cookie_needs_no_csrf_but_valid_credentials(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    field_id = seeded.field_ids["application_form.bank_account"]
    bad = client.post(
        f"/api/fields/{field_id}/correction", json={"value": "1"}, headers=_basic("reviewer", "x")
    )
    assert bad.status_code == 401


# -------------------------------------------------------------------------------------------- brute force


def test_a_brute_force_loop_is_stopped_and_the_right_password_refused_until_unlocked(
    app: Flask, ctx: Context, login: Login
) -> None:
    for _ in range(auth.LOCK_AFTER):
        assert _sign_in(app, "reviewer", "wrong-password").status_code == 401
    refused = _sign_in(app, "reviewer", PASSWORD)
    assert refused.status_code == 401 and "账户已临时锁定" in refused.get_data(as_text=True)
    # Basic auth on the API is locked too: the count is the account's, not the form's
    assert app.test_client().get("/api/queue", headers=_basic("reviewer")).status_code == 401
    assert "user.locked" in _actions(ctx, "user:reviewer")

    admin = login("administrator")
    with ctx.sessions() as s:
        reviewer_id = users.by_name(s, "reviewer").id  # type: ignore[union-attr]
    page = admin.get("/users").get_data(as_text=True)
    assert "锁定至" in page and "解锁" in page
    unlocked = admin.post(f"/users/{reviewer_id}/unlock", data={"csrf_token": _token(admin)})
    assert unlocked.status_code == 302
    assert _sign_in(app, "reviewer", PASSWORD).status_code == 302
    assert "user.unlocked" in _actions(ctx, "user:reviewer")


def test_the_lock_holds_across_app_instances_and_ends_after_its_time(app: Flask, ctx: Context) -> None:
    for _ in range(auth.LOCK_AFTER):
        _sign_in(app, "auditor", "wrong-password")
    from review_ui import create_app

    other = create_app(ctx)  # another process over the same database
    assert _sign_in(other, "auditor", PASSWORD).status_code == 401
    with ctx.sessions.begin() as s:
        user = users.by_name(s, "auditor")
        assert user is not None and user.locked_until is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert _sign_in(other, "auditor", PASSWORD).status_code == 302


def test_one_address_trying_many_names_is_locked(app: Flask, ctx: Context) -> None:
    for n in range(auth.ADDRESS_LOCK_AFTER):
        _sign_in(app, f"ghost{n}", "wrong-password")
    refused = _sign_in(app, "staff", PASSWORD)
    assert refused.status_code == 401 and "此地址登录失败次数过多" in refused.get_data(as_text=True)


def test_unknown_and_known_names_both_go_through_a_password_hash(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = auth.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", spy)
    for name in ("reviewer", "no-such-user"):
        with ctx.sessions.begin() as s, pytest.raises(auth.SignInRefused) as refused:
            auth.authenticate(s, name, "wrong-password", address="10.0.0.1")
        assert str(refused.value) == auth.WRONG  # the same answer whether or not the name exists
    assert len(checked) == 2
    assert checked[1] == auth._dummy_hash() and checked[0] != checked[1]
    assert checked[1].split("$")[0] == checked[0].split("$")[0]  # the same method, so the same cost


# ----------------------------------------------------------------------------------- policy and names


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("li", "short", "至少需要 10 个字符"),
        ("zhangwei", "zhangwei-2026!", "不能包含用户名"),
        ("li", "1234567890", "过于常见"),
        ("li", "Password123", "过于常见"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(
    login: Login, ctx: Context, name: str, password: str, message: str
) -> None:
    admin = login("administrator")
    response = admin.post(
        "/users", data={"name": name, "password": password, "role": "reviewer", "csrf_token": _token(admin)}
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with ctx.sessions() as s:
        assert users.by_name(s, name) is None


@pytest.mark.parametrize("name", [" reviewer", "Reviewer", "REVIEWER "])
def test_user_names_are_unique_case_insensitively_and_stripped(login: Login, ctx: Context, name: str) -> None:
    admin = login("administrator")
    response = admin.post(
        "/users",
        data={"name": name, "password": "a-long-passphrase", "role": "staff", "csrf_token": _token(admin)},
    )
    assert response.status_code == 400 and "已存在" in response.get_data(as_text=True)
    with ctx.sessions() as s:
        assert len([u for u in users.everyone(s) if u.name.strip().lower() == "reviewer"]) == 1


def test_a_good_user_is_created_and_signs_in_under_any_case(app: Flask, login: Login) -> None:
    admin = login("administrator")
    created = admin.post(
        "/users",
        data={"name": " Wang ", "password": "blue-river-42x", "role": "staff", "csrf_token": _token(admin)},
    )
    assert created.status_code == 302
    assert _sign_in(app, "wang", "blue-river-42x").status_code == 302


# ---------------------------------------------------------------------------------------------- sessions


def test_a_cookie_copied_before_logout_is_refused_after(app: Flask, login: Login) -> None:
    client = login("reviewer")
    copied = client.get_cookie("session")
    assert copied is not None
    client.post("/logout", data={"csrf_token": _token(client)})
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    response = thief.get("/queue")
    assert response.status_code == 302 and "/login" in response.location


def test_password_reset_role_change_and_deactivation_end_open_sessions(
    app: Flask, ctx: Context, login: Login
) -> None:
    admin = login("administrator")
    with ctx.sessions() as s:
        reviewer_id = users.by_name(s, "reviewer").id  # type: ignore[union-attr]
    for action, data in [
        ("password", {"password": "new-strong-pass-1"}),
        ("role", {"role": "auditor"}),
        ("deactivate", {}),
    ]:
        victim = _sign_in(app, "reviewer", "new-strong-pass-1" if action != "password" else PASSWORD)
        assert victim.status_code == 302
        client = app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        password = "new-strong-pass-1" if action != "password" else PASSWORD
        client.post("/login", data={"name": "reviewer", "password": password, "csrf_token": token})
        assert client.get("/archive").status_code == 200
        assert (
            admin.post(
                f"/users/{reviewer_id}/{action}", data={**data, "csrf_token": _token(admin)}
            ).status_code
            == 302
        )
        assert client.get("/archive").status_code == 302, action
    assert _sign_in(app, "reviewer", "new-strong-pass-1").status_code == 401  # deactivated
    assert _actions(ctx, "user:reviewer")[-3:] == [
        "user.password_reset",
        "user.role_changed",
        "user.deactivated",
    ]
    admin.post(f"/users/{reviewer_id}/activate", data={"csrf_token": _token(admin)})
    assert _sign_in(app, "reviewer", "new-strong-pass-1").status_code == 302
    page = admin.get("/users").get_data(as_text=True)
    # the last sign-in as a time in the configured zone (DOSSIER_TIMEZONE), not a UTC stamp
    assert "最近登录" in page and "UTC" not in page
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", page)


def test_the_last_administrator_cannot_be_deactivated(login: Login, ctx: Context) -> None:
    admin = login("administrator")
    with ctx.sessions() as s:
        admin_id = users.by_name(s, "administrator").id  # type: ignore[union-attr]
    refused = admin.post(f"/users/{admin_id}/deactivate", data={"csrf_token": _token(admin)})
    assert refused.status_code == 400 and "最后一个启用的管理员" in refused.get_data(as_text=True)


def test_idle_and_absolute_timeouts(app: Flask, login: Login) -> None:
    client = login("reviewer")
    assert client.get("/archive").status_code == 200
    with client.session_transaction() as sess:
        sess["seen_at"] -= 31 * 60
    assert client.get("/archive").status_code == 302
    client = login("reviewer")
    with client.session_transaction() as sess:
        sess["auth_at"] -= 13 * 3600
    assert client.get("/archive").status_code == 302


def test_secure_cookies_setting(ctx: Context, tmp_path: Any) -> None:
    from intake.settings import Settings
    from review_ui import create_app

    settings = Settings.from_env({"DOSSIER_DATA_DIR": str(tmp_path), "DOSSIER_SECURE_COOKIES": "1"})
    assert (
        settings.secure_cookies and not Settings.from_env({"DOSSIER_DATA_DIR": str(tmp_path)}).secure_cookies
    )
    from dataclasses import replace

    secure_ctx = replace(ctx, settings=replace(ctx.settings, secure_cookies=True))
    app = create_app(secure_ctx)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = _sign_in(app, "reviewer", PASSWORD)
    assert "Secure" in response.headers["Set-Cookie"]


# -------------------------------------------------------------------------------------------------- CLI


def test_cli_manages_accounts(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from intake.cli import main
    from tests.review_ui.conftest import make_context

    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "li", "--role", "reviewer"]) != 0  # policy
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pass\n"))
    assert main(["user", "add", "li", "--role", "reviewer"]) == 0
    ctx = make_context(tmp_path)
    with ctx.sessions.begin() as s:
        user = users.by_name(s, "li")
        assert user is not None
        user.locked_until, user.failed_logins = utcnow() + timedelta(minutes=15), 5
    assert main(["user", "unlock", "li"]) == 0
    assert main(["user", "role", "li", "auditor"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-pass\n"))
    assert main(["user", "password", "li"]) == 0
    assert main(["user", "deactivate", "li"]) == 0
    assert main(["user", "activate", "li"]) == 0
    assert main(["user", "unlock", "nobody"]) != 0
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.name == "li"))
        assert user is not None and user.role == Role.AUDITOR and user.active and user.locked_until is None
        auth.authenticate(s, "li", "another-long-pass", address="cli-test")
    assert _actions(ctx, "user:li")[1:] == [
        "user.unlocked", "user.role_changed", "user.password_reset", "user.deactivated", "user.activated",
    ]  # fmt: skip


def test_behind_a_trusted_proxy_the_client_address_is_counted(ctx: Context) -> None:
    from dataclasses import replace

    from review_ui import create_app
    from storage.models import LoginThrottle

    proxied = create_app(replace(ctx, settings=replace(ctx.settings, trusted_proxies=1)))
    client = proxied.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"name": "ghost", "password": "wrong-password", "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    with ctx.sessions() as s:
        assert s.get(LoginThrottle, "addr:203.0.113.7") is not None
