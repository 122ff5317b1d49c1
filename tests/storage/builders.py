"""Builders of the value types the storage functions take, shared by the storage tests."""

from __future__ import annotations

from datetime import date

from ocr.types import DocType, FieldValue, PageReading, PageText, Seal, SealKind, TextLine, TextSource

AS_OF = date(2026, 11, 20)


def reading(
    doc_type: DocType,
    fields: dict[str, tuple[str, float]] | None = None,
    *,
    seals: tuple[Seal, ...] = (),
    engine: str = "rapidocr",
    source: TextSource = TextSource.OCR,
) -> PageReading:
    """A page reading as the reader would return it, with a box per field derived from its order."""
    fields = fields or {}
    values = {
        name: FieldValue(value=value, confidence=conf, bbox=(10, 40 * i, 400, 40 * i + 30), raw=value)
        for i, (name, (value, conf)) in enumerate(fields.items(), start=1)
    }
    lines = tuple(
        TextLine(text=f"{name}: {value}", bbox=(10, 40 * i, 400, 40 * i + 30), confidence=conf)
        for i, (name, (value, conf)) in enumerate(fields.items(), start=1)
    )
    page_text = PageText(
        width=1240, height=1754, lines=lines, source=source, engine=engine, rotation=90, skew=0.5
    )
    return PageReading(
        doc_type=doc_type, doc_type_confidence=0.93, text=page_text, fields=values, seals=seals
    )


def bank_permit(holder: str, account: str, bank: str = "中国工商银行杭州分行") -> PageReading:
    """The bank account permit of a customer: holder, bank and account, read surely."""
    return reading(
        DocType.BANK_PERMIT,
        {"account_holder": (holder, 0.95), "bank_name": (bank, 0.96), "bank_account": (account, 0.96)},
    )


def seal(kind: SealKind, bbox: tuple[int, int, int, int], confidence: float = 0.9, legend: str = "") -> Seal:
    return Seal(kind=kind, bbox=bbox, confidence=confidence, text=legend)
