"""The review UI's users, looked up, listed and created; hashing passwords is review_ui.auth's part."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Role, User
from storage.repository import audit


def by_name(s: Session, name: str) -> User | None:
    return s.scalar(select(User).where(User.name == name))


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
    return list(s.scalars(select(User).order_by(User.name)))


def reviewer_names(s: Session) -> list[str]:
    """The reviewers a dossier can be assigned to, by name."""
    return list(s.scalars(select(User.name).where(User.role == Role.REVIEWER).order_by(User.name)))
