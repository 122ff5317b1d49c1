"""How two printed values of the same thing differ: names, addresses, bank names, account numbers.

Each compare function returns a class (EXACT, FORMAT_ONLY, …) rather than a yes/no, so a finding can tell
the clerk whether a value only needs retyping or is a different entity (domain-rules.md §5.5, §7). Legal
forms are never equated: 有限公司 ≠ 有限责任公司. cpca (which pulls in pandas) is imported lazily and its
results are cached.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from intake.checks.dates import CN_DIGIT

__all__ = [
    "BankMatch",
    "NameMatch",
    "ParsedBank",
    "account_key",
    "addr_compare",
    "addr_key",
    "addr_split",
    "bank_compare",
    "name_compare",
    "name_key",
    "parse_bank_name",
]

_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")", "[": "(", "]": ")"}
)


class NameMatch(StrEnum):
    EXACT = "EXACT"
    FORMAT_ONLY = "FORMAT_ONLY"  # width / whitespace / bracket forms only
    DIFFERENT = "DIFFERENT"


def name_key(s: str) -> str:
    """Comparison key of an entity name; never touches legal-form words."""
    return _WS.sub("", unicodedata.normalize("NFKC", s)).translate(_BRACKETS).upper()


def name_compare(a: str, b: str) -> NameMatch:
    if a == b:
        return NameMatch.EXACT
    if name_key(a) == name_key(b):
        return NameMatch.FORMAT_ONLY
    return NameMatch.DIFFERENT


# ---------- addresses (§7.2) ----------
_CN_DIGIT = CN_DIGIT  # one table of Chinese digits for dates and house numbers
_CN_NUM = "〇零一二两三四五六七八九十百"
_UNIT_AFTER_NUM = r"(号楼|号院|号|栋|幢|座|单元|层|楼|室|弄|巷|组|村民小组)"
_CN_NUM_BEFORE_UNIT = re.compile(rf"([{_CN_NUM}]+)(?={_UNIT_AFTER_NUM})")


def _cn_small(s: str) -> int:
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)
    return int("".join(str(_CN_DIGIT[c]) for c in s))


def _cn_int(s: str) -> int:
    s = s.replace("零", "〇")
    if "百" in s:
        hundreds, _, rest = s.partition("百")
        head = _CN_DIGIT[hundreds] * 100 if hundreds else 100
        rest = rest.lstrip("〇")
        return head + (_cn_small(rest) if rest else 0)
    return _cn_small(s)


def _numerals_to_arabic(m: re.Match[str]) -> str:
    try:
        return str(_cn_int(m.group(1)))
    except (KeyError, ValueError):  # an odd numeral run such as '十十': leave it as printed
        return m.group(1)


def addr_key(s: str) -> str:
    """Comparison key of an address: Chinese numerals become Arabic only before a unit (号, 栋 …), so place
    names such as 二里庄 survive; 幢/号楼 → 栋; a trailing 室/房 is optional. 楼 (floor) is not 栋."""
    s = _WS.sub("", unicodedata.normalize("NFKC", s))
    s = re.sub(r"^(中华人民共和国|中国)", "", s)
    s = _CN_NUM_BEFORE_UNIT.sub(_numerals_to_arabic, s)
    s = s.replace("幢", "栋").replace("号楼", "栋")
    s = re.sub(r"(\d+)(室|房)$", r"\1", s)
    return s.replace("—", "-").replace("–", "-")


@lru_cache(maxsize=4096)
def _cpca_row(key: str) -> tuple[str | None, str]:
    import cpca  # slow (pandas); only needed when two addresses differ beyond format

    row = cpca.transform([key]).iloc[0]
    code, rest = row["adcode"], row["地址"]
    return (code if isinstance(code, str) else None, rest if isinstance(rest, str) else "")


def addr_split(s: str) -> tuple[str | None, str]:
    """(adcode of the province/city/district or None, key of the remainder)."""
    key = addr_key(s)
    code, rest = _cpca_row(key)
    if code is None:
        return (None, key)  # no region found: keep everything for the comparison
    return (code, addr_key(rest))


def addr_compare(a: str, b: str) -> str:
    """EXACT | FORMAT_ONLY | PREFIX_ONLY | DIFFERENT_DISTRICT | SIMILAR(ratio), e.g. 'SIMILAR(0.86)'."""
    if a == b:
        return "EXACT"
    if addr_key(a) == addr_key(b):
        return "FORMAT_ONLY"
    (ca, ra), (cb, rb) = addr_split(a), addr_split(b)
    if ca and cb and ca != cb:
        return "DIFFERENT_DISTRICT"
    if ra == rb and (ca == cb or not ca or not cb):
        return "PREFIX_ONLY"  # 省/市 omitted or abbreviated
    return f"SIMILAR({difflib.SequenceMatcher(None, ra, rb).ratio():.2f})"


# ---------- banks (§5.5) ----------
BANKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("102", "中国工商银行", ("工商银行", "工行", "ICBC")),
    ("103", "中国农业银行", ("农业银行", "农行", "ABC")),
    ("104", "中国银行", ("中行", "BOC")),
    ("105", "中国建设银行", ("建设银行", "建行", "CCB")),
    ("301", "交通银行", ("交行", "BOCOM")),
    ("302", "中信银行", ("中信实业银行",)),
    ("303", "中国光大银行", ("光大银行",)),
    ("304", "华夏银行", ()),
    ("305", "中国民生银行", ("民生银行",)),
    ("306", "广发银行", ("广东发展银行",)),
    ("307", "平安银行", ("深圳发展银行",)),
    ("308", "招商银行", ("招行", "CMB")),
    ("309", "兴业银行", ()),
    ("310", "上海浦东发展银行", ("浦发银行", "浦东发展银行", "浦发")),
    ("315", "恒丰银行", ()),
    ("316", "浙商银行", ()),
    ("318", "渤海银行", ()),
    ("319", "徽商银行", ()),
    ("403", "中国邮政储蓄银行", ("邮政储蓄银行", "邮储银行", "邮储", "PSBC")),
)
_ALIASES = sorted(
    ((alias, code, canon) for code, canon, aliases in BANKS for alias in (canon, *aliases)),
    key=lambda x: -len(x[0]),
)
_LEGAL_SUFFIX = re.compile(r"^(股份有限公司|有限责任公司|有限公司)")


class ParsedBank(NamedTuple):
    cnaps_category: str | None
    bank: str | None  # canonical name, None for banks not in the table
    had_legal_suffix: bool
    branch: str


class BankMatch(StrEnum):
    EXACT = "EXACT"
    FORMAT_ONLY = "FORMAT_ONLY"
    SAME_BRANCH_DIFFERENT_SPELLING = "SAME_BRANCH_DIFFERENT_SPELLING"
    PROBABLY_SAME_BRANCH = "PROBABLY_SAME_BRANCH"
    DIFFERENT_BRANCH = "DIFFERENT_BRANCH"
    DIFFERENT_BANK = "DIFFERENT_BANK"


def parse_bank_name(raw: str) -> ParsedBank:
    """Longest known alias as prefix, then an optional legal-form suffix; the rest is the branch.

    Prefix matching on whole aliases keeps 中国农业发展银行 from matching 中国农业银行.
    """
    s = _WS.sub("", unicodedata.normalize("NFKC", raw))
    for alias, code, canon in _ALIASES:
        if s.upper().startswith(alias.upper()):
            rest = s[len(alias) :]
            m = _LEGAL_SUFFIX.match(rest)
            if m:
                rest = rest[m.end() :]
            return ParsedBank(code, canon, bool(m), rest)
    return ParsedBank(None, None, had_legal_suffix=False, branch=s)


def _strip_admin_units(s: str) -> str:
    return re.sub(r"(省|市|区|县)", "", s)


def bank_compare(a: str, b: str) -> BankMatch:
    if a == b:
        return BankMatch.EXACT
    if name_key(a) == name_key(b):
        return BankMatch.FORMAT_ONLY
    pa, pb = parse_bank_name(a), parse_bank_name(b)
    if pa.bank and pb.bank and pa.bank != pb.bank:
        return BankMatch.DIFFERENT_BANK
    if pa.bank == pb.bank and pa.branch == pb.branch:
        return BankMatch.SAME_BRANCH_DIFFERENT_SPELLING
    if pa.bank == pb.bank and _strip_admin_units(pa.branch) == _strip_admin_units(pb.branch):
        return BankMatch.PROBABLY_SAME_BRANCH
    return BankMatch.DIFFERENT_BRANCH


def account_key(raw: str) -> str:
    """Account number for comparison: digits (and letters of the rare foreign accounts), no separators."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", raw).upper())
