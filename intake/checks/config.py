"""What the business may tune about the rules, as data: severities, windows, required documents, thresholds.

Defaults come from domain-rules.md (HARD → blocker, SOFT → warning). `RulesConfig.from_dict` accepts the
shape of a JSON/TOML file, so an operator can change a severity without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from intake.types import Severity

__all__ = ["DEFAULT_RULES", "DEFAULT_SEVERITIES", "RulesConfig"]

B, W = Severity.BLOCKER, Severity.WARNING

DEFAULT_SEVERITIES: Mapping[str, Severity] = MappingProxyType(
    {
        # key "rule" or "rule:detail"; the most specific key wins
        "document_missing": B,
        "document_missing:PASSBOOK_NOT_SOLE_TRADER": W,
        "document_missing:ENTITY_TYPE_UNKNOWN": W,  # old tax certificate, entity type not derivable
        "field_unreadable": W,
        "field_unreadable:ABSENT_EVERYWHERE": B,
        "tax_id_invalid": B,
        "tax_id_invalid:CHECK_FAILED": W,  # clearly read USCC failing a check: registry look-up (§1.4)
        "tax_id_invalid:REPAIRABLE": W,  # an OCR confusion; the repaired code passes both checks
        "tax_id_invalid:TAX15_UNVERIFIED": W,
        "name_mismatch:FORMAT_ONLY": W,
        "name_mismatch:DIFFERENT": B,
        "name_mismatch:LIKELY_MISREAD": W,  # one character off on a contract or seal card: OCR, likely
        "name_mismatch:OCR_VARIANT": W,  # only traditional glyphs / stray punctuation differ
        "name_mismatch:UNCERTAIN_READING": W,  # the compared reading itself is doubtful
        "name_mismatch:AGREED_BY_OTHERS": W,  # a doubted certificate reading the record overrode
        "tax_id_mismatch:FORMAT_ONLY": W,
        "tax_id_mismatch:DIFFERENT": B,
        "tax_id_mismatch:LEGACY_ORG_CODE": B,
        "tax_id_mismatch:LEGACY_ID_BASED": W,  # sole trader's ID-based number next to a USCC: no link (§2.2)
        "tax_id_mismatch:UNCERTAIN_READING": W,
        "tax_id_mismatch:AGREED_BY_OTHERS": W,  # a doubted certificate reading the record overrode
        "bank_name_mismatch:FORMAT_ONLY": W,
        "bank_name_mismatch:SAME_BRANCH_DIFFERENT_SPELLING": W,
        "bank_name_mismatch:OCR_VARIANT": W,
        "bank_name_mismatch:UNCERTAIN_READING": W,
        "bank_name_mismatch:AGREED_BY_OTHERS": W,  # a doubted certificate reading the record overrode
        "bank_name_mismatch": B,
        "bank_account_mismatch": B,
        "bank_account_mismatch:UNCERTAIN_READING": W,
        "bank_account_mismatch:AGREED_BY_OTHERS": W,  # a doubted certificate reading the record overrode
        "address_mismatch:FORMAT_ONLY": W,
        "address_mismatch:PREFIX_ONLY": W,
        "address_mismatch:OCR_VARIANT": W,
        "address_mismatch:UNCERTAIN_READING": W,
        "address_mismatch:AGREED_BY_OTHERS": W,  # a doubted certificate reading the record overrode
        "address_mismatch": B,
        "phone_invalid": B,
        "phone_invalid:SERVICE_NUMBER": W,
        "phone_invalid:CONSIGNEE": W,
        "certificate_expired": B,
        "certificate_expiring": W,
        "seal_mismatch": B,
        "seal_mismatch:NO_RECEIVING_SEAL": W,
        "seal_mismatch:COUNT_UNCERTAIN": W,  # zero on one side, or a seal's kind not certain: compare by eye
        "seal_mismatch:TEXT_UNCERTAIN": W,  # a seal's legend was unreadable: a person compares them
        "consignee_id_invalid": B,
        "consignee_id_invalid:LEGACY_15": W,
        "consignee_id_invalid:BIRTHDATE_RANGE": W,
        "consignee_id_invalid:PROVINCE": W,
        "consignee_id_invalid:TERM": W,
        "deadline_at_risk": W,
        "deadline_overdue": B,
    }
)

DEFAULT_REQUIRED_DOCUMENTS: tuple[tuple[str, ...], ...] = (
    ("business_license", "tax_registration"),
    ("bank_permit", "passbook"),
    ("seal_card",),
    ("application_form",),
    ("distribution_contract",),
    ("logistics_contract",),
    ("consignee_id",),
)
"""Slots of alternatives; the first type of a slot is the one named when the slot is empty."""

DEFAULT_REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "business_license": ("customer_name", "tax_id", "address", "valid_to"),
        "tax_registration": ("customer_name", "tax_id", "address"),
        "bank_permit": ("bank_name", "bank_account"),
        "passbook": ("bank_name", "bank_account"),
        "application_form": ("tax_phone",),
        "consignee_id": ("consignee_id_number",),
    }
)


@dataclass(frozen=True)
class RulesConfig:
    severities: Mapping[str, Severity] = field(default_factory=lambda: DEFAULT_SEVERITIES)
    confidence_threshold: float = 0.6
    deadline_days: int = 7  # dossier due this many calendar days before pickup (§8.3)
    at_risk_days: int = 3  # warn this many days before the deadline
    expiring_days: int = 30  # warn when a certificate ends within this many days of the archive date
    notice_due_hours: int = 24
    required_documents: tuple[tuple[str, ...], ...] = DEFAULT_REQUIRED_DOCUMENTS
    required_fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_REQUIRED_FIELDS)
    optional_for_sole_traders: tuple[str, ...] = ("business_license.valid_to",)  # no term printed
    old_tax_certificate_until: date = date(2017, 12, 31)  # 三证合一 transition end (§9)

    def severity(self, rule: str, detail: str = "") -> Severity:
        """Severity of a finding; `rule:detail` overrides `rule`. Unknown rules are blockers (fail safe)."""
        for key in (f"{rule}:{detail}", rule):
            if key in self.severities:
                return self.severities[key]
        return Severity.BLOCKER

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RulesConfig:
        """Build from plain data (a parsed JSON/TOML file). `severities` entries are merged over the
        defaults; other keys replace the defaults. Unknown keys raise, so a typo is not silently ignored."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown rules-config keys: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "severities":
                merged = dict(DEFAULT_SEVERITIES)
                merged.update({k: Severity(v) for k, v in value.items()})
                kwargs[key] = MappingProxyType(merged)
            elif key == "required_documents":
                kwargs[key] = tuple((slot,) if isinstance(slot, str) else tuple(slot) for slot in value)
            elif key == "required_fields":
                kwargs[key] = MappingProxyType({k: tuple(v) for k, v in value.items()})
            elif key == "optional_for_sole_traders":
                kwargs[key] = tuple(value)
            elif key == "old_tax_certificate_until":
                kwargs[key] = value if isinstance(value, date) else date.fromisoformat(value)
            else:
                kwargs[key] = value
        return cls(**kwargs)


DEFAULT_RULES = RulesConfig()
