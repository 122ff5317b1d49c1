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
from ocr.layout import Row, Segment, build_rows, fold
from ocr.types import BBox, DocType, FieldValue, TextLine

_GAP = r"[\s\u3000]*"
# after a label: a qualifier in brackets (（全称）, （预计）) or an alternative (/负责人), then a colon
_COLON = re.compile(
    r"^[\s\u3000]*(?:[(（][\u4e00-\u9fff/、]{1,8}[)）]|[/／][\u4e00-\u9fff]{1,6})?[\s\u3000]*[:：]?"
)


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


def _partials(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """One character of a two-character label, alone at the start of a cell, stands for the label.

    名　　称 is often read as 名 + 称… or with one of the two characters lost; only characters that name a
    single field of this document type are used.
    """
    seen: dict[str, dict[str, str]] = {}  # char → field → one of its labels
    for field_name, labels in spec.items():
        for lab in labels:
            if len(lab) == 2:
                for ch in lab:
                    seen.setdefault(ch, {}).setdefault(field_name, lab)
    return {ch: next(iter(fields.values())) for ch, fields in seen.items() if len(fields) == 1}


def _partial_labels(rows: list[Row], partials: dict[str, str], taken: set[tuple[int, int]]) -> list[Label]:
    found = []
    for r, row in enumerate(rows):
        for seg in row.segments:
            head = row.norm[seg.start : seg.end]
            ch = head[:1]
            if ch not in partials or (r, seg.start) in taken:
                continue
            rest = head[1:]
            alone = rest.strip() == "" or rest.lstrip().startswith((":", "："))
            glued = seg.start == row.segments[0].start and len(rest) > 1 and rest[0] not in partials
            if alone or (glued and _starts_value(rest)):
                end = seg.start + 1
                tail = _COLON.match(row.norm[end:])
                end += tail.end() if tail else 0
                found.append(Label(r, seg.start, end, partials[ch], strong=True))
    return found


def _starts_value(rest: str) -> bool:
    """称北京某某… : what follows a lone label character looks like a value, not a word."""
    return bool(re.match(r"[:：]|[\u4e00-\u9fff]{4,}|\d", rest.lstrip()))


def find_labels(rows: list[Row], spec: dict[str, tuple[str, ...]] | None = None) -> list[Label]:
    found = _full_labels(rows)
    if spec:
        taken = {
            (lab.row, s.start)
            for lab in found
            for s in rows[lab.row].segments
            if s.start <= lab.start < s.end
        }
        found += _partial_labels(rows, _partials(spec), taken)
        taken |= {(lab.row, lab.start) for lab in found}
        found += _fuzzy_labels(rows, spec, taken)
        found.sort(key=lambda lab: (lab.row, lab.start))
    return found


def _fuzzy_labels(
    rows: list[Row], spec: dict[str, tuple[str, ...]], taken: set[tuple[int, int]]
) -> list[Label]:
    """A cell holding nothing but a label misread in one character (用户银行, 营业国性, 联系大).

    Only whole cells count, and only when every label within one substitution names the same field.
    """
    found = []
    for r, row in enumerate(rows):
        for seg in row.segments:
            if (r, seg.start) in taken:
                continue
            cell = re.sub(r"[\s:：]", "", row.norm[seg.start : seg.end])
            if len(cell) < 3:
                continue
            fields = {
                name
                for name, labels in spec.items()
                for lab in labels
                if len(lab) == len(cell) and sum(a != b for a, b in zip(lab, cell, strict=True)) == 1
            }
            if len(fields) == 1:
                label = next(lab for lab in spec[next(iter(fields))] if len(lab) == len(cell))
                found.append(Label(r, seg.start, seg.end, label, strong=True))
    return found


def _full_labels(rows: list[Row]) -> list[Label]:
    found: list[Label] = []
    for r, row in enumerate(rows):
        starts = row.segment_starts()
        for m in _label_regex().finditer(row.norm):
            key = re.sub(r"[\s\u3000]", "", m.group(0))
            label = _canon_label().get(key)
            if label is None:
                continue
            end = m.end()
            tail = _COLON.match(
                row.norm[end:]
            )  # 客户名称（全称）： — a qualifier and a colon belong to the label
            end += tail.end() if tail else 0
            has_colon = ":" in row.norm[m.end() : end]
            before = row.norm[m.start() - 1] if m.start() else " "
            strong = m.start() in starts or before in " |,，;；。" or has_colon
            found.append(Label(r, m.start(), end, label, strong))
    return found


def _value_end(row: Row, start: int, labels_in_row: list[Label]) -> int:
    """A value is one cell: it ends with the reader's line (a wide gap) or at the next strong label."""
    end = len(row.text)
    skip = start
    while skip < end and row.norm[skip] in " :：":
        skip += 1
    for seg in row.segments:
        if seg.start <= skip < seg.end or seg.start >= skip:
            end = seg.end
            break
    if any(lab.strong and lab.start == skip for lab in labels_in_row):
        return skip  # the next cell is another label: this one's value is elsewhere (below)
    for lab in labels_in_row:
        if lab.strong and skip < lab.start < end:
            return lab.start
    return end


def _span(row: Row, start: int, end: int) -> tuple[str, BBox | None, float]:
    while start < end and row.text[start] in " \u3000:：":
        start += 1
    while end > start and row.text[end - 1] in " \u3000":
        end -= 1
    return row.text[start:end], row.span_bbox(start, end), row.span_confidence(start, end)


def _below(
    rows: list[Row], lab: Label, by_row: dict[int, list[Label]]
) -> tuple[str, BBox | None, float] | None:
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
        under = [sg for sg in nxt.segments if sg.line.bbox[2] > lb[0] - h and sg.line.bbox[0] < lb[2] + 6 * h]
        if not under:
            continue
        # of the cells under the label, the one that starts nearest to the label's own start
        seg = min(under, key=lambda sg: abs(sg.line.bbox[0] - lb[0]))
        if any(o.strong and seg.start <= o.start < seg.end for o in by_row.get(r, [])):
            return None  # the next thing below holds another label: a label cell, not this one's value
        end = min(_value_end(nxt, seg.start, by_row.get(r, [])), seg.end)
        start = _column_start(nxt, seg, end, lb[0] - h)
        return _span(nxt, start, end)
    return None


_ORG_CHUNK = re.compile(
    r".+?(?:有限责任公司|股份有限公司|有限公司|公司|商行|超市|便利店|店|厂|经营部|中心)(?:[(（][^()（）]*[)）])?"
)


def _column_start(row: Row, seg: Segment, end: int, column_x: float) -> int:
    """Two signature blocks read as one line (甲方名称乙方名称): start at the name under this label."""
    x0, _, x1, _ = seg.line.bbox
    if x0 >= column_x:
        return seg.start
    text = row.norm[seg.start : end]
    chunks = list(_ORG_CHUNK.finditer(text))
    if len(chunks) < 2:
        return seg.start
    per_char = (x1 - x0) / max(seg.end - seg.start, 1)
    best = min(chunks, key=lambda m: abs(x0 + m.start() * per_char - column_x))
    return seg.start + best.start()


def _candidates(
    rows: list[Row], labels: list[Label], wanted: tuple[str, ...]
) -> list[tuple[str, BBox | None, float, bool]]:
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
            if len(text.strip()) <= 2 and end < len(row.text):
                # 营业期限至 | 长期 : a connector left in the label's cell, the value in the next one
                end2 = _value_end(row, end, by_row[lab.row])
                text2, bbox2, conf2 = _span(row, lab.end, end2)
                out.append((text2, bbox2, conf2, colon))
        if len(text.strip()) <= 6:
            # nothing, or a smudge (乙方（盖草实业), beside the label: the value may be under it
            below = _below(rows, lab, by_row)
            if below and below[0].strip():
                out.append((*below, colon))
    return out


def _best(cands: list[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: c.score) if cands else None


def _score(cleaned: values.Cleaned, conf: float, *, colon: bool, order: int) -> float:
    return cleaned.quality * 2 + conf + (0.1 if colon else 0) - 0.01 * order


def _field(name: str, cand: Candidate) -> FieldValue:
    conf = round(min(cand.confidence, 1.0) * (0.5 + 0.5 * cand.value.quality), 4)
    return FieldValue(cand.value.value, conf, cand.bbox, raw=cand.raw, repaired=cand.value.repaired)


def _scan(
    rows: list[Row], pattern: str, cleaner: values.Callable[[str], values.Cleaned | None]
) -> Candidate | None:
    """Page-wide search for a self-checking identifier when no label led to it."""
    best = None
    rx = re.compile(pattern)
    for row in rows:
        for m in rx.finditer(row.norm):
            cleaned = cleaner(m.group(0))
            if cleaned and cleaned.quality >= 0.95:
                conf = row.span_confidence(m.start(), m.end())
                cand = Candidate(
                    cleaned, conf, row.span_bbox(m.start(), m.end()), m.group(0), cleaned.quality + conf
                )
                if best is None or cand.score > best.score:
                    best = cand
    return best


_SCANS: dict[str, tuple[str, values.Callable[[str], values.Cleaned | None]]] = {
    "tax_id": (r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])", values.tax_id),
    "consignee_id_number": (r"(?<!\d)\d{17}[\dXx](?!\d)", values.id_number),
    "approval_no": (r"J\s*\d[\d\s]{12,16}", values.approval_no),
}


# Values printed inside a sentence rather than after a label (开户许可证: 经审核，XX符合开户条件…).
SENTENCES: dict[DocType, dict[str, tuple[str, ...]]] = {
    DocType.BANK_PERMIT: {
        "account_holder": (r"经\s*审\s*核\s*[，,]?\s*(.+?)\s*符合", r"兹\s*有\s*(.+?)\s*在")
    },
    # 京国税字 110108600037341 号: the number printed under the title of the old certificate
    DocType.TAX_REGISTRATION: {"tax_id": (r"税\s*字\s*第?\s*([0-9A-Z]{15,20})\s*号",)},
}


def _sentences(doc_type: DocType, rows: list[Row], name: str) -> list[tuple[str, BBox | None, float, bool]]:
    out = []
    patterns = SENTENCES.get(doc_type, {}).get(name, ())
    for i, row in enumerate(rows):
        # a sentence may wrap: look at this row and the next together
        joined = row.norm + (rows[i + 1].norm if i + 1 < len(rows) else "")
        for pat in patterns:
            m = re.search(pat, joined)
            if m and m.start(1) < len(row.norm):
                end = min(m.end(1), len(row.norm))
                text = m.group(1)
                out.append((text, row.span_bbox(m.start(1), end), row.span_confidence(m.start(1), end), True))
    return out


# Fields whose label words also run through the body text (乙方应当…): only a well-formed value counts.
STRICT: dict[DocType, tuple[str, ...]] = {
    DocType.DISTRIBUTION_CONTRACT: ("customer_name",),
    DocType.LOGISTICS_CONTRACT: ("customer_name",),
}


def _second_party(rows: list[Row]) -> list[Candidate]:
    """The signature block: 甲方 on the left, 乙方 on the right, both names on one line under them.

    A seal stamped over 乙方（盖章） often hides the label itself; the name to its right is still the party.
    """
    out = []
    for i, row in enumerate(rows[1:], 1):
        if len(row.segments) != 2 or not re.search(r"甲\s*方", rows[i - 1].norm):
            continue
        names = [values.org_name(row.text[sg.start : sg.end]) for sg in row.segments]
        right = names[1]
        if names[0] is not None and right is not None and right.quality >= 1.0:
            seg = row.segments[1]
            conf = seg.line.confidence
            out.append(
                Candidate(
                    right, conf, seg.line.bbox, seg.line.text, _score(right, conf, colon=False, order=9)
                )
            )
    return out


def extract_rows(doc_type: DocType, rows: list[Row]) -> dict[str, FieldValue]:
    spec = LABELS.get(doc_type, {})
    labels = find_labels(rows, spec)
    fields: dict[str, FieldValue] = {}
    for name, wanted in spec.items():
        raw_cands = _candidates(rows, labels, wanted)
        if name in (VALIDITY, ID_VALIDITY):
            prefix = "" if name == VALIDITY else "id_"
            # one printed range, or 营业期限自 … / 营业期限至 … on two rows
            for order, (text, bbox, conf, colon) in enumerate(raw_cands):
                start, end = values.validity(text)
                for key, val in ((f"{prefix}valid_from", start), (f"{prefix}valid_to", end)):
                    if val and key not in fields:
                        fields[key] = _field(
                            key, Candidate(val, conf, bbox, text, _score(val, conf, colon=colon, order=order))
                        )
            continue
        cleaner = values.CLEANERS.get(name, values.text_value)
        raw_cands += _sentences(doc_type, rows, name)
        cands = []
        for order, (text, bbox, conf, colon) in enumerate(raw_cands):
            cleaned = cleaner(text)
            if cleaned is not None:
                cands.append(
                    Candidate(cleaned, conf, bbox, text, _score(cleaned, conf, colon=colon, order=order))
                )
        if name in STRICT.get(doc_type, ()):
            cands = [c for c in cands if c.value.quality >= 1.0]
            if not cands:
                cands = _second_party(rows)
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
