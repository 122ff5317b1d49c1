"""Pair labels with values by position, never by fixed coordinates.

For every label of the page's document type: the value is the rest of the label's row up to the next label
(label left of the value, or in the neighbouring table cell), else the text just below the label (label above
the value). Each candidate is cleaned and judged (ocr.fields.values); the most plausible, most confident one
wins. Identifiers that carry check characters are also searched page-wide when no label was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from ocr.fields import parties, sentences, shapes, values
from ocr.fields.labels import ADDR_PHONE, ID_VALIDITY, LABELS, PARTY_LABELS, VALIDITY, all_labels
from ocr.layout import Row, Segment, build_rows, fold, to_simplified, union
from ocr.types import BBox, DocType, FieldValue, TextLine, TextSource

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
class Raw:
    """Text read for a field before it is judged: where, how sure the reader was, how it was found."""

    text: str
    bbox: BBox | None
    conf: float
    colon: bool
    penalty: float = 0.0  # found by a weaker route (the cell below a label that had text beside it)


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
            if _quoted_or_listed(row.norm, m.start(), m.end()):
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


def _quoted_or_listed(text: str, start: int, end: int) -> bool:
    """“开户银行”、“银行账号” in a note, 收货人、收货地址 in a clause: a label mentioned, not one printed."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before in shapes.QUOTES or after in shapes.QUOTES or "、" in (before, after)


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
    rows: list[Row],
    labels: list[Label],
    wanted: tuple[str, ...],
    *,
    wrap: bool = False,
    keep: Callable[[Label], bool] | None = None,
) -> list[Raw]:
    """Text beside and below every occurrence of one of ``wanted`` (those ``keep`` accepts).

    ``wrap``: the value may run on into the next row (an address cut by the margin).
    """
    by_row: dict[int, list[Label]] = {}
    for lab in labels:
        by_row.setdefault(lab.row, []).append(lab)
    out = []
    for lab in labels:
        if lab.text not in wanted or (keep is not None and not keep(lab)):
            continue
        row = rows[lab.row]
        end = _value_end(row, lab.end, by_row[lab.row])
        text, bbox, conf = _span(row, lab.end, end)
        colon = ":" in row.norm[lab.start : lab.end]
        if text.strip():
            if wrap and end == len(row.text):
                cont = _continuation(rows, lab, bbox, by_row)
                if cont is not None:
                    boxes = [b for b in (bbox, cont[1]) if b is not None]
                    out.append(
                        Raw(text + cont[0], union(boxes) if boxes else None, min(conf, cont[2]), colon)
                    )
            out.append(Raw(text, bbox, conf, colon))
            if len(text.strip()) <= 2 and end < len(row.text):
                # 营业期限至 | 长期 : a connector left in the label's cell, the value in the next one
                end2 = _value_end(row, end, by_row[lab.row])
                text2, bbox2, conf2 = _span(row, lab.end, end2)
                out.append(Raw(text2, bbox2, conf2, colon))
        # nothing, or a smudge (乙方（盖草实业), beside the label: the value may be under it; a longer text
        # beside it may still be something else (a note), so the cell below stays a weaker candidate
        below = _below(rows, lab, by_row)
        if below and below[0].strip():
            out.append(Raw(*below, colon, penalty=0.0 if len(text.strip()) <= 6 else 0.6))
    return out


