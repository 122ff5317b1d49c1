"""Injected defects: each rule id changes what one document prints (or which documents exist, or the pickup
date) so that exactly that rule should fire; every change is recorded as a `Defect` in truth.

Without defects a dossier is clean: all checks pass, the pickup date is at least 14 days after as_of and no
certificate has expired.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from tests.synth import ids
from tests.synth.identity import TRADE_NAMES, CustomerIdentity, SealSpec, make_bank_branch, make_seal_set

RULES = (
    "name_mismatch",
    "tax_id_mismatch",
    "tax_id_invalid",
    "bank_name_mismatch",
    "bank_account_mismatch",
    "address_mismatch",
    "phone_invalid",
    "certificate_expired",
    "seal_mismatch",
    "consignee_id_invalid",
    "document_missing",
    "deadline_overdue",
    "deadline_at_risk",
)
FORM = "application_form"


@dataclass(frozen=True, slots=True)
class Defect:
    rule: str
    doc_type: str | None
    field: str | None
    note: str

    def as_json(self) -> dict[str, str | None]:
        return {"rule": self.rule, "doc_type": self.doc_type, "field": self.field, "note": self.note}


@dataclass(slots=True)
class DefectPlan:
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_type -> printed values
    missing: list[str] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    pickup_date: date | None = None

    def override(self, doc_type: str, name: str, value: Any) -> None:
        self.overrides.setdefault(doc_type, {})[name] = value


_SOLE_SWAPS = (
    ("商行", "商店"),
    ("经营部", "商行"),
    ("便利店", "超市"),
    ("超市", "便利店"),
    ("批发部", "经营部"),
    ("食品店", "食品商行"),
    ("日用品店", "日用品商行"),
    ("烟酒店", "烟酒商行"),
)


def name_variant(name: str, rng: random.Random) -> str:
    """A name that name_compare calls DIFFERENT (legal form or 贸易/商贸), not merely a format change."""
    if "有限责任公司" in name:
        return name.replace("有限责任公司", "有限公司", 1)
    if "股份有限公司" in name:
        return name.replace("股份有限公司", "有限公司", 1)
    if "贸易" in name and rng.random() < 0.5:
        return name.replace("贸易", "商贸", 1)
    if "商贸" in name and rng.random() < 0.5:
        return name.replace("商贸", "贸易", 1)
    if "有限公司" in name:
        return name.replace("有限公司", "有限责任公司", 1)
    for a, b in _SOLE_SWAPS:
        if name.endswith(a):
            return name[: -len(a)] + b
    return name + "店"


def address_variant(address: str, rng: random.Random) -> str:
    m = re.search(r"(\d+)号", address)
    if not m:
        return address + "附1号"
    n = int(m.group(1))
    new = n + rng.choice((-8, -2, 1, 2, 6, 10, 100)) if n > 10 else n + rng.choice((1, 2, 3, 8))
    return address[: m.start(1)] + str(new) + address[m.end(1) :]


def _other_tax_id(who: CustomerIdentity, rng: random.Random) -> str:
    kind = ids.tin_kind(who.tax_id)
    for _ in range(50):
        if kind == "USCC":
            other = ids.make_uscc(rng, who.tax_id[2:8], sole_trader=who.sole_trader)
        elif kind == "ORG15":
            other = ids.make_org15(rng, who.tax_id[:6])
        else:
            other = ids.make_id_number(rng, who.tax_id[:6], who.consignee.born, male=True) + "00"
        if other != who.tax_id:
            return other
    raise RuntimeError("no other tax id")


def force_business_license(who: CustomerIdentity, rng: random.Random, as_of: date) -> None:
    """Some defects live on the licence (USCC, 营业期限): give the customer one instead of a tax cert."""
    if who.certificate == "business_license":
        return
    who.certificate = "business_license"
    who.tax_id = ids.make_uscc(rng, who.adcode, sole_trader=who.sole_trader, modern=rng.random() < 0.5)
    who.valid_from, who.valid_to = who.established, "long_term"
    who.seals = make_seal_set(rng, who)


def plan_defects(
    who: CustomerIdentity, rng: random.Random, rules: tuple[str, ...] | list[str], as_of: date
) -> DefectPlan:
    """Apply the requested rule ids to the identity/overrides; unknown ids raise ValueError."""
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValueError(f"unknown defect rule(s): {unknown}; known: {RULES}")
    plan = DefectPlan(pickup_date=as_of + timedelta(days=rng.randint(14, 45)))
    requested = list(dict.fromkeys(rules))
    if "deadline_overdue" in requested and "deadline_at_risk" in requested:
        requested.remove("deadline_at_risk")  # contradictory: the deadline cannot be both passed and near
    if {"tax_id_invalid", "certificate_expired"} & set(requested):
        force_business_license(who, rng, as_of)
    touched: set[str] = set()
    for rule in requested:
        if rule == "name_mismatch":
            new = name_variant(who.customer_name, rng)
            plan.override(FORM, "customer_name", new)
            plan.defects.append(Defect(rule, FORM, "customer_name", f"{who.customer_name} -> {new}"))
            touched.add(FORM)
        elif rule == "tax_id_mismatch":
            new = _other_tax_id(who, rng)
            plan.override(FORM, "tax_id", new)
            plan.defects.append(Defect(rule, FORM, "tax_id", f"{who.tax_id} -> {new}"))
            touched.add(FORM)
        elif rule == "tax_id_invalid":
            bad = ids.corrupt_uscc(rng, who.tax_id)
            note = f"{who.tax_id} -> {bad} (check18)"
            who.tax_id = bad
            who.seals = [replace(s, number=bad) if s.number else s for s in who.seals]
            plan.defects.append(Defect(rule, "business_license", "tax_id", note))
            touched.add("business_license")
        elif rule == "bank_name_mismatch":
            new = who.bank_name
            for _ in range(50):
                branch = make_bank_branch(rng, who.city, rng.choice(who.city.districts)[0])
                prefix = who.bank_name[: len(who.bank_name) - len(_branch_of(who.bank_name))]
                new = prefix + branch
                if new != who.bank_name and _branch_of(new) != _branch_of(who.bank_name):
                    break
            plan.override(FORM, "bank_name", new)
            plan.defects.append(Defect(rule, FORM, "bank_name", f"{who.bank_name} -> {new}"))
            touched.add(FORM)
        elif rule == "bank_account_mismatch":
            acc = who.bank_account
            i = rng.randrange(len(acc) // 2, len(acc))
            new = acc[:i] + rng.choice([d for d in "0123456789" if d != acc[i]]) + acc[i + 1 :]
            plan.override(FORM, "bank_account", new)
            plan.defects.append(Defect(rule, FORM, "bank_account", f"{acc} -> {new}"))
            touched.add(FORM)
        elif rule == "address_mismatch":
            new = address_variant(who.address, rng)
            plan.override(FORM, "tax_address", new)
            plan.defects.append(Defect(rule, FORM, "tax_address", f"{who.address} -> {new}"))
            touched.add(FORM)
        elif rule == "phone_invalid":
            bad = ids.make_invalid_fixed_phone(rng, who.city.area_code)
            note = f"{who.tax_phone} -> {bad}"
            who.tax_phone = bad
            plan.defects.append(Defect(rule, FORM, "tax_phone", note))
            touched.add(FORM)
        elif rule == "certificate_expired":
            room = (as_of - who.established).days - 30
            end = as_of - timedelta(days=rng.randint(1, max(1, min(400, room))))
            who.valid_from, who.valid_to = who.established, end
            plan.defects.append(
                Defect(rule, "business_license", "valid_to", f"营业期限 ended {end.isoformat()}")
            )
            touched.add("business_license")
        elif rule == "seal_mismatch":
            card = who.receiving_seals
            if len(card) == 2:
                seals, note = [card[0]], "seal card has 2 receiving seals, logistics contract 1"
            elif rng.random() < 0.5:
                seals = [card[0], replace(card[0], label="收货专用章（2）")]
                note = "seal card has 1 receiving seal, logistics contract 2"
            else:
                other = who.customer_name
                for trade in rng.sample(TRADE_NAMES, len(TRADE_NAMES)):
                    if trade not in who.customer_name:
                        other = _replace_trade(who.customer_name, trade)
                        break
                seals = [SealSpec("receiving", other, card[0].label)]
                note = f"receiving seal text {card[0].text} -> {other}"
            plan.override("logistics_contract", "logistics_seals", seals)
            plan.defects.append(Defect(rule, "logistics_contract", "seals", note))
            touched.update(("logistics_contract", "seal_card"))
        elif rule == "consignee_id_invalid":
            bad = ids.corrupt_id_number(who.consignee.id_number)
            plan.override("consignee_id", "consignee_id_number", bad)
            plan.defects.append(
                Defect(
                    rule,
                    "consignee_id",
                    "consignee_id_number",
                    f"{who.consignee.id_number} -> {bad} (check char)",
                )
            )
            touched.add("consignee_id")
    deadline = next((r for r in requested if r in ("deadline_overdue", "deadline_at_risk")), None)
    if "document_missing" in requested or deadline:
        bank_doc = "passbook" if who.bank_proof == "passbook" else "bank_permit"
        candidates = [
            d
            for d in (
                "seal_card",
                "distribution_contract",
                "logistics_contract",
                "consignee_id",
                "seal_card",
                "distribution_contract",
                bank_doc,
            )
            if d not in touched
        ]
        if not candidates:
            candidates = ["distribution_contract"]
        gone = rng.choice(candidates)
        plan.missing.append(gone)
        plan.defects.append(Defect("document_missing", gone, None, f"{gone} left out"))
    if deadline == "deadline_overdue":
        plan.pickup_date = as_of + timedelta(days=rng.randint(1, 6))
        plan.defects.append(
            Defect(
                deadline,
                None,
                "pickup_date",
                f"deadline {(plan.pickup_date - timedelta(days=7)).isoformat()} before as_of",
            )
        )
    elif deadline == "deadline_at_risk":
        plan.pickup_date = as_of + timedelta(days=rng.randint(7, 10))
        plan.defects.append(
            Defect(
                deadline,
                None,
                "pickup_date",
                f"deadline {(plan.pickup_date - timedelta(days=7)).isoformat()} within 3 days",
            )
        )
    return plan


def _branch_of(bank_name: str) -> str:
    for suffix in ("股份有限公司", "有限责任公司", "有限公司"):
        if suffix in bank_name:
            return bank_name.split(suffix, 1)[1]
    m = re.search(r"银行(.*)$", bank_name)
    return m.group(1) if m else bank_name


def _replace_trade(name: str, trade: str) -> str:
    for old in TRADE_NAMES:
        if old in name:
            return name.replace(old, trade, 1)
    return trade + name
