"""Who is signed in and what their role lets them do: Flask-Login sessions, HTTP basic auth for scripts.

Every view states its roles with `@role_required(...)`; the check runs on the server and answers 403.
Passwords are stored only as werkzeug hashes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, request
from flask_login import LoginManager, UserMixin, current_user
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storage import users
from storage.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "ui.login"
login_manager.login_message = ""


@dataclass(frozen=True, slots=True)
class SignedIn(UserMixin):  # type: ignore[misc]
    """The signed-in user as the views see it (no ORM object outlives its session)."""

    user_id: int
    name: str
    role: Role

    def get_id(self) -> str:
        return str(self.user_id)

    def has(self, *roles: Role) -> bool:
        return self.role in roles


def _signed_in(user: User | None) -> SignedIn | None:
    if user is None or not user.active:
        return None
    return SignedIn(user.id, user.name, user.role)


def add_user(s: Session, name: str, password: str, role: Role, *, actor: str = "system") -> User:
    if not name.strip() or not password:
        raise ValueError("name and password are required")
    if users.by_name(s, name) is not None:
        raise ValueError(f"user {name!r} exists")
    return users.add(s, name.strip(), generate_password_hash(password), role, actor=actor)


def authenticate(s: Session, name: str, password: str) -> SignedIn | None:
    user = users.by_name(s, name)
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return _signed_in(user)


def basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return name, password


def install(app: Any, sessions: Callable[[], Session]) -> None:
    login_manager.init_app(app)

    @login_manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        with sessions() as s:
            return _signed_in(users.by_id(s, int(user_id)))

    @login_manager.request_loader
    def _from_basic_auth(_request: Any) -> SignedIn | None:
        creds = basic_credentials()
        if creds is None:
            return None
        with sessions() as s:
            user = authenticate(s, *creds)
        g.basic_auth = user is not None
        return user


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
