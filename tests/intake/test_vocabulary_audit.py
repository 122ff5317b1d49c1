"""Every audit action the code base can write has a Chinese name in intake.vocabulary.AUDIT_ACTIONS.

The action codes are found in the source, not listed here: every call of the trail's writers (`audit`,
`audit_chain.append`, `audit_once`) in the packages that write, with its action argument resolved — a string,
a module constant, either branch of a conditional, or an f-string `"<kind>.{status.value}"` expanded over the
enum its kind's status comes from. An action the resolver cannot read fails the test, so a new way of writing
one cannot slip past.
"""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

from intake import vocabulary
from storage.models import CustomerStatus, DossierStatus

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("intake", "storage", "review_ui", "workers")
WRITERS = frozenset({"audit", "audit_once"})
STATUS_ENUMS: dict[str, type[StrEnum]] = {"dossier.": DossierStatus, "customer.": CustomerStatus}
PASS_THROUGH = {("storage/repository.py", "action")}  # audit_once hands its own argument on


def _constants(tree: ast.Module) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    out[target.id] = node.value.value
    return out


def _imported_constants() -> dict[str, str]:
    """Module constants of every scanned module, for actions named by a constant imported from elsewhere."""
    out: dict[str, str] = {}
    for path in _sources():
        out.update(_constants(ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _sources() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]


def _is_writer(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in WRITERS
    if isinstance(func, ast.Attribute):
        if func.attr == "append":
            return isinstance(func.value, ast.Name) and func.value.id == "audit_chain"
        return func.attr in WRITERS
    return False


def _action_arg(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    return call.args[2] if len(call.args) >= 3 else None


def _resolve(node: ast.expr, constants: dict[str, str]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}
    if isinstance(node, ast.IfExp):
        return _resolve(node.body, constants) | _resolve(node.orelse, constants)
    if isinstance(node, ast.JoinedStr) and len(node.values) == 2 and isinstance(node.values[0], ast.Constant):
        prefix = str(node.values[0].value)
        if prefix in STATUS_ENUMS:
            return {prefix + member.value for member in STATUS_ENUMS[prefix]}
    raise AssertionError(f"cannot read the audit action {ast.unparse(node)}")


def written_actions() -> dict[str, str]:
    """Every action code the code base writes → where (file:line)."""
    everywhere = _imported_constants()
    found: dict[str, str] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {**everywhere, **_constants(tree)}
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not _is_writer(node):
                continue
            arg = _action_arg(node)
            if arg is None or (relative, ast.unparse(arg)) in PASS_THROUGH:
                continue
            for action in _resolve(arg, constants):
                found.setdefault(action, f"{relative}:{node.lineno}")
    return found


def test_the_scan_finds_the_trail_writers() -> None:
    actions = written_actions()
    # a few the trail is known to carry: the scan is looking in the right places
    assert {"field.corrected", "dossier.approved", "user.created", "level1.viewed"} <= set(actions)


def test_every_written_action_has_a_chinese_name() -> None:
    written = written_actions()
    unnamed = {code: where for code, where in written.items() if code not in vocabulary.AUDIT_ACTIONS}
    assert unnamed == {}


def test_action_names_are_chinese_and_distinct() -> None:
    names = list(vocabulary.AUDIT_ACTIONS.values())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)
    assert len(set(names)) == len(names)
    assert vocabulary.audit_action_name("field.corrected") == "更正字段"
    assert vocabulary.audit_key_name("bank_account") == "银行账号"
    assert vocabulary.value_text("long_term") == "长期"
