"""Clean and judge one field's raw text: the canonical value and how plausible it is (0..1).

Values are stored as printed (contract: surrounding whitespace removed, full-width ASCII letters/digits made
half-width, Chinese punctuation kept). OCR confusions are repaired only where the repaired value then passes
its check characters (domain-rules §0.2); otherwise the value is kept as read with a low plausibility so the
reviewer looks at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from intake.identifiers.codes import classify_tin, id_errors, uscc_errors, uscc_repair
from intake.identifiers.dates import parse_cn_date, parse_validity, to_iso
from ocr.fields import shapes

_WS = re.compile(r"[\s\u3000\u200b\ufeff]+")
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
_GAP_MARKS = {ord(c): None for c in "☑☐□■▢▣◻◼"}
_QUALIFIER = re.compile(r"^[（(](全称|盖章|签章|名称|中文|单位)[)）][:：]?")
_LEAD = re.compile(r"^[\s:：;；,，.。、|_\-—]+")
_TRAIL = re.compile(r"[\s:：;；,，。、|_\-—]+$")
_SEAL_NOTE = re.compile(r"[（(]\s*(盖章|签章|签字|公章|签名|签字盖章|盖公章)\s*[)）]?.*$")
_ORG_SUFFIX = re.compile(
    r"(公司|分公司|厂|店|部|行|社|中心|所|馆|站|场|院|超市|商场|门市|集团|合作社|经营部|商行|工作室|企业)([（(][^()（）]*[)）])?$"
)
_DIGIT_FIX = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "b": "6",
        "g": "9",
    }
)


@dataclass(frozen=True, slots=True)
class Cleaned:
    value: str
    quality: float  # 0..1: how well the value fits what this field must look like
    repaired: bool = False


def canonical(text: str) -> str:
    """Contract canonicalisation: trim, full-width letters/digits → half-width, label punctuation off."""
    text = text.translate(_FULLWIDTH_ALNUM).translate(_GAP_MARKS)
    text = _LEAD.sub("", text)
    return _TRAIL.sub("", text).strip()


def compact(text: str) -> str:
    return _WS.sub("", canonical(text))


def _cjk_parens(text: str) -> str:
    """Registered names print full-width brackets; readers return ASCII ones next to Chinese text."""
    text = re.sub(r"\((?=[\u4e00-\u9fff])", "（", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])\)", "）", text)


_LEGAL_FORM = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|分公司|公司|合作社|经营部|门市部|商行|超市|集团|中心|厂|店|部|行|社|所)$"
)


def _has_body(name: str) -> bool:
    """有限公司 alone is a legal form, not a name: two characters at least must come before it."""
    body = re.sub(r"[（(][^()（）]*[)）]$", "", name)
    body = _LEGAL_FORM.sub("", body)
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", body)) >= 2


def org_name(raw: str) -> Cleaned | None:
    v = _QUALIFIER.sub("", compact(raw))
    v = _LEAD.sub("", v)
    v = _TRAIL.sub("", _SEAL_NOTE.sub("", v))
    v = _cjk_parens(v)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", v))
    if _ORG_SUFFIX.search(v):
        return Cleaned(v, 1.0) if _has_body(v) else None
    if cjk < 5 or len(v) > 30 or re.search(r"[，。；,;]", v):  # 执一份, 乙方应遵守…: a clause, not a name
        return None
    return Cleaned(v, 0.55)


def holder_name(raw: str) -> Cleaned | None:
    """An account holder is a company, or a person for a sole trader's passbook."""
    org = org_name(raw)
    if org is not None:
        return org
    person = person_name(raw)
    return person if person is not None and person.quality >= 1.0 else None


def person_name(raw: str) -> Cleaned | None:
    """A person's name is 2–4 CJK characters (· allowed); a label, a signature note or a clause is not one."""
    v = compact(raw)
    v = re.split(r"[:：\s，,；;。]|性别|民族|身份|联系|电话|手机", v)[0]
    v = _TRAIL.sub("", _LEAD.sub("", v))
    if not shapes.is_person(v):
        return None
    return Cleaned(v, 1.0)


