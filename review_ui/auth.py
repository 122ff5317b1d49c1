"""Who is signed in and what their role lets them do: Flask-Login sessions, HTTP basic auth (API only).

Every view states its roles with `@role_required(...)`; the check runs on the server and answers 403.
Passwords are stored only as werkzeug hashes and must pass `password_problem` (length, not the name, not a
common password). Guessing is throttled per account and per client address, with counts in the database
(storage.users), and an unknown name costs the same hash check as a known one, so timing tells nothing.
Sessions carry the user's `session_version` and the times of sign-in and last request: bumping the version
(sign-out, password reset, deactivation, role change) or exceeding the idle or absolute timeout ends them.
Basic auth is accepted on /api/ only: a browser page is never authenticated by a header it cannot forget.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps
from typing import Any, TypeVar

from flask import abort, g, request, session
from flask_login import LoginManager, UserMixin, current_user
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from storage import users
from storage.models import Role, User, utcnow

F = TypeVar("F", bound=Callable[..., Any])

LOCK_AFTER = 5
"""Wrong passwords in a row before an account is locked."""
ADDRESS_LOCK_AFTER = 20
"""Failed sign-ins from one client address (any names) before that address is locked."""
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "qwertyuiop",
        "password123",
        "password1234",
        "passw0rd123",
        "administrator",
        "admin12345",
        "admin123456",
        "abc1234567",
        "abcd123456",
        "a123456789",
        "iloveyou12",
        "woaini1314",
        "5201314520",
        "qwerty12345",
        "letmein123",
        "welcome123",
        "changeme123",
        "p@ssw0rd123",
    }
)

WRONG = "用户名或密码错误。"
LOCKED = "账户已临时锁定（连续多次密码错误），请 15 分钟后再试，或请管理员解锁。"
ADDRESS_LOCKED = "此地址登录失败次数过多，已临时禁止登录，请 15 分钟后再试。"

login_manager = LoginManager()
login_manager.login_view = "ui.login"
login_manager.login_message = ""


class SignInRefused(Exception):
    """A sign-in that did not succeed; `str(exc)` is the Chinese message for the user."""


@dataclass(frozen=True, slots=True)
class SignedIn(UserMixin):  # type: ignore[misc]
    """The signed-in user as the views see it (no ORM object outlives its session)."""

    user_id: int
    name: str
    role: Role
    session_version: int = 1

    def get_id(self) -> str:
        return str(self.user_id)

    def has(self, *roles: Role) -> bool:
        return self.role in roles


def _signed_in(user: User | None) -> SignedIn | None:
    if user is None or not user.active:
        return None
    return SignedIn(user.id, user.name, user.role, user.session_version)


@cache
def _dummy_hash() -> str:
    """A hash checked for unknown names, so they cost as much time as a wrong password for a real user."""
    return generate_password_hash("unknown-user-dummy-password")


def password_problem(name: str, password: str) -> str | None:
    """Why `password` is not acceptable for user `name` (Chinese), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    key = name.strip().casefold()
    if key and key in password.casefold():
        return "密码不能包含用户名。"
    if password.casefold() in COMMON_PASSWORDS or len(set(password)) <= 2:
        return "密码过于常见或简单，请换一个。"
    return None


def add_user(s: Session, name: str, password: str, role: Role, *, actor: str = "system") -> User:
    """A new user; ValueError (Chinese) for an empty or taken name (case-insensitive) or a weak password."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("用户名不能为空，且不超过 100 个字符。")
    if users.by_name(s, name) is not None:
        raise ValueError(f"用户名“{name}”已存在（不区分大小写）。")
    problem = password_problem(name, password)
    if problem:
        raise ValueError(problem)
    return users.add(s, name, generate_password_hash(password), role, actor=actor)


def reset_password(s: Session, name: str, password: str, *, actor: str) -> User:
    """Set a new password (policy checked), ending the user's sessions and lifting any lock; audited."""
    user = _existing(s, name)
    problem = password_problem(user.name, password)
    if problem:
        raise ValueError(problem)
    users.set_password(s, user, generate_password_hash(password), actor=actor)
    return user


def set_active(s: Session, name: str, *, active: bool, actor: str) -> User:
    """(De)activate an account; the last active administrator cannot be deactivated."""
    user = _existing(s, name)
    if not active and user.role == Role.ADMINISTRATOR and user.active and users.active_administrators(s) <= 1:
        raise ValueError("不能停用最后一个启用的管理员。")
    users.set_active(s, user, active=active, actor=actor)
    return user


def set_role(s: Session, name: str, role: Role, *, actor: str) -> User:
    user = _existing(s, name)
    if user.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR and users.active_administrators(s) <= 1:
        raise ValueError("不能更改最后一个启用的管理员的角色。")
    users.set_role(s, user, role, actor=actor)
    return user


