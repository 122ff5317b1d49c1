"""One value across documents: customer name, tax number, bank name and account, tax address.

Each record field (taken from its source certificate by `intake.record.assemble_record`) is the reference;
every other reading of the same thing on every copy of every document is compared with it through the
canonical keys of `compare`, and the finding says HOW the two differ (format only vs different).
Rule ids: `name_mismatch`, `tax_id_mismatch`, `bank_name_mismatch`, `bank_account_mismatch`,
`address_mismatch`.

Two ways OCR makes a difference that is not one: traditional glyphs and stray punctuation (compare class
OCR_VARIANT, a warning showing both values), and a reading the extractor itself doubted (confidence below
the configured threshold): a difference that would block is then a warning "读取不确定" with both values —
unless the doubtful value is the reference itself, i.e. what the invoice would carry.
"""

from __future__ import annotations

from collections.abc import Iterator

from intake.checks import messages as msg
from intake.checks.compare import (
    NameMatch,
    account_key,
    addr_compare,
    bank_compare,
    looks_like_bank_name,
    name_compare,
    seal_key,
)
from intake.checks.dossier import Dossier, evidence_of, same_source
from intake.identifiers.codes import (
    ID_BASED_TIN_KINDS,
    TinKind,
    canonical_code,
    classify_tin,
    legacy_matches_uscc,
)
from intake.types import Finding, Severity, SourcedField

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


def _doubtful(d: Dossier, sf: SourcedField, ref: SourcedField) -> bool:
    """The compared reading is one the extractor doubted and the reference (the invoice's value) is not; or
    the reference itself was doubted and differs from a sure reading by one character only — the character
    the reader hesitated over (石家庄 read 石家产 at 0.3). A wider difference from a doubted reference
    still blocks: the invoice would carry it."""
    threshold = d.config.confidence_threshold
    if sf.confidence < threshold <= ref.confidence:
        return True
    return ref.confidence < threshold <= sf.confidence and _one_substitution(sf.value, ref.value)


def _overridden(sf: SourcedField, ref: SourcedField) -> bool:
    """The record carries another value for this very reading: the certificate was read doubtfully and
    other documents agreed on a value one character away (intake.record)."""
    return (sf.file, sf.page, str(sf.doc_type), sf.bbox) == (ref.file, ref.page, str(ref.doc_type), ref.bbox)


def _one_substitution(a: str, b: str) -> bool:
    ka, kb = seal_key(a), seal_key(b)
    return len(ka) == len(kb) and sum(x != y for x, y in zip(ka, kb, strict=True)) == 1


def _finding(d: Dossier, rule: str, sf: SourcedField, ref: SourcedField, text: str, detail: str) -> Finding:
    """The finding for a difference, or "读取不确定" when it would block on a doubted reading."""
    ev = [evidence_of(sf), evidence_of(ref)]
    if _overridden(sf, ref):
        text = msg.agreed_by_others(str(sf.doc_type), sf.name, sf.value, sf.confidence, ref.value)
        return d.finding(rule, text, ev, "AGREED_BY_OTHERS")
    if _doubtful(d, sf, ref) and d.config.severity(rule, detail) is Severity.BLOCKER:
        text = msg.uncertain_reading(
            str(sf.doc_type), sf.name, sf.value, sf.confidence, str(ref.doc_type), ref.name, ref.value
        )
        return d.finding(rule, text, ev, "UNCERTAIN_READING")
    return d.finding(rule, text, ev, detail)


def _name_finding(d: Dossier, ref: SourcedField, sf: SourcedField, how: NameMatch) -> Finding:
    if how is NameMatch.FORMAT_ONLY:
        text = msg.name_format_only(str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.value)
    elif how is NameMatch.OCR_VARIANT:
        text = msg.ocr_variant(str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.name, ref.value)
    else:
        text = msg.value_different(
            str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.name, ref.value
        )
    return _finding(d, "name_mismatch", sf, ref, text, str(how))


# Documents that do not feed the invoice: a name on them differing by one character from the certificate is
# far more often a misread (晨光 read as 展光 under a seal) than a second company; a person looks at it.
_NOT_INVOICE_SOURCES = ("seal_card", "distribution_contract", "logistics_contract", "pos_binding")


