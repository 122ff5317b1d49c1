"""Which read fields a reviewer must look at before a dossier may be archived, and why (issue 13).

A field is doubtful when
- the reader was not sure of it (confidence below LOW_CONFIDENCE_BELOW),
- a check on it failed (an open finding's evidence points at it), or
- its value is not of its field's shape: clause text read as 收货地址
  ("或收货专用章的，应提前五个工作日书面通知甲方并"), a sentence as a name, a phone, ID, account, tax
  number or date that does not parse.

A high confidence does not make a value right: the reader can be sure of the wrong text next to a label.
The shape rules are per field kind (KINDS) and reuse what the reader itself judges with (ocr.fields.shapes)
and the identifier parsers (intake.identifiers), so "doubtful" means the same on the review page, in the
approval check and in `dossier process`'s summary. Pure functions; every reason is Chinese, for the reviewer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from intake.identifiers.codes import TinKind, classify_tin, id_errors
from intake.identifiers.dates import OPEN_ENDED, parse_cn_date
from intake.identifiers.phones import parse_phone
from intake.types import Finding
from intake.vocabulary import rule_name
from ocr.fields.shapes import CLAUSE, address_quality, bank_quality, has_quotes, is_person

__all__ = [
    "KINDS",
    "LOW_CONFIDENCE_BELOW",
    "Doubt",
    "FieldKey",
    "Kind",
    "doubt_reasons",
    "doubtful_fields",
    "doubts_in_contract",
    "flagged_fields",
    "shape_problem",
]

LOW_CONFIDENCE_BELOW = 0.8
"""A reading below this confidence is doubtful (the review page's 「置信度低」, storage's count)."""


class Kind(StrEnum):
    """What a field's value must look like."""

    ADDRESS = "address"
    PERSON = "person"
    ORGANISATION = "organisation"
    BANK = "bank"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    ACCOUNT = "account"
    TAX_ID = "tax_id"
    DATE = "date"
    DATE_OR_OPEN = "date_or_open"  # the end of a validity: a date, or 长期 (`long_term`)


KINDS: Mapping[str, Kind] = {
    "customer_name": Kind.ORGANISATION,
    "account_holder": Kind.ORGANISATION,
    "tax_id": Kind.TAX_ID,
    "bank_name": Kind.BANK,
    "bank_account": Kind.ACCOUNT,
    "tax_address": Kind.ADDRESS,
    "address": Kind.ADDRESS,
    "receiving_address": Kind.ADDRESS,
    "tax_phone": Kind.PHONE,
    "consignee_phone": Kind.PHONE,
    "contact_phone": Kind.PHONE,
    "legal_representative": Kind.PERSON,
    "consignee_name": Kind.PERSON,
    "contact_name": Kind.PERSON,
    "consignee_id_number": Kind.ID_NUMBER,
    "valid_from": Kind.DATE,
    "issue_date": Kind.DATE,
    "account_opened": Kind.DATE,
    "established": Kind.DATE,
    "signing_date": Kind.DATE,
    "pickup_date": Kind.DATE,
    "id_valid_from": Kind.DATE,
    "valid_to": Kind.DATE_OR_OPEN,
    "id_valid_to": Kind.DATE_OR_OPEN,
}
"""Field code → kind; fields not named here (编号, 收货时间 …) are judged by confidence and findings only."""

# A sentence, not a name: sentence punctuation or the wording of clauses. Narrower than CLAUSE, whose single
# characters (应, 须) occur in real company names (…供应链有限公司).
_SENTENCE = re.compile(
    r"[。；;，,！？!?：:]|提前|通知|负责|承担|工作日|书面|不得|违约|协商|之日|双方|甲方|乙方|本合同|如因|如有|"
    r"如需|签字|盖章|收货专用章"
)
_ACCOUNT = re.compile(r"\d{8,32}")
_ACCOUNT_SEPARATORS = re.compile(r"[\s\-－]")


def _address(value: str) -> str | None:
    if len(value) < 4:
        return "过短，不像地址"
    if CLAUSE.search(value):
        return "像合同条款或说明文字，不是地址"
    if has_quotes(value):
        return "含引号，像说明文字，不是地址"
    if address_quality(value) != 1.0:
        return "没有省、市、区、路、号等地名用字"
    return None


def _person(value: str) -> str | None:
    return None if is_person(value) else "不像人名（应为 2–4 个汉字，不含标签或签章用语）"


def _organisation(value: str) -> str | None:
    if len(value) < 2 or len(value) > 60:
        return "长度不像单位或个人名称"
    if _SENTENCE.search(value) or has_quotes(value):
        return "像一句话或说明文字，不是名称"
    return None


def _bank(value: str) -> str | None:
    quality = bank_quality(value)
    if quality is None:
        return "不像银行名称（含条款、标签或引号）"
    if quality < 0.5:
        return "没有银行、支行、信用社等字样"
    return None


def _phone(value: str) -> str | None:
    return None if parse_phone(value).kind is not None else "不是有效的电话号码"


def _id_number(value: str) -> str | None:
    return "身份证号码的格式、出生日期或校验位不对" if id_errors(value) else None


def _account(value: str) -> str | None:
    digits = _ACCOUNT_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    return None if _ACCOUNT.fullmatch(digits) else "不是有效的银行账号（应为 8–32 位数字）"


