"""Each defect changes exactly what it says, in the document it names, and nothing more."""

import random
from datetime import date, timedelta

import pytest

from tests.synth import ids
from tests.synth.defects import RULES, name_variant, plan_defects
from tests.synth.docs import RENDERERS, Ctx
from tests.synth.identity import make_identity

AS_OF = date(2025, 11, 20)


def _setup(rule: str, seed: int):
    rng = random.Random(seed)
    who = make_identity(rng, AS_OF)
    clean_name, clean_tax, clean_addr = who.customer_name, who.tax_id, who.address
    plan = plan_defects(who, rng, (rule,), AS_OF)
    who.pickup_date = plan.pickup_date
    return who, plan, (clean_name, clean_tax, clean_addr)


def _render(who, plan, doc_type: str, seed: int = 0) -> dict[str, str]:
    doc = RENDERERS[doc_type](
        Ctx(who, random.Random(seed), as_of=AS_OF, over=plan.overrides.get(doc_type, {}))
    )
    fields: dict[str, str] = {}
    for t in doc.truth:
        fields.update(t.fields)
    return fields


def _key(s: str) -> str:
    return s.replace("（", "(").replace("）", ")").replace(" ", "")


@pytest.mark.parametrize("seed", range(8))
def test_form_mismatches_differ_from_the_source_documents(seed: int) -> None:
    for rule, field in (("name_mismatch", "customer_name"), ("tax_id_mismatch", "tax_id"),
                        ("bank_name_mismatch", "bank_name"), ("bank_account_mismatch", "bank_account"),
                        ("address_mismatch", "tax_address")):  # fmt: skip
        who, plan, _ = _setup(rule, seed)
        form = _render(who, plan, "application_form")
        assert _key(form[field]) != _key(getattr(who, field)), rule
        assert [d.rule for d in plan.defects] == [rule]
        assert plan.defects[0].doc_type == "application_form" and plan.defects[0].field == field
        others = {"customer_name", "tax_id", "bank_name", "bank_account", "tax_address"} - {field}
        assert all(form[o] == getattr(who, o) for o in others), rule
        if rule == "tax_id_mismatch":
            assert ids.tin_kind(form["tax_id"]) != "UNKNOWN"
        if rule == "bank_account_mismatch":
            diff = [a != b for a, b in zip(form["bank_account"], who.bank_account, strict=True)]
            assert sum(diff) == 1


def test_name_variants_change_the_legal_form_or_trade_word() -> None:
    assert name_variant("北京某某科技有限公司", random.Random(0)) == "北京某某科技有限责任公司"
    assert name_variant("杭州某某贸易有限责任公司", random.Random(0)) == "杭州某某贸易有限公司"
    assert name_variant("西湖区鑫源商行", random.Random(0)) == "西湖区鑫源商店"


@pytest.mark.parametrize("seed", range(6))
def test_tax_id_invalid_is_printed_on_the_licence_and_fails_check18(seed: int) -> None:
    who, plan, _ = _setup("tax_id_invalid", seed)
    lic = _render(who, plan, "business_license")
    form = _render(who, plan, "application_form")
    assert who.certificate == "business_license"
    assert ids.uscc_errors(lic["tax_id"]) == ["check18"]
    assert form["tax_id"] == lic["tax_id"]


@pytest.mark.parametrize("seed", range(6))
def test_expired_certificate_ends_before_as_of(seed: int) -> None:
    who, plan, _ = _setup("certificate_expired", seed)
    lic = _render(who, plan, "business_license")
    assert date.fromisoformat(lic["valid_to"]) < AS_OF
    assert date.fromisoformat(lic["valid_to"]) > who.established


@pytest.mark.parametrize("seed", range(6))
def test_phone_and_consignee_id_defects_are_invalid(seed: int) -> None:
    who, plan, _ = _setup("phone_invalid", seed)
    assert not ids.phone_valid(_render(who, plan, "application_form")["tax_phone"])
    who, plan, _ = _setup("consignee_id_invalid", seed)
    number = _render(who, plan, "consignee_id")["consignee_id_number"]
    assert ids.id_errors(number, AS_OF) == ["check"]
    assert number[:17] == who.consignee.id_number[:17]


@pytest.mark.parametrize("seed", range(8))
def test_seal_mismatch_changes_the_logistics_receiving_seals(seed: int) -> None:
    who, plan, _ = _setup("seal_mismatch", seed)
    doc = RENDERERS["logistics_contract"](Ctx(who, random.Random(0), as_of=AS_OF,
                                              over=plan.overrides["logistics_contract"]))  # fmt: skip
    on_contract = [s for s in doc.truth[-1].seals if s.kind == "receiving"]
    on_card = RENDERERS["seal_card"](Ctx(who, random.Random(0), as_of=AS_OF)).truth[0].seals
    card_receiving = [s for s in on_card if s.kind == "receiving"]
    assert [(s.text, s.label) for s in on_contract] != [(s.text, s.label) for s in card_receiving]


@pytest.mark.parametrize("seed", range(6))
def test_deadline_defects_set_pickup_and_leave_a_document_out(seed: int) -> None:
    _, plan, _ = _setup("deadline_overdue", seed)
    assert plan.pickup_date - timedelta(days=7) < AS_OF and len(plan.missing) == 1
    assert {d.rule for d in plan.defects} == {"deadline_overdue", "document_missing"}
    _, plan, _ = _setup("deadline_at_risk", seed)
    deadline = plan.pickup_date - timedelta(days=7)
    assert AS_OF <= deadline <= AS_OF + timedelta(days=3) and len(plan.missing) == 1
    _, plan, _ = _setup("document_missing", seed)
    assert plan.pickup_date >= AS_OF + timedelta(days=14) and len(plan.missing) == 1


def test_no_defects_means_a_clean_plan_and_unknown_rules_are_refused() -> None:
    rng = random.Random(1)
    who = make_identity(rng, AS_OF)
    plan = plan_defects(who, rng, (), AS_OF)
    assert not plan.defects and not plan.missing and not plan.overrides
    assert plan.pickup_date >= AS_OF + timedelta(days=14)
    with pytest.raises(ValueError, match="unknown defect"):
        plan_defects(who, rng, ("no_such_rule",), AS_OF)
    assert len(RULES) == 13
