"""Shared pieces of the document drawings: the page draft, date styles (incl. Chinese numerals), spaced
labels, label/value rows, wrapped paragraphs and page footers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from tests.corpus2 import seals as sealmod
from tests.corpus2.identity import Identity
from tests.corpus2.sheet import BLUE_INK, Sheet, width_mm, wrap

CN_DIGITS = "〇一二三四五六七八九"
PROVINCE_SHORT = {
    "江苏省": "苏", "安徽省": "皖", "湖北省": "鄂", "湖南省": "湘", "四川省": "川", "河南省": "豫",
    "山东省": "鲁", "福建省": "闽", "江西省": "赣", "陕西省": "陕", "河北省": "冀",
}  # fmt: skip


@dataclass(slots=True)
class Draft:
    """One drawn page and what it truly prints."""

    doc_type: str
    sheet: Sheet
    fields: dict[str, str] = field(default_factory=dict)
    hand: bool = False  # hand-filled (Kai) values on the page

    @property
    def seals(self) -> list[str]:
        return self.sheet.seal_kinds


@dataclass(slots=True)
class Ctx:
    """What a document drawing needs: the randomness, the customer, the dates and the form's overrides
    (an injected defect changes what the form or a contract prints, never the source documents)."""

    rng: random.Random
    who: Identity
    as_of: date
    pickup: date
    form: dict[str, str]
    seals: list[sealmod.Seal]  # the reserved seals on the seal card
    contract_receiving: list[sealmod.Seal]  # receiving seals stamped on the logistics contract
    consignee_id: str
    signing: date
    authority: str


def cn_numeral(n: int) -> str:
    if n < 10:
        return "一二三四五六七八九"[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(d: date) -> str:
    """二〇一八年六月十二日 — as printed at the foot of certificates and permits."""
    return "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{cn_numeral(d.month)}月{cn_numeral(d.day)}日"


def fmt_date(d: date, style: str) -> str:
    return {
        "zh_pad": f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "zh": f"{d.year}年{d.month}月{d.day}日",
        "dot": f"{d:%Y.%m.%d}",
        "dash": f"{d:%Y-%m-%d}",
        "slash": f"{d.year}/{d.month}/{d.day}",
        "cn": cn_date(d),
    }[style]


def any_date_style(rng: random.Random, cn: float = 0.0) -> str:
    if rng.random() < cn:
        return "cn"
    return rng.choice(("zh_pad", "zh_pad", "zh", "dot", "dash"))


def spaced(label: str, width: int = 4) -> str:
    """Labels padded with ideographic spaces to a common width: 名称 → 名　　称."""
    if len(label) >= width or len(label) < 2:
        return label
    gaps = len(label) - 1
    pad = width - len(label)
    out = label[0]
    for i, ch in enumerate(label[1:]):
        out += "\u3000" * (pad // gaps + (1 if i < pad % gaps else 0)) + ch
    return out


def paragraph(
    sheet: Sheet, x: float, y: float, text: str, face: str, size: float, max_w: float, lead: float = 1.7
) -> float:
    """Wrapped text from baseline `y`; returns the baseline after the last line."""
    for line in wrap(text, face, size, max_w):
        sheet.text(x, y, line, face, size)
        y += size * lead
    return y


def kv(
    sheet: Sheet,
    x: float,
    y: float,
    label: str,
    value: str,
    face: str,
    size: float,
    label_w: float,
    max_w: float,
    hand: bool = False,
) -> float:
    """`label` then its value, wrapped under the value column; hand-filled values in blue Kai."""
    sheet.text(x, y, label, face, size)
    vx = x + label_w
    lines = wrap(value, "kai" if hand else face, size, max_w - label_w) or [""]
    for line in lines:
        if hand:
            sheet.text(vx + 2, y, line, "kai", size * 1.08, color=BLUE_INK, hand=True)
        else:
            sheet.text(vx, y, line, face, size)
        y += size * 1.75
    return y


def footer(sheet: Sheet, page: int, total: int, face: str, style: int) -> None:
    s = (f"第{page}页 共{total}页", f"第 {page} 页，共 {total} 页", f"- {page} / {total} -")[style]
    sheet.text(sheet.width / 2, sheet.height - 12, s, face, 3.2, anchor="m")


def label_width(labels: list[str], face: str, size: float) -> float:
    return max(width_mm(s, face, size) for s in labels) + 3
