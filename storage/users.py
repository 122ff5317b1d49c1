"""The review UI's users: looked up, listed, created, locked, unlocked and managed; all their SQL is here.

Hashing and checking passwords, and the password policy, are review_ui.auth's part. Counts of failed sign-ins
live in the database (`users.failed_logins`, `login_throttle`) so that every web process and a restart see the
same counts; a lock, an unlock and every change an administrator makes to an account go to the audit trail.
`session_version` is bumped by every change that must end the user's open sessions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import LoginThrottle, Role, User, user_name_key
from storage.repository import audit


def by_name(s: Session, name: str) -> User | None:
    """The user whose name is `name` up to case and surrounding blanks (names are unique that way)."""
    return s.scalar(select(User).where(User.name_key == user_name_key(name)))


def by_id(s: Session, user_id: int) -> User | None:
    return s.get(User, user_id)


def add(s: Session, name: str, password_hash: str, role: Role, *, actor: str = "system") -> User:
    """A new user (the name must be free: check with `by_name`), with an audit event."""
    user = User(name=name, password_hash=password_hash, role=role)
    s.add(user)
    s.flush()
    audit(s, actor, "user.created", entity=f"user:{user.name}", after={"role": role.value})
    return user


def everyone(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.name_key)))


def reviewer_names(s: Session) -> list[str]:
    """The reviewers a dossier can be assigned to, by name."""
    query = select(User.name).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.name)
    return list(s.scalars(query))


# ------------------------------------------------------------------------------------------- throttling


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_failure(s: Session, user: User, now: datetime, *, limit: int, lock_for: timedelta) -> bool:
    """Count a wrong password; `limit` in a row lock the account for `lock_for` (audited). True if locked."""
    user.failed_logins += 1
    if user.failed_logins >= limit and not is_locked(user, now):
        user.locked_until = now + lock_for
        audit(
            s,
            "system",
            "user.locked",
            entity=f"user:{user.name}",
            after={"failed_logins": user.failed_logins, "locked_until": user.locked_until.isoformat()},
        )
    return is_locked(user, now)


def record_success(user: User, now: datetime) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now


def unlock(s: Session, user: User, *, actor: str) -> None:
    """Lift a lock (or clear the count of failures) before its time, audited."""
    before = {"failed_logins": user.failed_logins, "locked_until": _iso(user.locked_until)}
    user.failed_logins = 0
    user.locked_until = None
    audit(s, actor, "user.unlocked", entity=f"user:{user.name}", before=before)


def address_locked(s: Session, address: str, now: datetime) -> bool:
    row = s.get(LoginThrottle, f"addr:{address}")
    return row is not None and row.locked_until is not None and row.locked_until > now


def record_address_failure(
    s: Session, address: str, now: datetime, *, limit: int, lock_for: timedelta
) -> bool:
    """Count a failed sign-in from `address`; failures older than `lock_for` are forgotten. True if locked."""
    key = f"addr:{address}"
    row = s.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, updated_at=now)
        s.add(row)
    elif row.updated_at < now - lock_for and not (row.locked_until and row.locked_until > now):
        row.failures = 0
    row.failures += 1
    row.updated_at = now
    if row.failures >= limit and not (row.locked_until and row.locked_until > now):
        row.locked_until = now + lock_for
        row.failures = 0
        audit(s, "system", "address.locked", entity=key, after={"locked_until": row.locked_until.isoformat()})
    s.flush()
    return row.locked_until is not None and row.locked_until > now


# ---------------------------------------------------------------------------------- account management


def revoke_sessions(user: User) -> None:
    """End every open session of the user: the version in their cookies no longer matches."""
    user.session_version += 1


def set_password(s: Session, user: User, password_hash: str, *, actor: str) -> None:
    user.password_hash = password_hash
    user.failed_logins = 0
    user.locked_until = None
    revoke_sessions(user)
    audit(s, actor, "user.password_reset", entity=f"user:{user.name}")


def set_active(s: Session, user: User, *, active: bool, actor: str) -> None:
    if user.active == active:
        return
    user.active = active
    revoke_sessions(user)
    audit(
        s,
        actor,
        "user.activated" if active else "user.deactivated",
        entity=f"user:{user.name}",
        before={"active": not active},
        after={"active": active},
    )


def set_role(s: Session, user: User, role: Role, *, actor: str) -> None:
    if user.role == role:
        return
    before = user.role.value
    user.role = role
    revoke_sessions(user)
    audit(
        s,
        actor,
        "user.role_changed",
        entity=f"user:{user.name}",
        before={"role": before},
        after={"role": role.value},
    )


def active_administrators(s: Session) -> int:
    query = select(User.id).where(User.role == Role.ADMINISTRATOR, User.active.is_(True))
    return len(list(s.scalars(query)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