def unlock(s: Session, name: str, *, actor: str) -> User:
    user = _existing(s, name)
    users.unlock(s, user, actor=actor)
    return user


def _existing(s: Session, name: str) -> User:
    user = users.by_name(s, name)
    if user is None:
        raise ValueError(f"用户“{name.strip()}”不存在。")
    return user


def authenticate(
    s: Session, name: str, password: str, *, address: str | None = None, now: datetime | None = None
) -> SignedIn:
    """Check a name and password, counting failures per account and per address; SignInRefused if refused.

    The password is checked against a hash whether or not the user exists (a dummy one for unknown names),
    and a locked account is refused even with the right password, until the lock ends or is lifted.
    """
    now = now or utcnow()
    address = address or "unknown"
    if users.address_locked(s, address, now):
        check_password_hash(_dummy_hash(), password)
        raise SignInRefused(ADDRESS_LOCKED)
    user = users.by_name(s, name)
    ok = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
    if user is not None and users.is_locked(user, now):
        raise SignInRefused(LOCKED)
    if not ok or user is None or not user.active:
        users.record_address_failure(s, address, now, limit=ADDRESS_LOCK_AFTER, lock_for=LOCK_FOR)
        if user is not None and users.record_failure(s, user, now, limit=LOCK_AFTER, lock_for=LOCK_FOR):
            raise SignInRefused(LOCKED)
        raise SignInRefused(WRONG)
    users.record_success(user, now)
    signed = _signed_in(user)
    assert signed is not None
    return signed


def start_session(user: SignedIn) -> None:
    """Mark a fresh session (after login_user): its user's version and the times the timeouts count from."""
    now = time.time()
    session["sv"] = user.session_version
    session["auth_at"] = now
    session["seen_at"] = now


def end_session(sessions: sessionmaker[Session], user_id: int) -> None:
    """Sign-out: every copy of the user's cookies stops working (server-side revocation)."""
    with sessions.begin() as s:
        user = users.by_id(s, user_id)
        if user is not None:
            users.revoke_sessions(user)


def basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return name, password


def has_session_cookie(app: Any) -> bool:
    return app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies


def install(
    app: Any,
    sessions: sessionmaker[Session],
    *,
    idle: timedelta = timedelta(minutes=30),
    max_age: timedelta = timedelta(hours=12),
) -> None:
    """Wire Flask-Login: sessions checked against the stored version and the timeouts; basic auth on /api/."""
    login_manager.init_app(app)

    @login_manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        now = time.time()
        auth_at, seen_at = session.get("auth_at"), session.get("seen_at")
        if not isinstance(auth_at, (int, float)) or not isinstance(seen_at, (int, float)):
            return None
        if now - auth_at > max_age.total_seconds() or now - seen_at > idle.total_seconds():
            session.clear()
            return None
        try:
            with sessions() as s:
                user = _signed_in(users.by_id(s, int(user_id)))
        except ValueError:
            return None
        if user is None or session.get("sv") != user.session_version:
            session.clear()
            return None
        session["seen_at"] = now
        return user

    @login_manager.request_loader
    def _from_basic_auth(_request: Any) -> SignedIn | None:
        if not request.path.startswith("/api/"):
            return None  # pages: never by a header the browser cannot forget
        creds = basic_credentials()
        if creds is None:
            return None
        user: SignedIn | None = None
        with sessions.begin() as s:
            try:  # caught inside the transaction: a refusal's counted failure is committed
                user = authenticate(s, *creds, address=request.remote_addr)
            except SignInRefused as refused:
                g.basic_auth_refused = str(refused)
        g.basic_auth = user is not None
        return user


_SAFE_NEXT = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


def safe_next(target: str | None) -> str | None:
    """Where to go after sign-in (`?next=`), if it is a path of this site: `/queue?x=1` yes; `//evil`,
    `https://evil`, `/\\evil`, control characters or anything longer than a URL should be: None."""
    if not target or len(target) > 2000 or not _SAFE_NEXT.fullmatch(target):
        return None
    return target


def role_required(*roles: Role) -> Callable[[F], F]:
    """Refuse (403) anyone signed in without one of `roles`; the anonymous go to sign in (API: 401)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


ADMIN = (Role.ADMINISTRATOR,)
DECIDERS = (Role.ADMINISTRATOR, Role.REVIEWER)
READERS = (Role.ADMINISTRATOR, Role.REVIEWER, Role.AUDITOR)
EVERYONE = (Role.ADMINISTRATOR, Role.REVIEWER, Role.AUDITOR, Role.STAFF)
AUDIT = (Role.ADMINISTRATOR, Role.AUDITOR)
