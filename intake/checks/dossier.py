"""A read-only view of one dossier for the rules: documents by type, field look-ups, who the customer is.

Built once per `check_dossier` call; the rule functions take it and return findings. It also turns a
sourced field into evidence and a rule id into a finding with the configured severity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from intake.checks.config import RulesConfig
from intake.checks.entity import Entity, entity_of
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
    def entity(self) -> Entity:
        """Enterprise, sole trader or other, from the USCC, a legacy number, licence type, 营业属性, name."""
        return entity_of(self.documents)

    @property
    def is_sole_trader(self) -> bool:
        return self.entity.is_sole_trader

    def finding(self, rule: str, message: str, evidence: Iterable[Evidence], detail: str = "") -> Finding:
        return Finding(
            rule=rule,
            severity=self.config.severity(rule, detail),
            message=message,
            evidence=tuple(evidence),
            detail=detail,
        )
