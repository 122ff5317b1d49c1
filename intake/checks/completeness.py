"""Which required documents the dossier lacks, with alternatives and the reforms of domain-rules §9.

A slot (licence or tax certificate; permit or passbook; …) is filled by any acceptable document of one of
its types. The old tax registration certificate fills the tax slot for sole traders at any date but for
enterprises only until the end of the 三证合一 transition; a passbook fills the bank slot but, for a
customer who is not a sole trader, with a warning. An empty slot is reported under its first type.
"""

from __future__ import annotations

from datetime import date

from intake.checks import messages as msg
from intake.checks.dossier import Dossier
from intake.types import Completeness, Evidence, Finding

__all__ = ["assess_completeness"]


def _doc_evidence(d: Dossier, doc_type: str) -> list[Evidence]:
    return [
        Evidence(file=doc.file, page=doc.pages[0] if doc.pages else None, doc_type=doc_type)
        for doc in d.of_type(doc_type)
    ]


def _acceptable(d: Dossier, doc_type: str) -> bool:
    if not d.has(doc_type):
        return False
    if doc_type == "tax_registration":
        return d.is_sole_trader or d.ctx.as_of <= d.config.old_tax_certificate_until
    return True


def assess_completeness(d: Dossier) -> tuple[Completeness, list[Finding]]:
    missing: list[str] = []
    findings: list[Finding] = []
    for slot in d.config.required_documents:
        primary, alternatives = slot[0], slot[1:]
        filled_by = next((t for t in slot if _acceptable(d, t)), None)
        if filled_by is None:
            missing.append(primary)
            ev = [Evidence(doc_type=primary)]
            if "tax_registration" in slot and d.has("tax_registration"):
                until: date = d.config.old_tax_certificate_until
                text = msg.old_tax_certificate_not_accepted(until.isoformat())
                ev += _doc_evidence(d, "tax_registration")
                findings.append(d.finding("document_missing", text, ev, "OLD_TAX_CERTIFICATE"))
            else:
                findings.append(
                    d.finding("document_missing", msg.document_missing(primary, alternatives), ev)
                )
        elif filled_by == "passbook" and not d.is_sole_trader:
            ev = [Evidence(doc_type=primary), *_doc_evidence(d, "passbook")]
            findings.append(
                d.finding("document_missing", msg.passbook_not_sole_trader(), ev, "PASSBOOK_NOT_SOLE_TRADER")
            )
    return Completeness(complete=not missing, missing=tuple(missing)), findings
