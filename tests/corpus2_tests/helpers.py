"""Test helpers: build every document of a dossier without scanning it, read a page's printed text back from
its display list, and find the dates it prints in any of the styles the generator uses."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from tests.corpus2.docs import bank, certs, contracts, forms, idcard
from tests.corpus2.docs.common import Ctx, Draft
from tests.corpus2.dossier import _form_values, _reserved_seals
from tests.corpus2.identity import make_identity
from tests.corpus2.sheet import Sheet, Text

CN = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def ctx_for(seed: int, sole: bool, legacy: bool, as_of: date = date(2026, 4, 12)) -> Ctx:
    rng = random.Random(seed)
    who = make_identity(rng, as_of, sole, legacy)
    seals = _reserved_seals(rng, who)
    return Ctx(
        rng=rng,
        who=who,
        as_of=as_of,
        pickup=as_of + timedelta(days=12),
        form=_form_values(who),
        seals=seals,
        contract_receiving=[s for s in seals if s.kind == "receiving"],
        consignee_id=who.consignee.id_number,
        signing=as_of - timedelta(days=3),
        authority=f"{who.city}市场监督管理局",
    )


def all_drafts(ctx: Ctx) -> list[Draft]:
    """Every layout of every document for one customer."""
    out: list[Draft] = []
    if ctx.who.legacy_cert:
        out += [certs.tax_registration(ctx) for _ in range(3)]
    elif ctx.who.sole_trader:
        out.append(certs.licence_landscape(ctx, sole=True))
    else:
        out += [certs.licence_table(ctx), certs.licence_landscape(ctx)]
    if ctx.who.passbook:
        out += [bank.passbook(ctx) for _ in range(3)]
    else:
        out += [bank.permit(ctx), bank.basic_info(ctx)]
    out += [forms.form_grid(ctx), forms.form_lines(ctx), forms.seal_card(ctx), forms.seal_card(ctx)]
    out += [idcard.consignee_copy(ctx), *contracts.distribution(ctx), *contracts.logistics(ctx)]
    return out


def page_text(sheet: Sheet) -> str:
    """The strings a page prints, in drawing order, joined without separators (so wrapped values rejoin)."""
    return "".join(op.s for op in sheet.ops if isinstance(op, Text))


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN[tens] if tens else 1) * 10 + (CN[ones] if ones else 0)
    return CN[s]


def printed_dates(text: str) -> set[str]:
    """ISO dates of everything in `text` that looks like a date."""
    out = set()
    for y, m, d in re.findall(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text):
        out.add(date(int(y), int(m), int(d)).isoformat())
    for y, m, d in re.findall(r"(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})", text):
        out.add(date(int(y), int(m), int(d)).isoformat())
    for y, m, d in re.findall(
        r"([〇一二三四五六七八九]{4})年([一二三四五六七八九十]+)月([一二三四五六七八九十]+)日", text
    ):
        out.add(date(int("".join(str(CN[c]) for c in y)), _cn_number(m), _cn_number(d)).isoformat())
    return out


def field_printed(name: str, value: str, text: str) -> bool:
    if value == "long_term":
        return "长期" in text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value in printed_dates(text)
    return value in text or value in text.replace(" ", "")
