"""Value types that flow out of the page reader: lines of text, fields and seals, all in page-image pixels.

Everything here is immutable data; no module in ocr/ keeps state between pages except engine instances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

BBox = tuple[int, int, int, int]
"""[x0, y0, x1, y1] in pixels of the upright page image the reviewer sees."""


class DocType(StrEnum):
    """Document types fixed by the contract (../shared/contract.md)."""

    BUSINESS_LICENSE = "business_license"
    TAX_REGISTRATION = "tax_registration"
    BANK_PERMIT = "bank_permit"
    PASSBOOK = "passbook"
    SEAL_CARD = "seal_card"
    APPLICATION_FORM = "application_form"
    DISTRIBUTION_CONTRACT = "distribution_contract"
    LOGISTICS_CONTRACT = "logistics_contract"
    CONSIGNEE_ID = "consignee_id"
    POS_BINDING = "pos_binding"
    UNKNOWN = "unknown"


class SealKind(StrEnum):
    COMPANY = "company"
    FINANCE = "finance"
    RECEIVING = "receiving"
    CONTRACT = "contract"
    INVOICE = "invoice"
    PERSONAL = "personal"
    OTHER = "other"


class TextSource(StrEnum):
    TEXT_LAYER = "text_layer"
    OCR = "ocr"


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text as read, with its box and the reader's confidence (0..1)."""

    text: str
    bbox: BBox
    confidence: float
    chars: tuple[float, ...] = ()  # the reader's confidence in each character of `text`, when it says


@dataclass(frozen=True, slots=True)
class PageText:
    """Everything read from one upright page."""

    width: int
    height: int
    lines: tuple[TextLine, ...]
    source: TextSource
    engine: str
    rotation: int = 0  # degrees (clockwise) the scan was turned away from upright; undone before reading
    skew: float = 0.0  # degrees of deskew applied


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A field read from a page: the canonical value, how sure we are, and where it was read."""

    value: str
    confidence: float
    bbox: BBox | None
    raw: str = ""  # the text as read before canonicalisation / repair
    repaired: bool = False  # an OCR confusion was repaired (domain-rules §0.2)


@dataclass(frozen=True, slots=True)
class Seal:
    """A red seal impression found on a page."""

    kind: SealKind
    bbox: BBox
    confidence: float
    text: str = ""  # the seal's legend (company name, 收货专用章 …) when it could be read
    shape: str = "round"  # round | oval | square


@dataclass(frozen=True, slots=True)
class PageReading:
    """The result of reading one page: its type, its fields and its seals."""

    doc_type: DocType
    doc_type_confidence: float
    text: PageText
    fields: dict[str, FieldValue] = field(default_factory=dict)
    seals: tuple[Seal, ...] = ()
