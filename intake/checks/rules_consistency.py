"""One value across documents: customer name, tax number, bank name and account, tax address.

Each record field (taken from its source certificate by `intake.record.assemble_record`) is the reference;
every other reading of the same thing on every copy of every document is compared with it through the
canonical keys of `compare`, and the finding says HOW the two differ (format only vs different).
Rule ids: `name_mismatch`, `tax_id_mismatch`, `bank_name_mismatch`, `bank_account_mismatch`,
`address_mismatch`.
"""

from __future__ import annotations

from collections.abc import Iterator

from intake.checks import messages as msg
from intake.checks.compare import NameMatch, account_key, addr_compare, bank_compare, name_compare, name_key
from intake.checks.dossier import Dossier, evidence_of, same_source
from intake.checks.identifiers import TinKind, canonical_code, classify_tin, legacy_matches_uscc
from intake.types import Finding, SourcedField

__all__ = [
    "check_addresses",
    "check_bank_accounts",
    "check_bank_names",
    "check_names",
    "check_tax_id_consistency",
]

NAME_READINGS = (
    ("business_license", "customer_name"),
    ("tax_registration", "customer_name"),
    ("application_form", "customer_name"),
    ("bank_permit", "account_holder"),
    ("seal_card", "customer_name"),
    ("distribution_contract", "customer_name"),
    ("logistics_contract", "customer_name"),
    ("pos_binding", "customer_name"),
)


def _others(d: Dossier, ref: SourcedField, readings: tuple[tuple[str, str], ...]) -> Iterator[SourcedField]:
    for doc_type, name in readings:
        for sf in d.fields(doc_type, name):
            if not same_source(sf, ref):
                yield sf


def _name_finding(d: Dossier, ref: SourcedField, sf: SourcedField, how: NameMatch) -> Finding:
    ev = [evidence_of(sf), evidence_of(ref)]
    if how is NameMatch.FORMAT_ONLY:
        text = msg.name_format_only(str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.value)
    else:
        text = msg.value_different(
            str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.name, ref.value
        )
    return d.finding("name_mismatch", text, ev, str(how))


# Documents that do not feed the invoice: a name on them differing by one character from the certificate is
# far more often a misread (晨光 read as 展光 under a seal) than a second company; a person looks at it.
_NOT_INVOICE_SOURCES = ("seal_card", "distribution_contract", "logistics_contract", "pos_binding")


def _likely_misread(sf: SourcedField, ref: SourcedField) -> bool:
    a, b = name_key(sf.value), name_key(ref.value)
    return (
        str(sf.doc_type) in _NOT_INVOICE_SOURCES
        and sf.confidence < 1.0  # read by OCR, not from a text layer
        and len(a) == len(b)
        and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    )


def check_names(d: Dossier) -> list[Finding]:
    ref = d.record.get("customer_name")
    if ref is None:
        return []
    out = []
    for sf in _others(d, ref, NAME_READINGS):
        how = name_compare(sf.value, ref.value)
        if how is NameMatch.DIFFERENT and _likely_misread(sf, ref):
            text = msg.value_different(
                str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.name, ref.value
            )
            out.append(
                d.finding(
                    "name_mismatch",
                    text + msg.LIKELY_MISREAD,
                    [evidence_of(sf), evidence_of(ref)],
                    "LIKELY_MISREAD",
                )
            )
        elif how is not NameMatch.EXACT:
            out.append(_name_finding(d, ref, sf, how))
    out.extend(_check_passbook_holder(d, ref))
    return out


def _check_passbook_holder(d: Dossier, ref: SourcedField) -> list[Finding]:
    """A sole trader's passbook is in the operator's own name: it may match the licence's 经营者 instead."""
    owners = [ref] + [
        sf for t in ("business_license", "tax_registration") for sf in d.fields(t, "legal_representative")
    ]
    out = []
    for sf in d.fields("passbook", "account_holder"):
        results = [(name_compare(sf.value, o.value), o) for o in owners]
        if any(how is NameMatch.EXACT for how, _ in results):
            continue
        fmt = next((o for how, o in results if how is NameMatch.FORMAT_ONLY), None)
        out.append(
            _name_finding(d, fmt, sf, NameMatch.FORMAT_ONLY)
            if fmt is not None
            else _name_finding(d, ref, sf, NameMatch.DIFFERENT)
        )
    return out


