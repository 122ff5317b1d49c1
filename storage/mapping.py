"""Rows → the domain's readings, written once: a stored page back into `ocr.types` values, and a run of stored
pages into an `intake.types.Document`.

Used by the repository (documents for the record and the checks) and by the lifecycle (re-deriving a page's
titles and continuation signals, re-extracting a continuation page's fields as its document's type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from intake.types import Document, SourcedField, SourcedSeal
from ocr.types import BBox, DocType, PageText, Seal, SealKind, TextLine, TextSource
from storage.models import Page, StoredFile


def doc_type(value: str | None) -> DocType:
    """A stored document type; unknown when missing or stored by an older version and since renamed."""
    try:
        return DocType(value or DocType.UNKNOWN)
    except ValueError:
        return DocType.UNKNOWN


def bbox(value: Sequence[int] | None) -> BBox | None:
    if value is None:
        return None
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def _box(value: Sequence[int]) -> BBox:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def lines(page: Page) -> tuple[TextLine, ...]:
    """The page's stored lines with their per-character confidences."""
    return tuple(
        TextLine(ln["text"], _box(ln["bbox"]), ln["confidence"], tuple(ln.get("chars") or ()))
        for ln in page.lines or []
    )


def page_text(page: Page) -> PageText:
    """The page's text as read (lines, size, source, engine, orientation)."""
    return PageText(
        page.width or 0,
        page.height or 0,
        lines(page),
        TextSource(page.source or "ocr"),
        page.engine or "",
        rotation=page.rotation or 0,
        skew=page.skew or 0.0,
    )


def seals(page: Page) -> tuple[Seal, ...]:
    return tuple(
        Seal(
            SealKind(x["kind"]), _box(x["bbox"]), x["confidence"], x.get("text", ""), x.get("shape", "round")
        )
        for x in page.seals or []
    )


def document(group: Sequence[tuple[StoredFile, Page]]) -> Document:
    """A document from consecutive read pages of one file and one type; a field read on several pages keeps
    its highest-confidence reading."""
    stored = group[0][0]
    kind = doc_type(group[0][1].doc_type)
    fields: dict[str, SourcedField] = {}
    found: list[SourcedSeal] = []
    for _, page in group:
        for row in page.fields:
            candidate = SourcedField(
                name=row.name,
                value=row.value,
                confidence=row.confidence,
                bbox=bbox(row.bbox),
                file=stored.name,
                page=page.page_no,
                doc_type=kind,
            )
            best = fields.get(row.name)
            if best is None or candidate.confidence > best.confidence:
                fields[row.name] = candidate
        found.extend(sourced_seal(item, stored.name, page.page_no) for item in page.seals or ())
    pages = tuple(page.page_no for _, page in group)
    return Document(doc_type=kind, file=stored.name, pages=pages, fields=fields, seals=tuple(found))


def sourced_seal(item: Mapping[str, Any], file: str, page_no: int) -> SourcedSeal:
    return SourcedSeal(
        kind=SealKind(item["kind"]),
        text=item.get("text", ""),
        bbox=bbox(item.get("bbox")),
        confidence=float(item["confidence"]),
        file=file,
        page=page_no,
    )