def _continuation(
    rows: list[Row], lab: Label, value_box: BBox | None, by_row: dict[int, list[Label]]
) -> tuple[str, BBox | None, float] | None:
    """The start of the next row when a value runs into the margin and on to it.

    The continuation stands under the value (a table cell's second line), or back at the label's margin
    when label and value are one line of running text; it holds no label and no colon of its own.
    """
    r = lab.row
    if value_box is None or not sentences.wraps(rows, r):
        return None
    row, nxt = rows[r], rows[r + 1]
    h = max(row.height, 8)
    same_line = any(s.start <= lab.start < s.end and s.start <= lab.end < s.end for s in row.segments)
    label_box = row.span_bbox(lab.start, lab.end)
    left = value_box[0] - h if not same_line or label_box is None else min(value_box[0], label_box[0]) - h
    # in a two-column page the next row starts with the other column's text: take the part in this column
    seg = next((sg for sg in nxt.segments if sg.line.bbox[0] >= left), None)
    if seg is None:
        return None
    column = label_box[0] - h if label_box is not None else left
    if any(column <= sg.line.bbox[0] < seg.line.bbox[0] for sg in nxt.segments):
        return None  # the next row has a cell of its own in this label's column: a new entry starts there
    # a whole label starts something new; one character standing for a label (号 of 编号) does not: a
    # wrapped address often goes on with 号
    whole = [o for o in by_row.get(r + 1, []) if len(re.sub(r"[\s:：]", "", nxt.norm[o.start : o.end])) >= 2]
    end = _value_end(nxt, seg.start, whole)
    cut = re.search(r"[，,。；;]", nxt.norm[seg.start : end])
    if cut:
        end = seg.start + cut.start()
    if any(seg.start <= o.start < end for o in whole) or re.search(r"[:：]", nxt.norm[seg.start : end]):
        return None
    text, bbox, conf = _span(nxt, seg.start, end)
    return (text, bbox, conf) if text.strip() else None


def _best(cands: list[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: c.score) if cands else None


def _score(cleaned: values.Cleaned, conf: float, *, colon: bool, order: int, penalty: float = 0.0) -> float:
    return cleaned.quality * 2 + conf + (0.1 if colon else 0) - 0.01 * order - penalty


def _field(name: str, cand: Candidate) -> FieldValue:
    conf = round(min(cand.confidence, 1.0) * (0.5 + 0.5 * cand.value.quality), 4)
    return FieldValue(cand.value.value, conf, cand.bbox, raw=cand.raw, repaired=cand.value.repaired)


def _scan(
    rows: list[Row],
    pattern: str,
    cleaner: Callable[[str], values.Cleaned | None],
    min_quality: float = 0.95,
) -> Candidate | None:
    """Page-wide search for a self-checking identifier when no label led to it (the topmost wins a tie)."""
    best = None
    rx = re.compile(pattern)
    for r, row in enumerate(rows):
        for m in rx.finditer(row.norm):
            cleaned = cleaner(m.group(0))
            if cleaned and cleaned.quality >= min_quality:
                conf = row.span_confidence(m.start(), m.end())
                score = cleaned.quality + conf - 0.001 * r
                cand = Candidate(cleaned, conf, row.span_bbox(m.start(), m.end()), m.group(0), score)
                if best is None or cand.score > best.score:
                    best = cand
    return best


_SCANS: dict[str, tuple[str, Callable[[str], values.Cleaned | None]]] = {
    "tax_id": (r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])", values.tax_id),
    "consignee_id_number": (r"(?<!\d)\d{17}[\dXx](?!\d)", values.id_number),
    "approval_no": (r"J\s*\d[\d\s]{12,16}", values.approval_no),
}
# A bank card's number printed alone on the card's face, in groups of four (6217 0021 8760 2252 220)
_CARD_NUMBER = r"(?<!\d)\d{4}(?:\s?\d{4}){3}(?:\s?\d{1,3})?(?!\d)"
# A legacy certificate's number alone under its title: 15 (org-code based), 17, 18 or 20 (ID based) characters
_LEGACY_TIN = r"(?<![0-9A-Z])(?:[0-9A-Z]{15}|[0-9A-Z]{17,18}|[0-9A-Z]{20})(?![0-9A-Z])"


# Values printed inside a sentence rather than after a label (开户许可证: 经审核，XX符合开户条件…).
SENTENCES: dict[DocType, dict[str, tuple[str, ...]]] = {
    DocType.BANK_PERMIT: {
        "account_holder": (r"经\s*审\s*核\s*[，,]?\s*(.+?)\s*符合", r"兹\s*有\s*(.+?)\s*在")
    },
    # 京国税字 110108600037341 号: the number printed under the title of the old certificate
    DocType.TAX_REGISTRATION: {"tax_id": (r"税\s*字\s*第?\s*([0-9A-Z][0-9A-Z\s]{13,24}[0-9A-Z])\s*号",)},
}


