"""Injected defects: each changes what one document prints (never the source of truth for the record) and is
recorded with the rule id the pipeline must raise."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date, timedelta

from tests.corpus2 import ids
from tests.corpus2.identity import BRANCH_WORDS, TRADE_WORDS, Identity
from tests.corpus2.seals import Seal

RULES = (
    "name_mismatch",
    "tax_id_mismatch",
    "bank_account_mismatch",
    "bank_name_mismatch",
    "address_mismatch",
    "phone_invalid",
    "certificate_expired",
    "seal_mismatch",
    "consignee_id_invalid",
    "document_missing",
)


def pick_rule(rng: random.Random, who: Identity) -> str:
    rules = [r for r in RULES if not (r == "certificate_expired" and who.sole_trader)]
    return rng.choice(rules)


def other_name(rng: random.Random, name: str) -> str:
    """The name with one character changed inside its trade word (联锦 → 联棉 style)."""
    pool = "".join(TRADE_WORDS) + "金鑫源达华"
    for word in TRADE_WORDS:
        if word in name:
            i = name.index(word) + rng.randrange(len(word))
            ch = rng.choice([c for c in pool if c != name[i]])
            return name[:i] + ch + name[i + 1 :]
    i = len(name) // 2
    return name[:i] + rng.choice([c for c in pool if c != name[i]]) + name[i + 1 :]


def other_tax_id(rng: random.Random, tax_id: str) -> str:
    i = rng.randrange(9, 15)
    while tax_id[i] == tax_id[i + 1]:
        i = rng.randrange(2, 16)
    return tax_id[:i] + tax_id[i + 1] + tax_id[i] + tax_id[i + 2 :]


def other_account(rng: random.Random, account: str) -> str:
    i = rng.randrange(4, len(account) - 2)
    return account[:i] + str((int(account[i]) + rng.randrange(1, 9)) % 10) + account[i + 1 :]


def other_branch(rng: random.Random, bank: str) -> str:
    for word in BRANCH_WORDS:
        if word + "支行" in bank:
            return bank.replace(word + "支行", rng.choice([w for w in BRANCH_WORDS if w != word]) + "支行")
    m = re.search(r"([^市]+区)支行$", bank)
    if m:
        return bank[: m.start(1)] + rng.choice(BRANCH_WORDS) + "支行"
    return bank[:-2] + "营业部"


def other_house(rng: random.Random, address: str) -> str:
    m = re.search(r"(\d+)号", address)
    assert m, address
    n = int(m.group(1))
    return address[: m.start(1)] + str(n + rng.choice((1, 2, 10, -1 if n > 1 else 3))) + address[m.end(1) :]


def expire(rng: random.Random, who: Identity, as_of: date) -> Identity:
    """A licence whose 营业期限 ended before the dossier arrived."""
    end = as_of - timedelta(days=rng.randrange(5, 300))
    start = date(end.year - 10, end.month, min(end.day, 28)) + timedelta(days=1)
    return replace(who, valid_to=end, established=start, account_opened=start + timedelta(days=40))


def mismatched_receiving(rng: random.Random, seals: list[Seal], who: Identity) -> tuple[list[Seal], str]:
    """The logistics contract's receiving seals: one too few / too many, or one carrying another name."""
    recv = [s for s in seals if s.kind == "receiving"]
    r = rng.random()
    if r < 0.35 and len(recv) == 2:
        return recv[:1], "logistics contract carries 1 receiving seal, seal card 2"
    if r < 0.7:
        extra = Seal("receiving", who.name, "收货专用章（2）" if len(recv) == 1 else "收货专用章（3）")
        return [
            *recv,
            extra,
        ], f"logistics contract carries {len(recv) + 1} receiving seals, seal card {len(recv)}"
    wrong = other_name(rng, who.name)
    return [Seal("receiving", wrong, recv[0].label), *recv[1:]], f"receiving seal reads {wrong}"


def spoil_phone(rng: random.Random, who: Identity) -> str:
    return ids.invalid_phone(rng, who.area_code)
