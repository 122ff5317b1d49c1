"""Every truth value of every layout is really printed on its page, in the contract's canonical form."""

import re
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from tests.corpus2.docs.common import cn_date
from tests.corpus2.sheet import Stamp
from tests.corpus2_tests.helpers import all_drafts, ctx_for, field_printed, page_text, printed_dates

KINDS = [(11, False, False), (12, True, False), (13, True, True), (14, False, False), (15, True, True)]


@pytest.mark.parametrize(("seed", "sole", "legacy"), KINDS)
def test_every_truth_field_is_printed(seed: int, sole: bool, legacy: bool) -> None:
    ctx = ctx_for(seed, sole, legacy)
    for d in all_drafts(ctx):
        text = page_text(d.sheet)
        for name, value in d.fields.items():
            assert field_printed(name, value, text), (d.doc_type, name, value, text[:300])


@pytest.mark.parametrize(("seed", "sole", "legacy"), KINDS)
def test_identity_is_consistent_and_checks_pass(seed: int, sole: bool, legacy: bool) -> None:
    ctx = ctx_for(seed, sole, legacy)
    who = ctx.who
    if legacy:
        assert len(who.tax_id) in (18, 20) and who.tax_id[:18] == who.rep.id_number
    else:
        assert uscc.is_valid(who.tax_id) and who.tax_id[:2] == ("92" if sole else "91")
    for p in (who.consignee, who.rep, who.contact):
        assert ric.is_valid(p.id_number), p.id_number  # check digit, date and county code of its time
    for d in all_drafts(ctx):
        for name in ("customer_name", "account_holder"):
            if name in d.fields and d.doc_type != "passbook":
                assert d.fields[name] == who.name, (d.doc_type, name)
        if "tax_id" in d.fields:
            assert d.fields["tax_id"] == who.tax_id
        if "bank_account" in d.fields:
            assert d.fields["bank_account"] == who.bank_account


def test_contract_last_pages_hold_both_parties_and_seals() -> None:
    ctx = ctx_for(21, False, False)
    from tests.corpus2.docs import contracts

    for pages, recv in (
        (contracts.distribution(ctx), 0),
        (contracts.logistics(ctx), ctx.who.receiving_seals),
    ):
        assert len(pages) >= 2
        last = pages[-1]
        text = page_text(last.sheet)
        assert "甲方（盖章）" in text and "乙方（盖章）" in text
        total = len(pages)
        assert re.search(rf"第\s*{total}\s*页.*共\s*{total}\s*页|- {total} / {total} -", text)
        kinds = last.seals
        assert kinds.count("company") >= 1 and kinds.count("receiving") == recv
        assert all(p.seals == [] for p in pages[:-1])
    logi_text = "".join(page_text(p.sheet) for p in contracts.logistics(ctx))
    assert "收货专用章" in logi_text and "预留印鉴" in logi_text
    assert f"乙方指定收货人：{ctx.who.consignee.name}，联系电话：{ctx.who.consignee_phone}" in logi_text


def test_form_notes_quote_the_labels() -> None:
    from tests.corpus2.docs import forms

    text = page_text(forms.form_grid(ctx_for(30, False, False)).sheet)
    assert "“开户银行”" in text and "“税务地址”" in text


def test_id_copy_carries_a_receiving_seal_only() -> None:
    from tests.corpus2.docs import idcard

    d = idcard.consignee_copy(ctx_for(31, True, False))
    assert d.seals == ["receiving"] and any(isinstance(op, Stamp) for op in d.sheet.ops)


def test_chinese_numeral_dates_round_trip() -> None:
    for d in (date(2018, 6, 12), date(2020, 2, 29), date(2015, 12, 31), date(2009, 10, 20)):
        assert printed_dates(cn_date(d)) == {d.isoformat()}
    assert cn_date(date(2018, 6, 12)) == "二〇一八年六月十二日"