def license_type(raw: str) -> Cleaned | None:
    """有限责任公司（自然人投资或控股）: licences print full-width brackets; readers return ASCII ones."""
    v = _cjk_parens(compact(raw))
    return Cleaned(v, 0.9) if v else None


def text_value(raw: str) -> Cleaned | None:
    v = compact(raw)
    return Cleaned(v, 0.9) if v else None


def address(raw: str) -> Cleaned | None:
    """An address names an administrative place; clause text (应提前五个工作日书面通知…) is not one."""
    v = shapes.strip_stray_dots(_cjk_parens(compact(raw)))
    quality = shapes.address_quality(v)
    return None if quality is None else Cleaned(v, quality)


def bank_name(raw: str) -> Cleaned | None:
    """A bank name ends in a bank or branch word; quotes and 、-lists come from a note quoting the labels."""
    v = compact(raw)
    quality = shapes.bank_quality(v)
    return None if quality is None else Cleaned(v, quality)


def tax_id(raw: str) -> Cleaned | None:
    v = re.sub(r"[\s\-_.·:：]", "", canonical(raw)).upper()
    m = re.search(r"[0-9A-Z]{15,20}", v)
    if not m:
        return None
    v = m.group(0)
    if len(v) == 18:
        if not uscc_errors(v):
            return Cleaned(v, 1.0)
        fixed = uscc_repair(v)
        if fixed:
            return Cleaned(fixed, 0.95, repaired=fixed != v)
    kind, problems = classify_tin(v)
    if kind in ("USCC", "ORG15", "ID17", "ID18", "ID20"):
        return Cleaned(v, 1.0 if not problems else 0.8)
    if kind == "TAX15_UNVERIFIED":
        return Cleaned(v, 0.75)
    return Cleaned(v, 0.45 if len(v) in (15, 18, 20) else 0.25)


def id_number(raw: str) -> Cleaned | None:
    v = re.sub(r"[\s\-]", "", canonical(raw)).upper()
    m = re.search(r"\d{17}[\dX]|\d{15}", v)
    if not m:
        return None
    v = m.group(0)
    return Cleaned(v, 1.0 if not id_errors(v) else 0.45)


def account_number(raw: str) -> Cleaned | None:
    v = re.sub(r"[\s\-_.·:：]", "", canonical(raw))
    m = re.search(r"[0-9A-Za-z|]{6,40}", v)
    if not m:
        return None
    v = m.group(0)
    fixed = v.translate(_DIGIT_FIX)
    if fixed.isdigit() and 8 <= len(fixed) <= 32:
        return Cleaned(fixed, 1.0 if fixed == v else 0.8, repaired=fixed != v)
    return Cleaned(v.upper(), 0.4)


def approval_no(raw: str) -> Cleaned | None:
    v = re.sub(r"[\s\-_.·:：]", "", canonical(raw)).upper()
    m = re.search(r"[J][0-9A-Z]{13}", v)
    if m:
        body = m.group(0)[1:].translate(_DIGIT_FIX)
        if body.isdigit():
            return Cleaned("J" + body, 1.0, repaired=("J" + body) != m.group(0))
    m = re.search(r"[0-9A-Z]{6,20}", v)
    return Cleaned(m.group(0), 0.4) if m else None


def serial_no(raw: str) -> Cleaned | None:
    v = re.sub(r"[\s:：]", "", canonical(raw))
    m = re.search(r"[0-9A-Za-z\-]{4,24}", v)
    return Cleaned(m.group(0), 0.9) if m else None


def phone(raw: str) -> Cleaned | None:
    v = compact(raw)
    m = re.search(r"[+\d(（][\d\-()（）]{5,}\d(?:(?:转|分机|ext\.?|-)\d{1,6})?", v)
    if not m:
        return None
    v = m.group(0)
    from intake.identifiers.phones import parse_phone

    kind = parse_phone(v)[0]
    return Cleaned(v, 1.0 if kind else 0.5)


