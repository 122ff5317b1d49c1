"""Which required documents the dossier lacks, with alternatives and the reforms of domain-rules §9.

A slot (licence or tax certificate; permit or passbook; …) is filled by any acceptable document of one of
its types. The old tax registration certificate fills the tax slot for sole traders at any date but for
enterprises only until the end of the 三证合一 transition; a passbook fills the bank slot but, for a
customer who is not a sole trader, with a warning. An empty slot is reported under its first type.

Who is a sole trader is `Dossier.entity` (intake/checks/entity.py): every signal, with a precedence. When no
signal says what the customer is, the old certificate is not refused as an enterprise's: it fills the slot
with a warning asking the clerk to confirm the entity type, since claiming "企业" without evidence would
turn a sole trader's valid dossier into a false blocker.
"""

from __future__ import annotations

from datetime import date

from intake.checks import messages as msg
from intake.checks.dossier import Dossier
from intake.checks.entity import EntityKind
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
        return _old_certificate_in_time(d) or d.entity.kind in (EntityKind.SOLE_TRADER, EntityKind.UNKNOWN)
    return True


def _old_certificate_in_time(d: Dossier) -> bool:
    return d.ctx.as_of <= d.config.old_tax_certificate_until


def _old_certificate_refused(d: Dossier, primary: str) -> Finding:
    until: date = d.config.old_tax_certificate_until
    entity = d.entity
    text = msg.old_tax_certificate_not_accepted(until.isoformat(), entity.label, entity.because())
    ev = [Evidence(doc_type=primary), *_doc_evidence(d, "tax_registration")]
    return d.finding("document_missing", text, ev, "OLD_TAX_CERTIFICATE")


def _entity_unconfirmed(d: Dossier, primary: str) -> Finding:
    until: date = d.config.old_tax_certificate_until
    ev = [Evidence(doc_type=primary), *_doc_evidence(d, "tax_registration")]
    text = msg.old_tax_certificate_entity_unknown(until.isoformat())
    return d.finding("document_missing", text, ev, "ENTITY_TYPE_UNKNOWN")


def _passbook_warning(d: Dossier, primary: str) -> Finding:
    entity = d.entity
    known = entity.kind is not EntityKind.UNKNOWN
    text = msg.passbook_not_sole_trader(entity.label if known else "", entity.because() if known else "")
    ev = [Evidence(doc_type=primary), *_doc_evidence(d, "passbook")]
    return d.finding("document_missing", text, ev, "PASSBOOK_NOT_SOLE_TRADER")


def assess_completeness(d: Dossier) -> tuple[Completeness, list[Finding]]:
    missing: list[str] = []
    findings: list[Finding] = []
    for slot in d.config.required_documents:
        primary, alternatives = slot[0], slot[1:]
        filled_by = next((t for t in slot if _acceptable(d, t)), None)
        if filled_by is None:
            missing.append(primary)
            if "tax_registration" in slot and d.has("tax_registration"):
                findings.append(_old_certificate_refused(d, primary))
            else:
                ev = [Evidence(doc_type=primary)]
                findings.append(
                    d.finding("document_missing", msg.document_missing(primary, alternatives), ev)
                )
        elif (
            filled_by == "tax_registration"
            and d.entity.kind is EntityKind.UNKNOWN
            and not _old_certificate_in_time(d)
        ):
            findings.append(_entity_unconfirmed(d, primary))
        elif filled_by == "passbook" and not d.is_sole_trader:
            findings.append(_passbook_warning(d, primary))
    return Completeness(complete=not missing, missing=tuple(missing)), findings
