"""How two printed values of the same thing differ: names, addresses, bank names, account numbers.

Each compare function returns a class (EXACT, FORMAT_ONLY, …) rather than a yes/no, so a finding can tell
the clerk whether a value only needs retyping or is a different entity (domain-rules.md §5.5, §7). Legal
forms are never equated: 有限公司 ≠ 有限责任公司. cpca (which pulls in pandas) is imported lazily and its
results are cached.

OCR folds: a Kai/handwritten form may be read in traditional glyphs (錦 for 锦) and an OCR engine inserts
stray punctuation ("150号.商铺"). `ocr_fold` undoes exactly that, and each compare function reports a
difference explained only by it as its own class (`OCR_VARIANT`), so the rule can make it a warning that
shows both values instead of a blocker, while EXACT / FORMAT_ONLY keep their meaning.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import opencc

from intake.identifiers.numerals import CN_DIGIT

__all__ = [
    "BankMatch",
    "NameMatch",
    "ParsedBank",
    "account_key",
    "addr_compare",
    "addr_key",
    "addr_split",
    "bank_compare",
    "looks_like_bank_name",
    "name_compare",
    "name_key",
    "ocr_fold",
    "parse_bank_name",
    "seal_key",
]

_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")", "[": "(", "]": ")"}
)


# Punctuation an OCR engine inserts between characters (dots of dirt, a comma for a stroke, a hyphen for a
# table rule). Brackets are NOT here: they belong to registered names (（北京分公司）).
_STRAY = ".,、·・•‧'\"‘’“”`´_~〜:;。，；：!！?？*|｜-－—–"
_STRAY_CLASS = re.escape(_STRAY)
# a run of stray marks is dropped unless it sits between two Latin letters/digits (1-2号, A.B): there it may
# be a real separator of a house or unit number, and a fold must never change digits
_STRAY_RUN = re.compile(
    rf"(?<![0-9A-Za-z{_STRAY_CLASS}])[{_STRAY_CLASS}]+|[{_STRAY_CLASS}]+(?![0-9A-Za-z{_STRAY_CLASS}])"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    """The traditional → simplified converter; building it reads its dictionaries, so once per process."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def ocr_fold(s: str) -> str:
    """What OCR may have changed, undone: width (NFKC), whitespace, traditional glyphs (t2s) and stray
    punctuation between characters. Brackets, digits and their separators are kept."""
    s = _WS.sub("", unicodedata.normalize("NFKC", s))
    s = unicodedata.normalize("NFKC", _t2s().convert(s))
    return _STRAY_RUN.sub("", s)


class NameMatch(StrEnum):
    EXACT = "EXACT"
    FORMAT_ONLY = "FORMAT_ONLY"  # width / whitespace / bracket forms only
    OCR_VARIANT = "OCR_VARIANT"  # equal once traditional glyphs and stray punctuation are folded
    DIFFERENT = "DIFFERENT"


def name_key(s: str) -> str:
    """Comparison key of an entity name; never touches legal-form words."""
    return _WS.sub("", unicodedata.normalize("NFKC", s)).translate(_BRACKETS).upper()


def seal_key(s: str) -> str:
    """Comparison key of a seal legend or a name read by OCR: `name_key` after the OCR fold."""
    return name_key(ocr_fold(s))


def name_compare(a: str, b: str) -> NameMatch:
    if a == b:
        return NameMatch.EXACT
    if name_key(a) == name_key(b):
        return NameMatch.FORMAT_ONLY
    if seal_key(a) == seal_key(b):
        return NameMatch.OCR_VARIANT
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
    """EXACT | FORMAT_ONLY | OCR_VARIANT | PREFIX_ONLY | DIFFERENT_DISTRICT | SIMILAR(ratio), e.g.
    'SIMILAR(0.86)'. Beyond OCR_VARIANT the folded strings are compared, so a traditional-glyph district
    is still found by cpca."""
    if a == b:
        return "EXACT"
    if addr_key(a) == addr_key(b):
        return "FORMAT_ONLY"
    a, b = ocr_fold(a), ocr_fold(b)
    if addr_key(a) == addr_key(b):
        return "OCR_VARIANT"
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
    OCR_VARIANT = "OCR_VARIANT"
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
    a, b = ocr_fold(a), ocr_fold(b)
    if name_key(a) == name_key(b):
        return BankMatch.OCR_VARIANT
    pa, pb = parse_bank_name(a), parse_bank_name(b)
    if pa.bank and pb.bank and pa.bank != pb.bank:
        return BankMatch.DIFFERENT_BANK
    if pa.bank == pb.bank and pa.branch == pb.branch:
        return BankMatch.SAME_BRANCH_DIFFERENT_SPELLING
    if pa.bank == pb.bank and _strip_admin_units(pa.branch) == _strip_admin_units(pb.branch):
        return BankMatch.PROBABLY_SAME_BRANCH
    return BankMatch.DIFFERENT_BRANCH


_BANK_END = re.compile(r"(银行|农商行|信用社|联社|支行|分行|营业部|营业室|分理处|储蓄所)(\([^()]*\))?$")


def looks_like_bank_name(raw: str) -> bool:
    """A 开户银行 value starts with a known bank or ends in a bank/branch word; anything else is a misread (a
    form's note quoting the label, "…“银行账号”、“税务地址”…", was once taken for the value)."""
    folded = ocr_fold(raw)
    return parse_bank_name(folded).bank is not None or _BANK_END.search(folded) is not None


def account_key(raw: str) -> str:
    """Account number for comparison: digits (and letters of the rare foreign accounts), no separators."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", raw).upper())
