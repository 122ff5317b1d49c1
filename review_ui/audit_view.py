"""The audit trail as an auditor reads it (issue 13): Chinese action names, what the entry is about, and the
change as rows of 字段：旧值 → 新值 instead of raw JSON.

Every name comes from intake.vocabulary (AUDIT_ACTIONS, AUDIT_ENTITIES, AUDIT_KEYS, FIELDS, STATUSES …);
values that are codes (a status, a role, a rule, a field) are named too; lists and nested objects are spelled
out. Data, not markup: the template lays the rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intake import vocabulary

EMPTY = "（空）"
ACTORS = {"system": "系统"}  # the program's own entries (storage writes actor="system")
CODED_VALUES = {  # before/after keys whose values are codes, and the vocabulary that names them
    "status": vocabulary.status_name,
    "role": vocabulary.role_name,
    "rule": vocabulary.rule_name,
    "name": vocabulary.field_name,
    "field": vocabulary.field_name,
    "result": vocabulary.sample_result_name,
}


CONTEXT_KEYS = frozenset({"rule", "page_id"})  # say what the entry is about, not what changed


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str | None  # None: context (检查规则：缺少材料), shown without an arrow
    after: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: Any  # datetime (UTC); the template shows it with the `local` filter
    actor: str
    action: str  # the Chinese name
    code: str  # the action code, for scripts and tests (data-action), never shown
    about: str
    changes: list[Change]
    reason: str


def value_text(key: str, value: Any) -> str:
    """One before/after value as words: codes named, booleans 是/否, lists joined, objects as 键：值."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(value_text(key, item) for item in value) or EMPTY
    if isinstance(value, Mapping):
        return "；".join(f"{vocabulary.audit_key_name(k)}：{value_text(str(k), v)}" for k, v in value.items())
    if key in CODED_VALUES:
        return CODED_VALUES[key](value)
    return vocabulary.value_text(value)


def about(entity: str) -> str:
    """`field:12` → 字段 12; the dossier's own id (long hex) is left out: the page is about that dossier."""
    kind, _, ident = (entity or "").partition(":")
    if not kind:
        return ""
    name = vocabulary.audit_entity_name(kind)
    if kind == "dossier" or not ident:
        return name
    return f"{name} {ident}"


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[Change]:
    """Rows of label, old, new; a corrected field reads as 「银行账号：旧值 → 新值」 under its own name."""
    before, after = dict(before or {}), dict(after or {})
    rows: list[Change] = []
    name = after.get("name", before.get("name"))
    named = isinstance(name, str) and name in vocabulary.FIELDS
    if named and ("value" in before or "value" in after):
        before.pop("name", None), after.pop("name", None)
        old, new = before.pop("value", None), after.pop("value", None)
        rows.append(
            Change(vocabulary.field_name(name), value_text(str(name), old), value_text(str(name), new))
        )
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new and key in before and key in after:
            continue  # unchanged context (the page a field is on) says nothing about the change
        label = vocabulary.audit_key_name(key)
        if key in CONTEXT_KEYS and old is None:
            rows.append(Change(label, None, value_text(key, new)))
        else:
            rows.append(Change(label, value_text(key, old), value_text(key, new)))
    return rows


def readable(events: Iterable[Any]) -> list[AuditRow]:
    """storage AuditEvent rows → what the audit page shows."""
    return [
        AuditRow(
            at=e.at,
            actor=ACTORS.get(e.actor, e.actor),
            action=vocabulary.audit_action_name(e.action),
            code=e.action,
            about=about(e.entity),
            changes=changes(e.before, e.after),
            reason=e.reason or "",
        )
        for e in events
    ]