def _sentences(doc_type: DocType, rows: list[Row], name: str) -> list[Raw]:
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
                out.append(
                    Raw(
                        text, row.span_bbox(m.start(1), end), row.span_confidence(m.start(1), end), colon=True
                    )
                )
    return out


# Sentences read over the page's flow of rows (they wrap): field → (pattern, judge of a row break)
FLOW_SENTENCES: dict[DocType, dict[str, tuple[re.Pattern[str], sentences.Judge | None]]] = {
    DocType.LOGISTICS_CONTRACT: {
        "consignee_name": (sentences.CONSIGNEE_NAME, None),
        "consignee_phone": (sentences.CONSIGNEE_PHONE, None),
        "receiving_time": (sentences.RECEIVING_TIME, sentences.time_judge),
        "receiving_address": (sentences.RECEIVING_ADDRESS, sentences.address_judge),
    },
    DocType.CONSIGNEE_ID: {
        "receiving_time": (sentences.RECEIVING_TIME, sentences.time_judge),
    },
}


def _flow_sentences(doc_type: DocType, rows: list[Row], fl: sentences.Flow, name: str) -> list[Raw]:
    spec = FLOW_SENTENCES.get(doc_type, {}).get(name)
    if spec is None:
        return []
    pattern, judge = spec
    return [Raw(f.text, f.bbox, f.confidence, colon=True) for f in sentences.find(rows, fl, pattern, judge)]


# Fields whose label words also run through the body text (乙方应当…): only a well-formed value counts.
STRICT: dict[DocType, tuple[str, ...]] = {
    DocType.DISTRIBUTION_CONTRACT: ("customer_name",),
    DocType.LOGISTICS_CONTRACT: ("customer_name",),
}
# Fields judged by their shape: a candidate of poor shape is left unread rather than taken (issue 9).
MIN_QUALITY: dict[str, float] = {"bank_name": 0.7, "legal_representative": 1.0, "consignee_name": 1.0}

# The customer's fields read from 乙方's block of a contract (never 甲方's)
PARTY_FIELDS: dict[DocType, dict[str, tuple[str, ...]]] = {
    DocType.DISTRIBUTION_CONTRACT: dict(PARTY_LABELS),
    DocType.LOGISTICS_CONTRACT: {
        "legal_representative": PARTY_LABELS["legal_representative"],
        "address": PARTY_LABELS["address"],
        # 联系电话 in 乙方's block of a delivery contract is the consignee's: only the company's own phone
        "tax_phone": tuple(lab for lab in PARTY_LABELS["tax_phone"] if lab != "联系电话"),
    },
}
_WRAPPING = ("address", "tax_address", "receiving_address", "bank_name")


def _party_raws(
    rows: list[Row], labels: list[Label], wanted: tuple[str, ...], pmap: list[list[parties.Column] | None]
) -> list[Raw]:
    """Candidates under ``wanted`` labels in 乙方's block; 授权代表 lines rank after the block's own."""

    def in_b(lab: Label) -> bool:
        box = rows[lab.row].span_bbox(lab.start, lab.start + 1)
        return box is not None and parties.owner(pmap[lab.row], box[0]) == parties.PARTY_B

    out = []
    for lab in labels:
        if lab.text in wanted and in_b(lab):
            weak = 0.3 if re.search(r"授权|委托", lab.text) else 0.0
            for raw in _candidates(
                rows, [lab, *[o for o in labels if o.row == lab.row]], (lab.text,), wrap=True
            ):
                out.append(Raw(raw.text, raw.bbox, raw.conf, raw.colon, raw.penalty + weak))
    return out


