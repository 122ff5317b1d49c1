"""Whose block a contract's text is in: 甲方 (the supplier or carrier) or 乙方 (the customer).

Contracts print each party's details under its marker — "甲方：… / 法定代表人：… / 地址：… / 电话：…" on
lines, then the same for 乙方 — and sign in two blocks side by side (甲方 left, 乙方 right). A label belongs
to the party whose marker came last above it in its column; a block ends at the next marker or where the
clauses begin. The customer's legal representative, address and phone are read from 乙方's block only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr.layout import Row

PARTY_A = "A"
PARTY_B = "B"

# the party word at the start of a cell, then a bracketed role or seal note, then a colon, a gap or the end
_MARKER = re.compile(
    r"(?<!\S)(?:(甲方|供货方|供方|承运方)|(乙方|经销商|收货方|需方))"
    r"\s*(?:[（(][^()（）]{0,10}[)）])?\s*(?=[:：]|\s|$)"
)
_CLAUSE_HEAD = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百\d]+条|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．](?!\d)|"
    r"[（(][一二三四五六七八九十\d]+[)）])"
)


_FIELD_HEAD = re.compile(r"^\s*[\u4e00-\u9fff（）()]{1,10}\s*[:：]")


@dataclass(frozen=True, slots=True)
class Column:
    x0: float  # where the column starts on the page (a little left of its marker)
    party: str | None  # None: a column whose marker was not read (a seal over 甲方)


def _markers(row: Row) -> list[tuple[float, str]]:
    """(x, party) of every party marker in a row, left to right."""
    out = []
    for m in _MARKER.finditer(row.norm):
        box = row.span_bbox(m.start(), m.end())
        if box is not None:
            out.append((float(box[0]), PARTY_A if m.group(1) else PARTY_B))
    return out


def _is_body(row: Row) -> bool:
    """Clause text: a numbered clause, or a long sentence with its punctuation (the preamble, a clause)."""
    if _CLAUSE_HEAD.match(row.norm):
        return True
    if _FIELD_HEAD.match(row.norm):
        return False  # 地址：南京市…，电话：… is a line of the block, however long
    cjk = len(re.findall(r"[\u4e00-\u9fff]", row.norm))
    return cjk >= 22 and bool(re.search(r"[，,。；;]", row.norm)) and not _markers(row)


def _columns(row: Row, marks: list[tuple[float, str]], page_mid: float, h: float) -> list[Column]:
    if len(marks) >= 2:
        return [Column(x - 1.5 * h, party) for x, party in marks]
    x, party = marks[0]
    if x > page_mid:  # the right block's marker alone: the left one was not read
        return [Column(float("-inf"), None), Column(x - 1.5 * h, party)]
    return [Column(float("-inf"), party)]


def party_map(rows: list[Row]) -> list[list[Column] | None]:
    """For every row, the party columns in force there (None outside any party block)."""
    if not rows:
        return []
    left = min(r.bbox[0] for r in rows)
    right = max(r.bbox[2] for r in rows)
    page_mid = (left + right) / 2
    state: list[Column] | None = None
    out: list[list[Column] | None] = []
    for row in rows:
        marks = _markers(row)
        if marks:
            state = _columns(row, marks, page_mid, max(row.height, 8))
        elif _is_body(row):
            state = None
        out.append(state)
    return out


def owner(columns: list[Column] | None, x: float) -> str | None:
    """The party whose column holds position ``x`` of a row."""
    if not columns:
        return None
    inside = [c for c in columns if c.x0 <= x]
    return max(inside, key=lambda c: c.x0).party if inside else None
