"""Pair labels with values by position, never by fixed coordinates.

For every label of the page's document type: the value is the rest of the label's row up to the next label
(label left of the value, or in the neighbouring table cell), else the text just below the label (label above
the value). Each candidate is cleaned and judged (ocr.fields.values); the most plausible, most confident one
wins. Identifiers that carry check characters are also searched page-wide when no label was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ocr.fields import values
from ocr.fields.labels import ID_VALIDITY, LABELS, VALIDITY, all_labels
from ocr.layout import Row, build_rows, fold
from ocr.types import BBox, DocType, FieldValue, TextLine

_GAP = r"[\s\u3000]*"
_COLON = re.compile(r"^[\s\u3000]*[:：]")


@dataclass(frozen=True, slots=True)
class Label:
    row: int
    start: int
    end: int  # end of the label text including a following colon
    text: str
    strong: bool  # starts a cell (segment start / after a space) or is followed by a colon


@dataclass(frozen=True, slots=True)
class Candidate:
    value: values.Cleaned
    confidence: float
    bbox: BBox | None
    raw: str
    score: float


def _label_pattern(label: str) -> str:
    return _GAP.join(re.escape(c) for c in fold(label) if not c.isspace())


@cache
def _label_regex() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_label_pattern(lab)})" for lab in all_labels()))


@cache
def _canon_label() -> dict[str, str]:
    return {re.sub(r"\s", "", fold(lab)): lab for lab in all_labels()}


def find_labels(rows: list[Row]) -> list[Label]:
    found: list[Label] = []
    for r, row in enumerate(rows):
        starts = row.segment_starts()
        for m in _label_regex().finditer(row.norm):
            key = re.sub(r"[\s\u3000]", "", m.group(0))
            label = _canon_label().get(key)
            if label is None:
                continue
            end = m.end()
            colon = _COLON.match(row.norm[end:])
            if colon:
                end += colon.end()
            before = row.norm[m.start() - 1] if m.start() else " "
            strong = m.start() in starts or before in " |,，;；。" or colon is not None
            found.append(Label(r, m.start(), end, label, strong))
    return found


def _value_end(row: Row, start: int, labels_in_row: list[Label]) -> int:
    """A value runs until the next strong label in the same row."""
    for lab in labels_in_row:
        if lab.start >= start and lab.strong and lab.start > start:
            return lab.start
    return len(row.text)


def _span(row: Row, start: int, end: int) -> tuple[str, BBox | None, float]:
    while start < end and row.text[start] in " \u3000:：":
        start += 1
    while end > start and row.text[end - 1] in " \u3000":
        end -= 1
    return row.text[start:end], row.span_bbox(start, end), row.span_confidence(start, end)


def _below(rows: list[Row], lab: Label, by_row: dict[int, list[Label]]) -> tuple[str, BBox | None, float] | None:
    """The text right under a label whose row holds nothing else (label above its value)."""
    row = rows[lab.row]
    lb = row.span_bbox(lab.start, lab.end)
    if lb is None:
        return None
    h = max(lb[3] - lb[1], 8)
    for r in range(lab.row + 1, min(lab.row + 4, len(rows))):
        nxt = rows[r]
        if nxt.bbox[1] - lb[3] > 2.5 * h:
            return None
        for seg in nxt.segments:
            x0, _, x1, _ = seg.line.bbox
            if x1 > lb[0] - h and x0 < lb[2] + 6 * h:
                if any(o.start == seg.start and o.strong for o in by_row.get(r, [])):
                    return None  # the next thing below is another label
                end = _value_end(nxt, seg.start, by_row.get(r, []))
                return _span(nxt, seg.start, min(end, seg.end))
    return None


def _candidates(rows: list[Row], labels: list[Label], wanted: tuple[str, ...]) -> list[tuple[str, BBox | None, float, bool]]:
    """(raw text, box, reader confidence, had a colon) for every occurrence of one of ``wanted``."""
    by_row: dict[int, list[Label]] = {}
    for lab in labels:
        by_row.setdefault(lab.row, []).append(lab)
    out = []
    for lab in labels:
        if lab.text not in wanted:
            continue
        row = rows[lab.row]
        end = _value_end(row, lab.end, by_row[lab.row])
        text, bbox, conf = _span(row, lab.end, end)
        colon = ":" in row.norm[lab.start : lab.end]
        if text.strip():
            out.append((text, bbox, conf, colon))
        else:
            below = _below(rows, lab, by_row)
            if below and below[0].strip():
                out.append((*below, colon))
    return out


def _best(cands: list[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: c.score) if cands else None


def _score(cleaned: values.Cleaned, conf: float, colon: bool, order: int) -> float:
    return cleaned.quality * 2 + conf + (0.1 if colon else 0) - 0.01 * order


def _field(name: str, cand: Candidate) -> FieldValue:
    conf = round(min(cand.confidence, 1.0) * (0.5 + 0.5 * cand.value.quality), 4)
    return FieldValue(cand.value.value, conf, cand.bbox, raw=cand.raw, repaired=cand.value.repaired)


def _scan(rows: list[Row], pattern: str, cleaner: values.Callable[[str], values.Cleaned | None]) -> Candidate | None:
    """Page-wide search for a self-checking identifier when no label led to it."""
    best = None
    rx = re.compile(pattern)
    for row in rows:
        for m in rx.finditer(row.norm):
            cleaned = cleaner(m.group(0))
            if cleaned and cleaned.quality >= 0.95:
                conf = row.span_confidence(m.start(), m.end())
                cand = Candidate(cleaned, conf, row.span_bbox(m.start(), m.end()), m.group(0), cleaned.quality + conf)
                if best is None or cand.score > best.score:
                    best = cand
    return best


_SCANS: dict[str, tuple[str, values.Callable[[str], values.Cleaned | None]]] = {
    "tax_id": (r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])", values.tax_id),
    "consignee_id_number": (r"(?<!\d)\d{17}[\dXx](?!\d)", values.id_number),
    "approval_no": (r"J\s*\d[\d\s]{12,16}", values.approval_no),
}


def extract_rows(doc_type: DocType, rows: list[Row]) -> dict[str, FieldValue]:
    spec = LABELS.get(doc_type, {})
    labels = find_labels(rows)
    fields: dict[str, FieldValue] = {}
    for name, wanted in spec.items():
        raw_cands = _candidates(rows, labels, wanted)
        if name in (VALIDITY, ID_VALIDITY):
            prefix = "" if name == VALIDITY else "id_"
            for order, (text, bbox, conf, colon) in enumerate(raw_cands):
                start, end = values.validity(text)
                if start or end:
                    for key, val in ((f"{prefix}valid_from", start), (f"{prefix}valid_to", end)):
                        if val and key not in fields:
                            fields[key] = _field(key, Candidate(val, conf, bbox, text, _score(val, conf, colon, order)))
                    break
            continue
        cleaner = values.CLEANERS.get(name, values.text_value)
        cands = []
        for order, (text, bbox, conf, colon) in enumerate(raw_cands):
            cleaned = cleaner(text)
            if cleaned is not None:
                cands.append(Candidate(cleaned, conf, bbox, text, _score(cleaned, conf, colon, order)))
        best = _best(cands)
        if (best is None or best.value.quality < 0.95) and name in _SCANS:
            scanned = _scan(rows, *_SCANS[name])
            if scanned is not None:
                best = scanned
        if best is not None:
            fields[name] = _field(name, best)
    return fields


def extract_fields(doc_type: DocType, lines: list[TextLine] | tuple[TextLine, ...]) -> dict[str, FieldValue]:
    """Every field of ``doc_type`` found among ``lines`` (an upright page's text), with box and confidence."""
    return extract_rows(doc_type, build_rows(lines))
