"""Validity of certificates and the consignee's ID card against the archive date (domain-rules §8).

Rule ids: `certificate_expired` (the end date, inclusive, lies before the as-of date) and the warning
`certificate_expiring` (ends before the pickup date or within the configured number of days). A date that
cannot be a date (`2015年13月01日`) is a misread: `field_unreadable`, never "valid".
"""

from __future__ import annotations

from datetime import date, timedelta

from intake.checks import messages as msg
from intake.checks.dossier import Dossier, evidence_of
from intake.identifiers.dates import OPEN, is_expired, parse_cn_date
from intake.types import Finding, SourcedField

__all__ = ["VALIDITY_FIELDS", "check_validity", "pickup_date_of"]

VALIDITY_FIELDS = (
    ("business_license", "valid_to"),
    ("tax_registration", "valid_to"),
    ("consignee_id", "id_valid_to"),
)


def pickup_date_of(d: Dossier) -> date | None:
    """The context's pickup date, else the first readable one printed on the application form."""
    if d.ctx.pickup_date is not None:
        return d.ctx.pickup_date
    for sf in d.fields("application_form", "pickup_date"):
        try:
            parsed = parse_cn_date(sf.value)
        except ValueError:
            continue
        if isinstance(parsed, date):
            return parsed
    return None


def _one(d: Dossier, sf: SourcedField, pickup: date | None) -> list[Finding]:
    doc_type = str(sf.doc_type)
    ev = [evidence_of(sf)]
    try:
        end = parse_cn_date(sf.value)
    except ValueError:
        return [
            d.finding("field_unreadable", msg.date_unreadable(doc_type, sf.name, sf.value), ev, "BAD_DATE")
        ]
    if end is None:
        return [
            d.finding("field_unreadable", msg.date_unreadable(doc_type, sf.name, sf.value), ev, "BAD_DATE")
        ]
    as_of = d.ctx.as_of
    if is_expired(end, as_of):
        text = msg.certificate_expired(doc_type, str(end), as_of.isoformat())
        return [d.finding("certificate_expired", text, ev, "EXPIRED")]
    if end == OPEN:
        return []
    assert isinstance(end, date)
    soon = as_of + timedelta(days=d.config.expiring_days)
    limit = max(soon, pickup) if pickup else soon
    if end < limit:
        before = pickup if pickup and end < pickup else soon
        text = msg.certificate_expiring(doc_type, end.isoformat(), before.isoformat())
        return [d.finding("certificate_expiring", text, ev, "EXPIRES_SOON")]
    return []


def check_validity(d: Dossier) -> list[Finding]:
    pickup = pickup_date_of(d)
    out: list[Finding] = []
    for doc_type, name in VALIDITY_FIELDS:
        for sf in d.fields(doc_type, name):
            out.extend(_one(d, sf, pickup))
    return out
