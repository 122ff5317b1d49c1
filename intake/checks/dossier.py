"""A read-only view of one dossier for the rules: documents by type, field look-ups, who the customer is.

Built once per `check_dossier` call; the rule functions take it and return findings. It also turns a
sourced field into evidence and a rule id into a finding with the configured severity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from intake.checks.config import RulesConfig
from intake.checks.identifiers import ID_BASED_TIN_KINDS, canonical_code, classify_tin
from intake.types import CheckContext, Document, Evidence, Finding, SourcedField

__all__ = ["Dossier", "evidence_of", "same_source"]


def evidence_of(sf: SourcedField) -> Evidence:
    return Evidence(
        file=sf.file, page=sf.page, field=sf.name, value=sf.value, bbox=sf.bbox, doc_type=str(sf.doc_type)
    )


def same_source(a: SourcedField, b: SourcedField) -> bool:
    """The same reading; names may differ (the record re-labels the licence's `address` as `tax_address`)."""
    return (a.file, a.page, str(a.doc_type), a.value, a.bbox) == (
        b.file,
        b.page,
        str(b.doc_type),
        b.value,
        b.bbox,
    )


@dataclass(frozen=True)
class Dossier:
    documents: tuple[Document, ...]
    record: Mapping[str, SourcedField]
    ctx: CheckContext
    config: RulesConfig

    def of_type(self, *doc_types: str) -> list[Document]:
        wanted = {str(t) for t in doc_types}
        return [d for d in self.documents if str(d.doc_type) in wanted]

    def has(self, doc_type: str) -> bool:
        return bool(self.of_type(doc_type))

    def fields(self, doc_type: str, name: str) -> list[SourcedField]:
        """Every non-empty reading of `name` on documents of `doc_type`, in document order."""
        out = []
        for doc in self.of_type(doc_type):
            sf = doc.fields.get(name)
            if sf is not None and sf.value.strip():
                out.append(sf)
        return out

    @cached_property
    def is_sole_trader(self) -> bool:
        """个体工商户: USCC starting 92, an ID-based tax number, or 个体 in the business / licence type."""
        for doc_type in ("business_license", "tax_registration", "application_form"):
            for sf in self.fields(doc_type, "tax_id"):
                code = canonical_code(sf.value)
                if code.startswith("92") or classify_tin(code)[0] in ID_BASED_TIN_KINDS:
                    return True
        for doc_type, name in (
            ("application_form", "business_type"),
            ("business_license", "license_type"),
            ("tax_registration", "license_type"),
        ):
            if any("个体" in sf.value for sf in self.fields(doc_type, name)):
                return True
        return False

    def finding(self, rule: str, message: str, evidence: Iterable[Evidence], detail: str = "") -> Finding:
        return Finding(
            rule=rule,
            severity=self.config.severity(rule, detail),
            message=message,
            evidence=tuple(evidence),
            detail=detail,
        )
