"""Rebuild rows of text from the lines a reader returns, so labels and values can be paired by position.

Readers split one visual row into several lines (a label cell and its value cell; 名　　称 read as 名 + 称…),
and merge others. A Row is the left-to-right concatenation of the lines whose vertical extents overlap,
with a map from each character back to its line, so any substring has a box on the page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from ocr.types import BBox, TextLine

SEP = " "


@dataclass(frozen=True, slots=True)
class Segment:
    line: TextLine
    start: int  # span of this line's text inside Row.text
    end: int


@dataclass(frozen=True, slots=True)
class Row:
    text: str  # as read, segments joined by SEP
    norm: str  # same length as text: each char NFKC-folded where that keeps one char (（→( ，１→1)
    segments: tuple[Segment, ...]
    bbox: BBox

    @property
    def height(self) -> int:
        return self.bbox[3] - self.bbox[1]

    def span_bbox(self, start: int, end: int) -> BBox | None:
        """Box of the characters [start, end), cutting partly covered lines in proportion to characters."""
        boxes: list[BBox] = []
        for seg in self.segments:
            lo, hi = max(start, seg.start), min(end, seg.end)
            if lo >= hi:
                continue
            n = max(seg.end - seg.start, 1)
            x0, y0, x1, y1 = seg.line.bbox
            w = x1 - x0
            boxes.append((x0 + w * (lo - seg.start) // n, y0, x0 + w * (hi - seg.start) // n, y1))
        if not boxes:
            return None
        return union(boxes)

    def span_confidence(self, start: int, end: int) -> float:
        """The least sure line under the span, lowered by its least sure character there.

        A line's score is a mean over its characters; a value with one character the reader hesitated
        over (0.3) is doubtful however sure the rest was, and the checks must know it (√ keeps a 0.8
        character from counting much)."""
        confs = []
        for s in self.segments:
            lo, hi = max(start, s.start), min(end, s.end)
            if lo >= hi:
                continue
            conf = s.line.confidence
            chars = s.line.chars
            if len(chars) == s.end - s.start:
                weakest = min(chars[lo - s.start : hi - s.start])
                conf *= min(1.0, weakest**0.5)
            confs.append(conf)
        return min(confs) if confs else 0.0

    def segment_starts(self) -> set[int]:
        return {s.start for s in self.segments}


def union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


GAP_MARKS = frozenset("☑☐□■▢▣◻◼")  # readers print these for the wide gaps of 名　　称-style labels


def fold(text: str) -> str:
    """Per-character NFKC and traditional → simplified glyphs, never changing the length (so offsets stay
    valid); gap marks → spaces. A Kai hand is often read in traditional glyphs (收貨人電話): the labels and
    the document's words must still be found."""
    out = []
    for ch in text:
        if ch in GAP_MARKS:
            out.append(" ")
            continue
        f = unicodedata.normalize("NFKC", ch)
        out.append(simplified_char(f) if len(f) == 1 else ch)
    return "".join(out)


@cache
def _t2s() -> Any:  # opencc ships no type information
    import opencc

    return opencc.OpenCC("t2s")


@cache
def simplified_char(ch: str) -> str:
    """The simplified glyph of a traditional one a reader returned; other characters unchanged.

    Only characters outside GB 2312 are folded: those never occur in mainland printing, while a few GB 2312
    characters that OpenCC would also change (乾, 於, 後 …) are legitimate in simplified names.
    """
    if not "\u3400" <= ch <= "\u9fff":
        return ch
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        folded = _t2s().convert(ch)
        return folded if len(folded) == 1 else ch
    return ch


def to_simplified(text: str) -> str:
    """聯錦家電銷售 → 联锦家电销售: traditional glyphs a reader returned, folded to the printed ones."""
    return "".join(simplified_char(ch) for ch in text)


def _overlap(a: BBox, b: BBox) -> float:
    """Vertical overlap as a share of the smaller height."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    smaller = max(min(a[3] - a[1], b[3] - b[1]), 1)
    return inter / smaller


def _height(line: TextLine) -> int:
    return max(line.bbox[3] - line.bbox[1], 1)


def _joins(group: list[TextLine], line: TextLine) -> bool:
    """A line belongs to a row when it overlaps one of the row's lines and sits at the row's centre."""
    centres = sorted((ln.bbox[1] + ln.bbox[3]) / 2 for ln in group)
    heights = sorted(_height(ln) for ln in group)
    centre = (line.bbox[1] + line.bbox[3]) / 2
    near = abs(centre - centres[len(centres) // 2]) < 0.6 * max(_height(line), heights[len(heights) // 2])
    return near and any(_overlap(ln.bbox, line.bbox) >= 0.5 for ln in group)


def build_rows(lines: list[TextLine] | tuple[TextLine, ...]) -> list[Row]:
    if not lines:
        return []
    typical = sorted(_height(ln) for ln in lines)[len(lines) // 2]
    groups: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2):
        # a tall box (a seal's star, a signature, a word written down the margin) spans several rows and
        # would glue them together: it stands in a row of its own
        tall = _height(line) > 1.8 * typical
        best = None
        if not tall:
            for g in reversed(groups[-4:]):  # rows are sorted by centre: only recent ones can overlap
                if _height(g[0]) <= 1.8 * typical and _joins(g, line):
                    best = g
                    break
        if best is None:
            groups.append([line])
        else:
            best.append(line)
    rows = []
    for g in groups:
        g.sort(key=lambda ln: ln.bbox[0])
        parts: list[str] = []
        segs: list[Segment] = []
        pos = 0
        for ln in g:
            if parts:
                parts.append(SEP)
                pos += len(SEP)
            segs.append(Segment(ln, pos, pos + len(ln.text)))
            parts.append(ln.text)
            pos += len(ln.text)
        text = "".join(parts)
        rows.append(Row(text=text, norm=fold(text), segments=tuple(segs), bbox=union([ln.bbox for ln in g])))
    rows.sort(key=lambda r: (r.bbox[1], r.bbox[0]))
    return rows
