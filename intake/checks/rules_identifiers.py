"""Rules on single identifiers: tax numbers, the tax phone, the consignee's ID number.

Rule ids: `tax_id_invalid`, `phone_invalid`, `consignee_id_invalid`. A failed check on a clearly read USCC is
a warning asking for a registry look-up (some real codes fail, domain-rules §1.4), never a silent pass.
"""

from __future__ import annotations

from intake.checks import messages as msg
from intake.checks.dossier import Dossier, evidence_of
from intake.identifiers.codes import (
    PROVINCES,
    USCC_RE,
    TinKind,
    canonical_code,
    classify_tin,
    id_birth_date,
    id_errors,
    uscc_repair,
)
from intake.identifiers.dates import OPEN, id_term_problems, parse_cn_date
from intake.identifiers.phones import PhoneKind, parse_phone
from intake.types import Document, Finding

__all__ = ["check_consignee_id", "check_phones", "check_tax_ids"]

TAX_ID_DOCS = ("business_license", "tax_registration", "application_form")


def check_tax_ids(d: Dossier) -> list[Finding]:
    out: list[Finding] = []
    for doc_type in TAX_ID_DOCS:
        for sf in d.fields(doc_type, "tax_id"):
            code = canonical_code(sf.value)
            kind, _problems = classify_tin(code)
            if kind not in (TinKind.UNKNOWN, TinKind.TAX15_UNVERIFIED):
                continue
            ev = [evidence_of(sf)]
            repaired = uscc_repair(code)
            if repaired is not None and repaired != code:
                out.append(
                    d.finding(
                        "tax_id_invalid",
                        msg.tax_id_repairable(doc_type, sf.value, repaired),
                        ev,
                        "REPAIRABLE",
                    )
                )
            elif kind is TinKind.TAX15_UNVERIFIED:
                out.append(
                    d.finding(
                        "tax_id_invalid", msg.tax_id_unverified(doc_type, sf.value), ev, "TAX15_UNVERIFIED"
                    )
                )
            elif len(code) == 18 and USCC_RE.fullmatch(code):
                out.append(
                    d.finding(
                        "tax_id_invalid", msg.tax_id_check_failed(doc_type, sf.value), ev, "CHECK_FAILED"
                    )
                )
            else:
                out.append(
                    d.finding("tax_id_invalid", msg.tax_id_malformed(doc_type, sf.value), ev, "MALFORMED")
                )
    return out


def _phone_finding(d: Dossier, doc_type: str, name: str, *, soft: bool) -> list[Finding]:
    out: list[Finding] = []
    for sf in d.fields(doc_type, name):
        kind = parse_phone(sf.value).kind
        ev = [evidence_of(sf)]
        if kind in (PhoneKind.MOBILE, PhoneKind.FIXED):
            continue
        if kind in (PhoneKind.SERVICE_400, PhoneKind.TOLLFREE_800):
            out.append(
                d.finding(
                    "phone_invalid", msg.phone_service_number(doc_type, name, sf.value), ev, "SERVICE_NUMBER"
                )
            )
        else:
            detail = "CONSIGNEE" if soft else "INVALID"
            out.append(d.finding("phone_invalid", msg.phone_invalid(doc_type, name, sf.value), ev, detail))
    return out


def check_phones(d: Dossier) -> list[Finding]:
    """The tax phone goes on the invoice (blocker); the consignee's phone is only needed to call (warning)."""
    return _phone_finding(d, "application_form", "tax_phone", soft=False) + _phone_finding(
        d, "consignee_id", "consignee_phone", soft=True
    )


def _id_text(problems: list[str]) -> str:
    return "、".join(msg.ID_PROBLEM_TEXT.get(p, p) for p in problems)


def check_consignee_id(d: Dossier) -> list[Finding]:
    out: list[Finding] = []
    for doc in d.of_type("consignee_id"):
        sf = doc.fields.get("consignee_id_number")
        if sf is None or not sf.value.strip():
            continue  # field_unreadable reports it
        ev = [evidence_of(sf)]
        number = canonical_code(sf.value)
        errors = id_errors(number, d.ctx.as_of)
        hard = [e for e in errors if e != "birthdate-range"]
        if hard:
            out.append(
                d.finding(
                    "consignee_id_invalid",
                    msg.consignee_id_invalid(sf.value, _id_text(hard)),
                    ev,
                    ",".join(hard),
                )
            )
            continue
        if "birthdate-range" in errors:
            out.append(
                d.finding(
                    "consignee_id_invalid",
                    msg.consignee_id_soft(sf.value, msg.ID_PROBLEM_TEXT["birthdate-range"]),
                    ev,
                    "BIRTHDATE_RANGE",
                )
            )
        if len(number) == 15:
            out.append(
                d.finding(
                    "consignee_id_invalid",
                    msg.consignee_id_soft(sf.value, msg.ID_PROBLEM_TEXT["legacy15"]),
                    ev,
                    "LEGACY_15",
                )
            )
        if number[:2] not in PROVINCES:
            out.append(
                d.finding(
                    "consignee_id_invalid",
                    msg.consignee_id_soft(sf.value, msg.ID_PROBLEM_TEXT["province"]),
                    ev,
                    "PROVINCE",
                )
            )
        out.extend(_term_findings(d, doc, number))
    return out


def _term_findings(d: Dossier, doc: Document, number: str) -> list[Finding]:
    start_sf, end_sf = doc.fields.get("id_valid_from"), doc.fields.get("id_valid_to")
    birth = id_birth_date(number)
    if start_sf is None or end_sf is None or birth is None:
        return []
    try:
        start, end = parse_cn_date(start_sf.value), parse_cn_date(end_sf.value)
    except ValueError:
        return []  # an impossible date is reported by the validity rule
    if start is None or start == OPEN or end is None:
        return []
    problems = id_term_problems(birth, start, end)
    if not problems:
        return []
    return [
        d.finding(
            "consignee_id_invalid",
            msg.consignee_id_soft(number, "有效期限与年龄不符（" + "；".join(problems) + "）"),
            [evidence_of(start_sf), evidence_of(end_sf)],
            "TERM",
        )
    ]
