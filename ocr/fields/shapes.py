"""What a value of each kind must look like, so text that merely sits after a label is not taken for it.

A label's neighbour is often something else: a note that quotes the labels (“开户银行”、“银行账号”…), a
clause that mentions 收货地址 in passing, a smudge. Readers are judged here on the shape of what they
return: a bank name ends in a bank or branch word, an address names an administrative place and holds no
clause verbs, a person's name is two to four CJK characters. Pure functions on strings.
"""

from __future__ import annotations

import re
from functools import cache

QUOTES = "“”「」『』\"'‘’《》〈〉"
_QUOTE_RE = re.compile(f"[{re.escape(QUOTES)}]")

# 银行 … 支行/分行/营业部/分理处/储蓄所, 信用社, 农商行 …, optionally followed by a bracketed note
BANK_END = re.compile(
    r"(银行|支行|分行|总行|营业部|营业室|营业所|分理处|储蓄所|信用社|信用合作社|联社|农商行|分社|支社|网点)"
    r"([（(][^()（）]{1,12}[)）])?$"
)
BANK_WORD = re.compile(r"银行|信用社|信用合作|农商|农信|邮政储蓄|邮储|联社")
# words that belong to a form's other labels, never to a bank's name
_NOT_BANK = re.compile(r"账号|帐号|地址|电话|税务|名称|登记|发票|六项|将印|填写|盖章")

ADMIN_PLACE = re.compile(r"省|市|区|县|镇|乡|路|街|道|号|村|巷|弄|大厦|园|组|栋|幢|楼|室|旗|州|盟|屯|里")
# verbs and connectives of contract clauses: an address never holds them
CLAUSE = re.compile(
    r"应|提前|通知|负责|承担|工作日|书面|变更|不得|须|违约|协商|办理|之日|双方|甲方|乙方|本合同|如因|如有|"
    r"如需|签字|盖章|收货专用章|的[，,。；;]|[。；;]"
)

_CJK = r"\u4e00-\u9fff"
PERSON = re.compile(rf"^(?:[{_CJK}]{{2,4}}|[{_CJK}]{{1,6}}·[{_CJK}]{{1,10}})$")
# parts of labels and signature lines, never of a name
_NOT_PERSON = re.compile(
    r"签字|签章|盖章|签名|签收|日期|授权|代表|电话|地址|姓名|名称|负责|法定|身份|号码|性别|民族"
)


def has_quotes(text: str) -> bool:
    return bool(_QUOTE_RE.search(text))


def bank_quality(value: str) -> float | None:
    """1.0 for a name ending in a bank/branch word, less when only a bank word occurs, None when not one."""
    if len(value) < 4 or len(value) > 45 or has_quotes(value) or "、" in value or _NOT_BANK.search(value):
        return None
    if CLAUSE.search(value):
        return None
    if BANK_END.search(value):
        return 1.0
    if BANK_WORD.search(value):
        return 0.7
    return 0.3


def address_quality(value: str) -> float | None:
    """1.0 for an address naming a place, 0.5 for one that does not, None for clause text or a note."""
    if len(value) < 4 or has_quotes(value) or CLAUSE.search(value):
        return None
    return 1.0 if ADMIN_PLACE.search(value) else 0.5


@cache
def label_set() -> frozenset[str]:
    """Every printed label of every document type."""
    from ocr.fields.labels import all_labels

    return frozenset(all_labels())


def is_person(value: str) -> bool:
    """2–4 CJK characters (a · between given name and surname allowed), and not a label or a label's part."""
    return bool(PERSON.match(value)) and value not in label_set() and not _NOT_PERSON.search(value)


# the end of a printed day range (周一至周五, 周一至周日, 工作日): its hours follow after one space
_TIME_START = re.compile(r"(?:(?<=周[一二三四五六日天末])|(?<=工作日))(?=\d{1,2}\s*[:：点时])")


def time_with_space(value: str) -> str:
    """周一至周五9:00-17:00 → 周一至周五 9:00-17:00: one space between the days and the hours, none elsewhere.

    Readers drop the printed space between a day range and the time; every other space they return inside
    the window is their own (每天9点-5点 is printed without one).
    """
    v = re.sub(r"\s+", "", value)
    return _TIME_START.sub(" ", v, count=1)


def strip_stray_dots(value: str) -> str:
    """150号.商铺 → 150号商铺: a dot between two CJK characters is a speck the reader took for a full stop."""
    return re.sub(rf"(?<=[{_CJK}])[.．·•](?=[{_CJK}])", "", value)