def split_address_phone(raw: str) -> tuple[str, str | None]:
    """开票地址电话 cell → (address, phone); the phone must end the text (domain-rules §6), else None."""
    from intake.identifiers.phones import split_addr_phone

    return split_addr_phone(compact(raw))


def a_date(raw: str) -> Cleaned | None:
    """A whole date (year, month and day) in a plausible year; a half-read one is no date at all.

    二〇一八年六月十 二日 split over cells is joined first; 曰 is the reader's 日. A date that parses to an
    impossible day (六月卅二日) or a year outside 1949–2099 (〇一八年 read as 2018's tail) is rejected rather
    than returned wrong.
    """
    text = re.sub(r"[\s\u3000]+", "", canonical(raw)).replace("曰", "日")
    try:
        d = parse_cn_date(text)
    except ValueError:
        return None
    iso = to_iso(d) if d is not None else None
    if iso is None:
        return None
    if iso != "long_term" and not 1949 <= int(iso[:4]) <= 2099:
        return None
    return Cleaned(iso, 1.0)


def validity(raw: str) -> tuple[Cleaned | None, Cleaned | None]:
    """A printed range → (valid_from, valid_to)."""
    try:
        start, end = parse_validity(canonical(raw))
    except ValueError:
        return None, None
    s, e = to_iso(start), to_iso(end)
    return (Cleaned(s, 1.0) if s else None, Cleaned(e, 1.0) if e else None)


def time_window(raw: str) -> Cleaned | None:
    """The window as printed (周一至周五 9:00-17:00): the space readers drop before the hours put back."""
    v = shapes.time_with_space(canonical(raw))
    if not v:
        return None
    ok = re.search(r"\d{1,2}\s*[:：点时]|全天|24小时", v)
    return Cleaned(v, 1.0 if ok else 0.5)


_TICKED = "☑✓✔√■☒▣\x00"
_UNTICKED = "□☐▢"


def choice(raw: str) -> Cleaned | None:
    """A row of check boxes (□批发 □零售 ☑商超): the ticked option, or the one printed without a box."""
    text = raw.translate(_FULLWIDTH_ALNUM).strip()
    if not any(c in text for c in _TICKED + _UNTICKED):
        return text_value(raw)
    options = re.findall(rf"([{_TICKED}{_UNTICKED}]?)\s*([^\s{_TICKED}{_UNTICKED}]+)", text)
    ticked = [word for box, word in options if box and box in _TICKED]
    unboxed = [word for box, word in options if not box]
    picked = ticked or unboxed
    if len(picked) != 1:
        return Cleaned(compact(text), 0.4)
    return Cleaned(canonical(picked[0]), 1.0)


def money(raw: str) -> Cleaned | None:
    v = compact(raw)
    return Cleaned(v, 1.0 if re.search(r"[万元\d]", v) else 0.5) if v else None


CLEANERS: dict[str, Callable[[str], Cleaned | None]] = {
    "customer_name": org_name,
    "account_holder": holder_name,
    "legal_representative": person_name,
    "consignee_name": person_name,
    "contact_name": person_name,
    "tax_id": tax_id,
    "consignee_id_number": id_number,
    "bank_account": account_number,
    "bank_name": bank_name,
    "approval_no": approval_no,
    "serial_no": serial_no,
    "address": address,
    "tax_address": address,
    "receiving_address": address,
    "tax_phone": phone,
    "contact_phone": phone,
    "consignee_phone": phone,
    "established": a_date,
    "signing_date": a_date,
    "pickup_date": a_date,
    "account_opened": a_date,
    "issue_date": a_date,
    "receiving_time": time_window,
    "registered_capital": money,
    "license_type": license_type,
    "business_type": choice,
    "contract_no": serial_no,
}
