"""Dossier cross-checks: small named rules over the extracted documents, returning findings for review.

`check_dossier` runs every rule in the order listed in `RULES` and then judges completeness-driven things
(the deadline, the missing-information notice). Pure domain code: no OCR, database or web here. The
identifier, phone and date algorithms the rules grade with live in `intake.identifiers`, below both these
rules and the OCR extractor that uses them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from intake.checks.completeness import assess_completeness
from intake.checks.config import DEFAULT_RULES, RulesConfig
from intake.checks.deadline import deadline_findings, dossier_deadline, missing_info_notice
from intake.checks.dossier import Dossier
from intake.checks.outcome import CheckOutcome, MissingInfoNotice
from intake.checks.rules_consistency import (
    check_addresses,
    check_bank_accounts,
    check_bank_names,
    check_names,
    check_tax_id_consistency,
)
from intake.checks.rules_fields import check_fields
from intake.checks.rules_identifiers import check_consignee_id, check_phones, check_tax_ids
from intake.checks.rules_seals import check_seals
from intake.checks.rules_validity import check_validity, pickup_date_of
from intake.types import CheckContext, Document, Finding, SourcedField

__all__ = ["DEFAULT_RULES", "RULES", "CheckOutcome", "MissingInfoNotice", "RulesConfig", "check_dossier"]

Rule = Callable[[Dossier], list[Finding]]

RULES: tuple[Rule, ...] = (
    check_fields,  # field_unreadable
    check_tax_ids,  # tax_id_invalid
    check_phones,  # phone_invalid
    check_consignee_id,  # consignee_id_invalid
    check_names,  # name_mismatch
    check_tax_id_consistency,  # tax_id_mismatch
    check_bank_names,  # bank_name_mismatch
    check_bank_accounts,  # bank_account_mismatch
    check_addresses,  # address_mismatch
    check_validity,  # certificate_expired, certificate_expiring
    check_seals,  # seal_mismatch
)


def check_dossier(
    documents: Sequence[Document],
    record: Mapping[str, SourcedField],
    ctx: CheckContext,
    config: RulesConfig = DEFAULT_RULES,
) -> CheckOutcome:
    dossier = Dossier(documents=tuple(documents), record=record, ctx=ctx, config=config)
    completeness, findings = assess_completeness(dossier)  # document_missing
    for rule in RULES:
        findings.extend(rule(dossier))
    deadline = dossier_deadline(pickup_date_of(dossier), config.deadline_days)
    findings.extend(deadline_findings(dossier, deadline, completeness, findings))  # deadline_*
    notice = missing_info_notice(dossier, completeness, findings)
    return CheckOutcome(findings=tuple(findings), completeness=completeness, deadline=deadline, notice=notice)