def _tax_id(value: str) -> str | None:
    kind, _problems = classify_tin(value)
    return "税号的格式或校验位不对" if kind is TinKind.UNKNOWN else None


def _date(value: str, *, open_ended: bool) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if any(word in text for word in OPEN_ENDED):
        return None if open_ended else "这里应为具体日期，不是“长期”"
    try:
        parsed = parse_cn_date(text)
    except ValueError:
        parsed = None
    if parsed is None or isinstance(parsed, str) or not 1949 <= parsed.year <= 2099:
        return "不是有效的日期"
    return None


_SHAPES: Mapping[Kind, Callable[[str], str | None]] = {
    Kind.ADDRESS: _address,
    Kind.PERSON: _person,
    Kind.ORGANISATION: _organisation,
    Kind.BANK: _bank,
    Kind.PHONE: _phone,
    Kind.ID_NUMBER: _id_number,
    Kind.ACCOUNT: _account,
    Kind.TAX_ID: _tax_id,
    Kind.DATE: functools.partial(_date, open_ended=False),
    Kind.DATE_OR_OPEN: functools.partial(_date, open_ended=True),
}


def shape_problem(name: str, value: str) -> str | None:
    """Why `value` is not of field `name`'s shape, in Chinese; None when it is (or the field has no shape)."""
    kind = KINDS.get(name)
    value = value.strip()
    if kind is None or not value:
        return None
    return _SHAPES[kind](value)


def doubt_reasons(name: str, value: str, confidence: float, *, rules: Iterable[str] = ()) -> tuple[str, ...]:
    """Every reason field `name` read as `value` with `confidence` is doubtful; () when it is not.

    `rules`: the ids of the open findings whose evidence points at this field.
    """
    reasons: list[str] = []
    if not value.strip():
        reasons.append("未读取到内容")
    elif confidence < LOW_CONFIDENCE_BELOW:
        reasons.append(f"识别置信度低（{confidence * 100:.0f}%）")
    for rule in dict.fromkeys(rules):
        reasons.append(f"检查未通过：{rule_name(rule)}")
    problem = shape_problem(name, value)
    if problem:
        reasons.append(problem)
    return tuple(reasons)


@dataclass(frozen=True, slots=True)
class FieldKey:
    """Where a field was read: file, 1-based page within it, field code — what a finding's evidence names."""

    file: str
    page: int
    name: str


@dataclass(frozen=True, slots=True)
class Doubt:
    """A doubtful field: where it was read, its value and why it must be looked at (Chinese reasons)."""

    file: str
    page: int
    name: str
    value: str
    reasons: tuple[str, ...]
    field_id: int | None = None


def flagged_fields(findings: Iterable[Finding]) -> dict[FieldKey, list[str]]:
    """Field → the rules of the findings whose evidence points at it (the caller passes the open ones)."""
    out: dict[FieldKey, list[str]] = {}
    for finding in findings:
        for ev in finding.evidence:
            if ev.file and ev.page and ev.field:
                out.setdefault(FieldKey(ev.file, int(ev.page), ev.field), []).append(finding.rule)
    return out


@dataclass(frozen=True, slots=True)
class _Read:
    key: FieldKey
    value: str
    confidence: float


def doubtful_fields(fields: Iterable[Any], findings: Iterable[Finding]) -> list[Doubt]:
    """The doubtful ones of `fields` (anything with name, value, confidence, file, page — intake.types'
    SourcedField), in the order given, with their reasons."""
    flagged = flagged_fields(findings)
    reads = [_Read(FieldKey(f.file, int(f.page), f.name), str(f.value), float(f.confidence)) for f in fields]
    return _doubts(reads, flagged)


def _doubts(reads: Sequence[_Read], flagged: Mapping[FieldKey, list[str]]) -> list[Doubt]:
    out = []
    for read in reads:
        reasons = doubt_reasons(read.key.name, read.value, read.confidence, rules=flagged.get(read.key, ()))
        if reasons:
            out.append(Doubt(read.key.file, read.key.page, read.key.name, read.value, reasons))
    return out


def doubts_in_contract(out: Mapping[str, Any]) -> list[Doubt]:
    """The doubtful fields of a `dossier process --json` object (../shared/contract.md), page by page.

    Only open findings count (a finding without `status` is open, as the contract prints them); the seals
    "field" is a list of kinds, not a value to judge.
    """
    flagged: dict[FieldKey, list[str]] = {}
    for finding in out.get("findings") or []:
        if finding.get("status", "open") != "open":
            continue
        for ev in finding.get("evidence") or []:
            if ev.get("file") and ev.get("page") and ev.get("field"):
                key = FieldKey(str(ev["file"]), int(ev["page"]), str(ev["field"]))
                flagged.setdefault(key, []).append(str(finding.get("rule", "")))
    reads = [
        _Read(FieldKey(str(page["file"]), int(page["page"]), name), str(read.get("value") or ""),
              float(read.get("confidence") or 0.0))
        for page in out.get("pages") or []
        for name, read in (page.get("fields") or {}).items()
        if name != "seals" and not isinstance(read.get("value"), list)
    ]  # fmt: skip
    return _doubts(reads, flagged)
