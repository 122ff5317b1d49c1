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


def assemble_record(documents: Sequence[Document]) -> dict[str, SourcedField]:
    """Record fields in contract order; a field no document carries is left out."""
    record: dict[str, SourcedField] = {}
    for field in RECORD_FIELDS:
        candidates = (*RECORD_SOURCES[field], ("application_form", field))
        for doc_type, name in candidates:
            sf = _best(documents, doc_type, name)
            if sf is not None:
                record[field] = sf if sf.name == field else dataclasses.replace(sf, name=field)
                break
    return record