def _legacy_pair(a: str, b: str) -> tuple[str, str] | None:
    """(old 15-character number, USCC) when one of two codes is each, else None."""
    kinds = {classify_tin(a)[0]: a, classify_tin(b)[0]: b}
    old = kinds.get(TinKind.ORG15) or kinds.get(TinKind.TAX15_UNVERIFIED)
    uscc = kinds.get(TinKind.USCC)
    return (old, uscc) if old and uscc else None


def check_tax_id_consistency(d: Dossier) -> list[Finding]:
    """An old 15-character number next to a USCC is not a mismatch if both carry the same organisation
    code (§2.2): the enterprise re-registered; whether the old certificate is still acceptable is
    the completeness rule's question."""
    ref = d.record.get("tax_id")
    if ref is None:
        return []
    ref_code = canonical_code(ref.value)
    out = []
    readings = (
        ("business_license", "tax_id"),
        ("tax_registration", "tax_id"),
        ("application_form", "tax_id"),
    )
    for sf in _others(d, ref, readings):
        code = canonical_code(sf.value)
        ev = [evidence_of(sf), evidence_of(ref)]
        if sf.value == ref.value:
            continue
        legacy = _legacy_pair(code, ref_code)
        if legacy is not None:
            if not legacy_matches_uscc(*legacy)[0]:
                text = msg.legacy_org_code_differs(*legacy)
                out.append(d.finding("tax_id_mismatch", text, ev, "LEGACY_ORG_CODE"))
        elif code == ref_code:
            text = msg.name_format_only(str(sf.doc_type), "tax_id", sf.value, str(ref.doc_type), ref.value)
            out.append(d.finding("tax_id_mismatch", text, ev, "FORMAT_ONLY"))
        else:
            text = msg.value_different(
                str(sf.doc_type), "tax_id", sf.value, str(ref.doc_type), "tax_id", ref.value
            )
            out.append(d.finding("tax_id_mismatch", text, ev, "DIFFERENT"))
    return out


def _bank_readings(ref: SourcedField, name: str) -> tuple[tuple[str, str], ...]:
    """Copies of the source document, the application form and (for the account) the POS binding form."""
    readings = [(str(ref.doc_type), name), ("application_form", name)]
    if name == "bank_account":
        readings.append(("pos_binding", name))
    return tuple(dict.fromkeys(readings))


def check_bank_names(d: Dossier) -> list[Finding]:
    ref = d.record.get("bank_name")
    if ref is None:
        return []
    out = []
    for sf in _others(d, ref, _bank_readings(ref, "bank_name")):
        how = bank_compare(ref.value, sf.value)
        if how == "EXACT":
            continue
        text = msg.bank_name_differs(str(sf.doc_type), sf.value, str(ref.doc_type), ref.value, str(how))
        out.append(d.finding("bank_name_mismatch", text, [evidence_of(sf), evidence_of(ref)], str(how)))
    return out


def check_bank_accounts(d: Dossier) -> list[Finding]:
    """Digits only: spaces and hyphens in a printed account number are not a difference."""
    ref = d.record.get("bank_account")
    if ref is None:
        return []
    out = []
    for sf in _others(d, ref, _bank_readings(ref, "bank_account")):
        if account_key(sf.value) != account_key(ref.value):
            text = msg.value_different(
                str(sf.doc_type), "bank_account", sf.value, str(ref.doc_type), "bank_account", ref.value
            )
            out.append(
                d.finding("bank_account_mismatch", text, [evidence_of(sf), evidence_of(ref)], "DIFFERENT")
            )
    return out


def check_addresses(d: Dossier) -> list[Finding]:
    ref = d.record.get("tax_address")
    if ref is None:
        return []
    src = str(ref.doc_type)
    # copies of the source certificate, and the form; never the licence against the old tax certificate,
    # whose 注册地址 / 经营地址 may legitimately differ (domain-rules §7.2)
    readings = [(src, "address"), ("application_form", "tax_address")]
    if src == "application_form":
        readings = [("application_form", "tax_address")]
    out = []
    for sf in _others(d, ref, tuple(readings)):
        how = addr_compare(ref.value, sf.value)
        if how == "EXACT":
            continue
        detail = how.split("(")[0]
        text = msg.address_differs(str(sf.doc_type), sf.name, sf.value, src, ref.value, detail)
        out.append(d.finding("address_mismatch", text, [evidence_of(sf), evidence_of(ref)], detail))
    return out