def _likely_misread(sf: SourcedField, ref: SourcedField) -> bool:
    """One character misread, or characters lost under a seal stamped over the name (文雨家电门市部 for
    槐荫区钟文雨家电门市部): what was read is all in the certificate's name, in order."""
    a, b = seal_key(sf.value), seal_key(ref.value)
    if str(sf.doc_type) not in _NOT_INVOICE_SOURCES or sf.confidence >= 1.0:  # 1.0: a PDF's text layer
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    return len(b) > len(a) >= max(4, (len(b) * 3 + 4) // 5) and _subsequence(a, b)


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(ch in rest for ch in short)


def check_names(d: Dossier) -> list[Finding]:
    ref = d.record.get("customer_name")
    if ref is None:
        return []
    out = []
    for sf in _others(d, ref, NAME_READINGS):
        how = name_compare(sf.value, ref.value)
        if how is not NameMatch.EXACT and _overridden(sf, ref):
            out.append(_name_finding(d, ref, sf, how))
        elif how is NameMatch.DIFFERENT and _likely_misread(sf, ref):
            text = msg.value_different(
                str(sf.doc_type), sf.name, sf.value, str(ref.doc_type), ref.name, ref.value
            )
            out.append(
                d.finding(
                    "name_mismatch",
                    text
                    + (
                        msg.LIKELY_MISREAD
                        if len(seal_key(sf.value)) == len(seal_key(ref.value))
                        else msg.PARTLY_HIDDEN
                    ),
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
        near = next(
            (
                (how, o)
                for wanted in (NameMatch.FORMAT_ONLY, NameMatch.OCR_VARIANT)
                for how, o in results
                if how is wanted
            ),
            None,
        )
        out.append(
            _name_finding(d, near[1], sf, near[0])
            if near is not None
            else _name_finding(d, ref, sf, NameMatch.DIFFERENT)
        )
    return out


def _id_based_pair(a: str, b: str) -> tuple[str, str] | None:
    """(ID-based legacy number, 92 USCC) when one code is each: a sole trader's old number and new code.
    Next to an enterprise's (91) code an ID-based number is another taxpayer, not a pair."""
    kinds = {classify_tin(a)[0]: a, classify_tin(b)[0]: b}
    old = next((code for kind, code in kinds.items() if kind in ID_BASED_TIN_KINDS), None)
    uscc = kinds.get(TinKind.USCC)
    return (old, uscc) if old and uscc and uscc.startswith("92") else None


def _legacy_pair(a: str, b: str) -> tuple[str, str] | None:
    """(old 15-character number, USCC) when one of two codes is each, else None."""
    kinds = {classify_tin(a)[0]: a, classify_tin(b)[0]: b}
    old = kinds.get(TinKind.ORG15) or kinds.get(TinKind.TAX15_UNVERIFIED)
    uscc = kinds.get(TinKind.USCC)
    return (old, uscc) if old and uscc else None


def check_tax_id_consistency(d: Dossier) -> list[Finding]:
    """An old 15-character number next to a USCC is not a mismatch if both carry the same organisation
    code (§2.2): the enterprise re-registered; whether the old certificate is still acceptable is
    the completeness rule's question. A sole trader's ID-based number next to its USCC cannot be linked
    by arithmetic at all (§2.2): a registry look-up, a warning."""
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
        if sf.value == ref.value:
            continue
        legacy = _legacy_pair(code, ref_code)
        id_based = _id_based_pair(code, ref_code)
        if legacy is not None:
            if not legacy_matches_uscc(*legacy)[0]:
                text = msg.legacy_org_code_differs(*legacy)
                out.append(_finding(d, "tax_id_mismatch", sf, ref, text, "LEGACY_ORG_CODE"))
        elif id_based is not None:
            text = msg.legacy_id_based_vs_uscc(*id_based)
            out.append(_finding(d, "tax_id_mismatch", sf, ref, text, "LEGACY_ID_BASED"))
        elif code == ref_code:
            text = msg.name_format_only(str(sf.doc_type), "tax_id", sf.value, str(ref.doc_type), ref.value)
            out.append(_finding(d, "tax_id_mismatch", sf, ref, text, "FORMAT_ONLY"))
        else:
            text = msg.value_different(
                str(sf.doc_type), "tax_id", sf.value, str(ref.doc_type), "tax_id", ref.value
            )
            out.append(_finding(d, "tax_id_mismatch", sf, ref, text, "DIFFERENT"))
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
        if looks_like_bank_name(ref.value) and not looks_like_bank_name(sf.value):
            # not of a bank name's shape: a misread (a label quoted in a note), not another bank
            text = msg.not_a_bank_name(str(sf.doc_type), sf.value, str(ref.doc_type), ref.value)
            ev = [evidence_of(sf), evidence_of(ref)]
            out.append(d.finding("bank_name_mismatch", text, ev, "UNCERTAIN_READING"))
            continue
        text = msg.bank_name_differs(str(sf.doc_type), sf.value, str(ref.doc_type), ref.value, str(how))
        out.append(_finding(d, "bank_name_mismatch", sf, ref, text, str(how)))
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
            out.append(_finding(d, "bank_account_mismatch", sf, ref, text, "DIFFERENT"))
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
        out.append(_finding(d, "address_mismatch", sf, ref, text, detail))
    return out
