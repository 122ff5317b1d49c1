"""Values printed inside sentences, which may wrap from one row to the next.

"乙方指定收货人：田军华，联系电话：15012345678，收货时间：周一至周六 8:30-17:30" gives the consignee's name,
phone and receiving time; "收货人为田军华" and a sentence cut over two rows say the same. The page's rows are
read as one flow of text (rows joined by a newline) so a match can cross a row's end; every match keeps the
box of the characters it covers on each row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ocr.fields import shapes
from ocr.layout import Row, union
from ocr.types import BBox

NL = "\n"


@dataclass(frozen=True, slots=True)
class Flow:
    text: str  # rows' folded text joined by NL
    starts: tuple[int, ...]  # offset of each row in text

    def locate(self, pos: int) -> tuple[int, int]:
        """(row index, offset in that row) of a flow offset."""
        r = 0
        while r + 1 < len(self.starts) and self.starts[r + 1] <= pos:
            r += 1
        return r, pos - self.starts[r]


def flow(rows: list[Row]) -> Flow:
    starts, pos = [], 0
    for row in rows:
        starts.append(pos)
        pos += len(row.norm) + len(NL)
    return Flow(NL.join(r.norm for r in rows), tuple(starts))


@dataclass(frozen=True, slots=True)
class Found:
    text: str  # as read (unfolded), with the row breaks removed
    bbox: BBox | None
    confidence: float


def span(rows: list[Row], fl: Flow, start: int, end: int) -> Found:
    """The text, box and confidence of flow characters [start, end), over as many rows as they cover."""
    parts, boxes, confs = [], [], []
    r0, _ = fl.locate(start)
    r1, _ = fl.locate(max(end - 1, start))
    for r in range(r0, r1 + 1):
        row = rows[r]
        lo = max(start - fl.starts[r], 0)
        hi = min(end - fl.starts[r], len(row.text))
        if lo >= hi:
            continue
        parts.append(row.text[lo:hi])
        box = row.span_bbox(lo, hi)
        if box is not None:
            boxes.append(box)
        confs.append(row.span_confidence(lo, hi))
    return Found("".join(parts), union(boxes) if boxes else None, min(confs) if confs else 0.0)


_SAY = r"\s*(?:为|是)?\s*[:：]?\s*"
# a name is introduced (收货人为 / 收货人： / 收货人 田军华), never glued to the word (收货人签收)
_SAID = r"\s*(?:(?:为|是)\s*[:：]?|[:：]|\s)\s*"
_NAME = r"([\u4e00-\u9fff](?:\n?[\u4e00-\u9fff·]){1,5})"
_NAME_END = r"(?=\s*(?:[，,、；;。(（\s]|联系|电话|手机|身份|$))"
_PHONE = r"([+\d(（][\d\-—()（）\s\n]{6,20}\d)"

CONSIGNEE_NAME = re.compile(
    rf"(?:指定|的)?(?:收货|收件)(?:联系)?人(?:姓名)?{_SAID}{_NAME}{_NAME_END}", re.MULTILINE
)
# the phone that follows a consignee's name in the same sentence (联系电话 / 电话 / 手机 / 联系方式)
CONSIGNEE_PHONE = re.compile(
    rf"(?:收货|收件)(?:联系)?人(?:姓名)?{_SAID}[\u4e00-\u9fff·\n]{{2,8}}?[\s，,、；;]*"
    rf"(?:\(|（)?(?:联系)?(?:电话|手机|方式)(?:号码)?{_SAY}{_PHONE}"
)
# up to the sentence's next comma, or the next row when the window is already whole there
RECEIVING_TIME = re.compile(rf"收货时间段?{_SAY}([^，,。；;\n]+(?:\n[^，,。；;\n]+)?)")
RECEIVING_ADDRESS = re.compile(rf"(?:收货|送货|配送)地址{_SAY}([^，,。；;\n]+(?:\n[^，,。；;\n]+)?)")


def follows(rows: list[Row], r: int) -> bool:
    """The next row comes at line spacing after row ``r`` (same paragraph or cell)."""
    if r + 1 >= len(rows):
        return False
    row, nxt = rows[r], rows[r + 1]
    return nxt.bbox[1] - row.bbox[3] < 1.2 * max(row.height, 8)


_CLAUSE_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第\s*[一二三四五六七八九十\d]+\s*条|\d{1,2}\s*[、.．](?!\d))"
)


def wraps(rows: list[Row], r: int) -> bool:
    """Row ``r`` runs on into the next row: the next row follows at line spacing, starts no clause of its
    own, and either row ``r`` reaches the text block's right edge (cut by the page's margin) or the next row
    is a short tail no wider than row ``r`` (a value wrapped inside a narrower cell or indented block)."""
    if not follows(rows, r):
        return False
    row, nxt = rows[r], rows[r + 1]
    if _CLAUSE_START.match(nxt.norm):
        return False
    h = max(row.height, 8)
    right = max(x.bbox[2] for x in rows)
    tail = len(nxt.segments) == 1 and nxt.bbox[2] <= row.bbox[2] + h and nxt.bbox[0] >= row.bbox[0] - h
    return row.bbox[2] >= right - 2.5 * h or tail


_WINDOW = re.compile(r"\d{1,2}\s*[:：点时]\s*\d{0,2}\s*[-—~～至到]\s*\d{1,2}\s*[:：点时]")


def time_complete(text: str) -> bool:
    """周一至周五 9:00-17:00 is whole; 周一至 or 周一至周五 9:00- wraps on to the next row."""
    return bool(_WINDOW.search(text)) and not re.search(r"[-—~～至到]\s*$", text)


Judge = Callable[[list[Row], int, str, str], bool]


def find(rows: list[Row], fl: Flow, pattern: re.Pattern[str], judge: Judge | None = None) -> list[Found]:
    """Every match of ``pattern``'s first group on the page, as read (row breaks removed).

    A match that crosses a row's end is kept whole when ``judge(rows, row, first_part, second_part)`` says
    the value wraps (no judge: always); otherwise only its part on the first row is kept. When both are
    plausible the whole one comes first and the cut one follows, so a continuation that fails the field's
    shape still leaves the first row's value.
    """
    out = []
    for m in pattern.finditer(fl.text):
        start, end = m.start(1), m.end(1)
        if start >= end:
            continue
        nl = fl.text.find(NL, start, end)
        if nl < 0:
            out.append(span(rows, fl, start, end))
            continue
        r, _ = fl.locate(start)
        first, second = fl.text[start:nl], fl.text[nl + 1 : end]
        if judge is None or judge(rows, r, first, second):
            out.append(span(rows, fl, start, end))
        if judge is not None and first.strip():
            out.append(span(rows, fl, start, nl))
    return out


def time_judge(rows: list[Row], r: int, first: str, second: str) -> bool:
    """A window cut short (周一至 | 周六 8:30-17:30) goes on with days or hours, never with other words."""
    goes_on = re.match(r"\s*(?:周|至|到|\d|[-—~～:：点]|上午|下午|晚|早)", second)
    return not time_complete(first) and goes_on is not None and follows(rows, r)


def address_judge(rows: list[Row], r: int, first: str, second: str) -> bool:
    """An address cut by the margin goes on with more of the address, not with the next label."""
    if re.search(r"[:：]", second) or any(lab in second for lab in shapes.label_set() if len(lab) >= 2):
        return False
    return wraps(rows, r)
