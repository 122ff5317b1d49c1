"""The summary `dossier process` prints for a person (without --json): all Chinese, nothing left unsaid.

A clerk reads it instead of the contract JSON, so it says what the JSON says in the vocabulary's
words: the status, where each page's text came from (文本层 / 文字识别), every finding with its severity
(阻断 / 提示) and its Chinese message, "检查结果：无问题" when the checks ran and found nothing (so silence
never means "not checked"), and the fields a reviewer must look at before archiving
(intake.checks.doubtful, the same judgement as the review page). Codes the vocabulary does not know yet
are shown as 「其他」 rather than in English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from intake.checks.doubtful import Doubt, doubts_in_contract
from intake.types import RECORD_FIELDS
from intake.vocabulary import doc_name, field_name, rule_name, severity_name, source_name, status_name

__all__ = ["summary"]

VALUE_WIDTH = 40  # characters of a doubtful value shown; the rest is elided


def _named(name_of: Callable[[object], str], code: object, unknown: str) -> str:
    """The vocabulary's Chinese name, or `unknown` when it has none (it would echo the English code)."""
    name = name_of(code)
    return unknown if not code or name == str(code) else name


def _head(d: Mapping[str, Any]) -> list[str]:
    status = _named(status_name, d.get("status"), f"其他（{d.get('status')}）")
    return [
        f"档案 {d['id']}",
        f"状态：{status}    预计提货日期：{d.get('pickup_date') or '未知'}    "
        f"建档截止日期：{d.get('deadline') or '未知'}",
    ]


def _pages(pages: list[Mapping[str, Any]]) -> list[str]:
    lines = [f"页面（{len(pages)} 页）："]
    for p in pages:
        source = _named(source_name, p.get("source"), "未读取")
        where = f"  {p['file']} 第 {p['page']} 页  {doc_name(p.get('doc_type'))}  {source}"
        lines.append(f"{where}  {len(p.get('fields') or {})} 个字段")
        if p.get("error"):
            lines.append(f"      读取出错：{p['error']}")
    return lines


def _record(record: Mapping[str, Any]) -> list[str]:
    lines = ["开票六要素："]
    lines += [f"  {field_name(key)}：{record.get(key) or '（未读取）'}" for key in RECORD_FIELDS]
    return lines


def _completeness(comp: Mapping[str, Any]) -> list[str]:
    if comp["complete"]:
        return ["资料齐全：是"]
    return [f"资料齐全：否（缺少：{'、'.join(doc_name(m) for m in comp['missing']) or '未知'}）"]


def _findings(findings: list[Mapping[str, Any]]) -> list[str]:
    if not findings:
        return ["检查结果：无问题"]
    blockers = sum(f["severity"] == "blocker" for f in findings)
    head = f"检查结果：{len(findings)} 项（阻断 {blockers} 项，提示 {len(findings) - blockers} 项）"
    lines = [head]
    for f in sorted(findings, key=lambda f: f["severity"] != "blocker"):  # blockers first, stable
        severity = _named(severity_name, f["severity"], "提示")
        lines.append(f"  [{severity}] {_named(rule_name, f['rule'], '其他检查')}：{f['message']}")
    return lines


def _short(value: str) -> str:
    return value if len(value) <= VALUE_WIDTH else value[: VALUE_WIDTH - 1] + "…"


def _doubts(doubts: list[Doubt]) -> list[str]:
    if not doubts:
        return ["需要审核人核对的字段：无"]
    lines = [f"需要审核人核对的字段（{len(doubts)} 个）："]
    for d in doubts:
        value = f"「{_short(d.value)}」" if d.value.strip() else "（空）"
        lines.append(f"  {d.file} 第 {d.page} 页  {field_name(d.name)} {value}：{'；'.join(d.reasons)}")
    return lines


def _rejected(rejected: list[Mapping[str, Any]]) -> list[str]:
    if not rejected:
        return []
    return [f"未能读取的文件（{len(rejected)} 个）：", *(f"  {r['file']}：{r['reason']}" for r in rejected)]


def summary(out: Mapping[str, Any]) -> str:
    """The person's summary of one `dossier process --json` object (../shared/contract.md)."""
    sections = [
        _head(out["dossier"]),
        _pages(out["pages"]),
        _record(out["record"]),
        _completeness(out["completeness"]),
        _findings(out["findings"]),
        _doubts(doubts_in_contract(out)),
        _rejected(out["rejected_files"]),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines)
