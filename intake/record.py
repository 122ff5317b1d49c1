"""The six invoice-critical fields of a dossier, each taken from the document that is its source of truth.

customer_name, tax_id and tax_address come from the business licence (else the old tax registration
certificate; the certificate's `address` is reported as `tax_address`); bank_name and bank_account from the
bank permit (else the passbook); tax_phone from the application form. When the source is absent or lacks the
field, the application form's value fills in so the record is as complete as possible — the checks then flag
the missing source. Values are kept exactly as printed: the invoice must carry the certificate's string.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from intake.types import RECORD_FIELDS, Document, SourcedField

__all__ = ["RECORD_SOURCES", "assemble_record"]

RECORD_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "customer_name": (("business_license", "customer_name"), ("tax_registration", "customer_name")),
    "tax_id": (("business_license", "tax_id"), ("tax_registration", "tax_id")),
    "tax_address": (("business_license", "address"), ("tax_registration", "address")),
    "bank_name": (("bank_permit", "bank_name"), ("passbook", "bank_name")),
    "bank_account": (("bank_permit", "bank_account"), ("passbook", "bank_account")),
    "tax_phone": (("application_form", "tax_phone"),),
}
"""Record field → (doc_type, field name) in order of preference; the application form is the last resort."""


def _best(documents: Sequence[Document], doc_type: str, name: str) -> SourcedField | None:
    """The most confident non-empty reading among the copies of one document type (first wins a tie)."""
    best: SourcedField | None = None
    for doc in documents:
        if str(doc.doc_type) != doc_type:
            continue
        sf = doc.fields.get(name)
        if sf is not None and sf.value.strip() and (best is None or sf.confidence > best.confidence):
            best = sf
    return best


def assemble_record(
    documents: Sequence[Document], *, doubtful_below: float = 0.8, sure: float = 0.9
) -> dict[str, SourcedField]:
    """Record fields in contract order; a field no document carries is left out.

    A source reading the reader was not sure of (below ``doubtful_below``) that differs by one character
    from what two or more other documents, read surely (``sure``), agree on is taken to be a misread of that
    character: the record carries their value, still pointing at the certificate (the checks say so as a
    warning and the reviewer confirms it on the page)."""
    record: dict[str, SourcedField] = {}
    for field in RECORD_FIELDS:
        candidates = (*RECORD_SOURCES[field], ("application_form", field))
        for doc_type, name in candidates:
            sf = _best(documents, doc_type, name)
            if sf is not None:
                sf = sf if sf.name == field else dataclasses.replace(sf, name=field)
                if sf.confidence < doubtful_below:
                    sf = _agreed(documents, sf, field, max(sure, sf.confidence)) or sf
                record[field] = sf
                break
    return record


# Where else a record field is printed: (doc_type, field name)
OTHER_READINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "customer_name": (
        ("application_form", "customer_name"),
        ("seal_card", "customer_name"),
        ("bank_permit", "account_holder"),
        ("distribution_contract", "customer_name"),
        ("logistics_contract", "customer_name"),
        ("pos_binding", "customer_name"),
    ),
    "tax_id": (("application_form", "tax_id"),),
    "tax_address": (("application_form", "tax_address"),),
    "bank_name": (("application_form", "bank_name"), ("pos_binding", "bank_name")),
    "bank_account": (("application_form", "bank_account"), ("pos_binding", "bank_account")),
}


def _agreed(
    documents: Sequence[Document], source: SourcedField, field: str, sure: float
) -> SourcedField | None:
    values: dict[str, list[SourcedField]] = {}
    for doc in documents:
        for doc_type, name in OTHER_READINGS.get(field, ()):
            sf = doc.fields.get(name) if str(doc.doc_type) == doc_type else None
            if sf is not None and sf.confidence >= sure and _one_apart(sf.value, source.value):
                values.setdefault(sf.value, []).append(sf)
    agreed = [v for v, readings in values.items() if len({(r.file, r.page) for r in readings}) >= 2]
    if len(agreed) != 1:
        return None
    # as sure as the least sure of the readings that agree: the certificate's own reading, compared with it,
    # is then the doubted one and the checks ask the reviewer to confirm it on the page
    confidence = min(r.confidence for r in values[agreed[0]])
    return dataclasses.replace(source, value=agreed[0], confidence=confidence)


def _one_apart(a: str, b: str) -> bool:
    """Same length, one character different (whitespace aside)."""
    a, b = "".join(a.split()), "".join(b.split())
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