_FOOT_DATE = re.compile(
    r"(?:[〇零○ＯOo0一二三四五六七八九]{4}|(?<![一二三四五六七八九〇零○])[〇零○][一二三四五六七八九〇零○]{2})"
    r"年[一二三四五六七八九十廿卅]{1,3}月[一二三四五六七八九十廿卅]{1,3}[日曰]"
    r"|\d{4}年\d{1,2}月\d{1,2}[日曰]"
    r"|(?<![\d.\-/])(?:19|20)\d{2}[.\-/](?:0?[1-9]|1[0-2])[.\-/](?:0?[1-9]|[12]\d|3[01])(?![\d.\-/])"
)
# rows whose dates are something else: a validity range, a founding date, a clause
_OTHER_DATE = re.compile(r"至|有效|期限|成立|开业|批准|注册|营业|出生|签订")


def _foot_dates(rows: list[Row]) -> list[Raw]:
    """Dates printed alone at a certificate's foot (二〇一八年六月十二日 under 发证机关), lowest first.

    The date may be split over cells or wrap after 年/月; spaces are dropped before matching. A partial
    read (no day, a three-digit year) does not match and yields nothing rather than a wrong date.
    """
    out = []
    for r, row in enumerate(rows):
        keep = [k for k, c in enumerate(row.norm) if not c.isspace()]
        compact = "".join(row.norm[k] for k in keep)
        boxes = [row.bbox]
        if re.search(r"[年月]$", compact) and r + 1 < len(rows):
            compact += re.sub(r"\s", "", rows[r + 1].norm)
            boxes.append(rows[r + 1].bbox)
        if _OTHER_DATE.search(compact):
            continue
        for m in _FOOT_DATE.finditer(compact):
            if m.end() <= len(keep):
                box = row.span_bbox(keep[m.start()], keep[m.end() - 1] + 1)
            else:
                box = union(boxes)
            text = m.group(0)
            if re.match(r"[〇零○][一二三四五六七八九〇零○]{2}年", text):
                # 〇一三年: the leading 二 of 二〇一三 lost under the bank's seal; no other century fits
                text, penalty = "二" + text, 0.3
            else:
                penalty = 0.1
            out.append(Raw(text, box, row.span_confidence(0, len(row.text)), colon=False, penalty=penalty))
    out.sort(key=lambda raw: -(raw.bbox[1] if raw.bbox else 0))
    return out


FOOT_DATE_FIELDS: dict[DocType, str] = {
    DocType.BANK_PERMIT: "account_opened",
    DocType.TAX_REGISTRATION: "issue_date",
}
# Fields holding CJK text a reader may return in traditional glyphs (codes and numbers never are)
SIMPLIFIED_FIELDS = frozenset(
    {
        "customer_name",
        "account_holder",
        "legal_representative",
        "address",
        "tax_address",
        "receiving_address",
        "bank_name",
        "consignee_name",
        "contact_name",
    }
)


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


def _judge(name: str, raws: list[Raw]) -> list[Candidate]:
    cleaner = values.CLEANERS.get(name, values.text_value)
    cands = []
    for order, raw in enumerate(raws):
        cleaned = cleaner(raw.text)
        if cleaned is not None:
            score = _score(cleaned, raw.conf, colon=raw.colon, order=order, penalty=raw.penalty)
            cands.append(Candidate(cleaned, raw.conf, raw.bbox, raw.text, score))
    floor = MIN_QUALITY.get(name)
    return [c for c in cands if c.value.quality >= floor] if floor is not None else cands


def _validity(fields: dict[str, FieldValue], name: str, raws: list[Raw]) -> None:
    """One printed range, or 营业期限自 … / 营业期限至 … on two rows → valid_from / valid_to."""
    prefix = "" if name == VALIDITY else "id_"
    for order, raw in enumerate(raws):
        start, end = values.validity(raw.text)
        for key, val in ((f"{prefix}valid_from", start), (f"{prefix}valid_to", end)):
            if val and key not in fields:
                score = _score(val, raw.conf, colon=raw.colon, order=order)
                fields[key] = _field(key, Candidate(val, raw.conf, raw.bbox, raw.text, score))


