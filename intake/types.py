"""Value types of a dossier once its pages are read: documents, the record, findings.

Pure data: the rules (intake/checks) take these and return findings; storage/ and the CLI serialise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ocr.types import BBox, DocType, SealKind

RECORD_FIELDS = ("customer_name", "tax_id", "bank_name", "bank_account", "tax_address", "tax_phone")
"""The six invoice-critical fields, in the order of the contract."""


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class SourcedField:
    """A field value together with the page it was read from (the evidence a reviewer checks)."""

    name: str
    value: str
    confidence: float
    bbox: BBox | None
    file: str
    page: int  # 1-based within its file
    doc_type: DocType


@dataclass(frozen=True, slots=True)
class SourcedSeal:
    kind: SealKind
    text: str
    bbox: BBox | None
    confidence: float
    file: str
    page: int


@dataclass(frozen=True, slots=True)
class Document:
    """One document of the dossier: consecutive pages of one file with one doc_type."""

    doc_type: DocType
    file: str
    pages: tuple[int, ...]
    fields: dict[str, SourcedField] = field(default_factory=dict)
    seals: tuple[SourcedSeal, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    file: str | None = None
    page: int | None = None
    field: str | None = None
    value: str | None = None
    bbox: BBox | None = None
    doc_type: str | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in ("file", "page", "field", "value", "doc_type"):
            val = getattr(self, key)
            if val is not None:
                out[key] = val
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    detail: str = ""  # machine-readable reason, e.g. "FORMAT_ONLY" or "check18"

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "evidence": [e.as_json() for e in self.evidence],
        }
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True, slots=True)
class Completeness:
    complete: bool
    missing: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"complete": self.complete, "missing": list(self.missing)}


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the rules need besides the documents."""

    as_of: date
    pickup_date: date | None = None
