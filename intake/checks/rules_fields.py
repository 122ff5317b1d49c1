"""Required fields that could not be read, or not read with enough confidence (`field_unreadable`).

Required are the record fields on their source documents, the consignee's ID number and the licence's end
of validity (configurable). Where a slot has alternatives (licence or tax certificate, permit or passbook)
only the type actually used is checked. A record field found on no document at all is a blocker: the
dossier cannot be archived without it.
"""

from __future__ import annotations

from intake.checks import messages as msg
from intake.checks.dossier import Dossier, evidence_of
from intake.record import RECORD_SOURCES
from intake.types import RECORD_FIELDS, Evidence, Finding

__all__ = ["check_fields", "record_field_of"]


def record_field_of(doc_type: str, name: str) -> str | None:
    """The record field a document field feeds (`business_license.address` → `tax_address`), if any."""
    for field, sources in RECORD_SOURCES.items():
        if (doc_type, name) in sources or (doc_type == "application_form" and name == field):
            return field
    return None


def _checked_types(d: Dossier) -> list[str]:
    """Of each slot of alternatives, the first type present; types outside any slot are always checked."""
    in_slots = {t for slot in d.config.required_documents for t in slot}
    used = [next((t for t in slot if d.has(t)), slot[0]) for slot in d.config.required_documents]
    return used + [t for t in d.config.required_fields if t not in in_slots]


def check_fields(d: Dossier) -> list[Finding]:
    absent_everywhere = [f for f in RECORD_FIELDS if f not in d.record or not d.record[f].value.strip()]
    out: list[Finding] = []
    threshold = d.config.confidence_threshold
    for doc_type in _checked_types(d):
        for name in d.config.required_fields.get(doc_type, ()):
            if d.is_sole_trader and f"{doc_type}.{name}" in d.config.optional_for_sole_traders:
                continue
            if record_field_of(doc_type, name) in absent_everywhere:
                continue  # reported once below, as a blocker
            for doc in d.of_type(doc_type):
                sf = doc.fields.get(name)
                if sf is None or not sf.value.strip():
                    ev = Evidence(
                        file=doc.file, page=doc.pages[0] if doc.pages else None, field=name, doc_type=doc_type
                    )
                    out.append(
                        d.finding("field_unreadable", msg.field_absent(doc_type, name), [ev], "ABSENT")
                    )
                elif sf.confidence < threshold:
                    text = msg.field_low_confidence(doc_type, name, sf.confidence)
                    out.append(d.finding("field_unreadable", text, [evidence_of(sf)], "LOW_CONFIDENCE"))
    for field in absent_everywhere:
        source_type = RECORD_SOURCES[field][0][0]
        ev = Evidence(field=field, doc_type=source_type)
        out.append(
            d.finding("field_unreadable", msg.field_absent_everywhere(field), [ev], "ABSENT_EVERYWHERE")
        )
    return out