def _addr_phone(fields: dict[str, FieldValue], raws: list[Raw]) -> None:
    """开票地址电话 杭州市西湖区文三路100号0571-87654321 → tax_address and tax_phone, where not read apart."""
    for raw in raws:
        addr, phone = values.split_address_phone(raw.text)
        if phone is None:
            continue
        for key, text in (("tax_address", addr), ("tax_phone", phone)):
            cleaned = values.CLEANERS[key](text)
            if cleaned is not None and key not in fields:
                fields[key] = _field(key, Candidate(cleaned, raw.conf, raw.bbox, raw.text, 0.0))
        return


def extract_rows(
    doc_type: DocType, rows: list[Row], source: TextSource | None = None
) -> dict[str, FieldValue]:
    spec = LABELS.get(doc_type, {})
    labels = find_labels(rows, spec)
    fl = sentences.flow(rows)
    fields: dict[str, FieldValue] = {}
    for name, wanted in spec.items():
        raws = _candidates(rows, labels, wanted, wrap=name in _WRAPPING)
        if name in (VALIDITY, ID_VALIDITY):
            _validity(fields, name, raws)
            continue
        if name == ADDR_PHONE:
            continue
        raws += _sentences(doc_type, rows, name) + _flow_sentences(doc_type, rows, fl, name)
        if FOOT_DATE_FIELDS.get(doc_type) == name:
            raws += _foot_dates(rows)
        cands = _judge(name, raws)
        if name in STRICT.get(doc_type, ()):
            cands = [c for c in cands if c.value.quality >= 1.0]
            if not cands:
                cands = _second_party(rows)
        best = _best(cands)
        if (best is None or best.value.quality < 0.95) and name in _SCANS:
            scanned = _scan(rows, *_SCANS[name])
            if scanned is None and name == "tax_id" and doc_type == DocType.TAX_REGISTRATION:
                scanned = _scan(rows, _LEGACY_TIN, values.tax_id, min_quality=0.75)
            if scanned is not None and (best is None or scanned.value.quality > best.value.quality):
                best = scanned
        if best is None and (doc_type, name) == (DocType.PASSBOOK, "bank_account"):
            best = _scan(rows, _CARD_NUMBER, values.account_number)
        if best is not None:
            fields[name] = _field(name, best)
    if ADDR_PHONE in spec:
        _addr_phone(fields, _candidates(rows, labels, spec[ADDR_PHONE]))
    if doc_type in PARTY_FIELDS:
        _party_fields(doc_type, rows, labels, fields)
    no_range = "valid_from" not in fields and "valid_to" not in fields
    if doc_type == DocType.TAX_REGISTRATION and "issue_date" in fields and no_range:
        fields["valid_from"] = fields["issue_date"]  # no validity printed: valid from its issue date
    if source != TextSource.TEXT_LAYER:
        fields = {k: _simplified(v) if k in SIMPLIFIED_FIELDS else v for k, v in fields.items()}
    return fields


def _party_fields(
    doc_type: DocType, rows: list[Row], labels: list[Label], fields: dict[str, FieldValue]
) -> None:
    pmap = parties.party_map(rows)
    for name, wanted in PARTY_FIELDS[doc_type].items():
        if name in fields:
            continue
        best = _best(_judge(name, _party_raws(rows, labels, wanted, pmap)))
        if best is not None:
            fields[name] = _field(name, best)


def _simplified(fv: FieldValue) -> FieldValue:
    """Traditional glyphs from a reader folded to the simplified ones printed; ``raw`` stays as read."""
    folded = to_simplified(fv.value)
    return fv if folded == fv.value else replace(fv, value=folded, raw=fv.raw or fv.value)


def extract_fields(
    doc_type: DocType, lines: list[TextLine] | tuple[TextLine, ...], source: TextSource | None = None
) -> dict[str, FieldValue]:
    """Every field of ``doc_type`` found among ``lines`` (an upright page's text), with box and confidence.

    ``source``: where the text came from; only a reader's (OCR, or unknown) text is folded from traditional
    glyphs, a PDF's own text layer is taken as printed.
    """
    return extract_rows(doc_type, build_rows(lines), source)
