"""seal_mismatch only on confident evidence (issue 9): zero on one side or an uncertain kind/legend asks a
person; a confident count or legend difference still blocks; a split contract's parts are counted together."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from intake.checks.rules_seals import SURE, contract_copies
from intake.types import Document, SourcedSeal
from ocr.types import DocType, SealKind

OTHER_COMPANY_SEAL = "宁波远航贸易有限公司收货专用章"
CARRIER_SEAL = "顺达物流有限公司合同专用章"


def _one_contract(
    docs: list[Document], kit: SimpleNamespace, *parts: tuple[SourcedSeal, ...]
) -> list[Document]:
    """Replace the three contract copies by one contract in `len(parts)` files, each with the given seals."""
    docs = kit.without(docs, "logistics_contract")
    for i, seals in enumerate(parts):
        file = f"logistics_part{i + 1}.jpg"
        fields = {"customer_name": kit.NAME} if i == 0 else {"signing_date": "2025-05-20"}
        moved = tuple(dataclasses.replace(s, file=file) for s in seals)
        docs.append(kit.make_doc(DocType.LOGISTICS_CONTRACT, file, fields, moved))
    return docs


def _receiving(
    kit: SimpleNamespace, file: str = "x", text: str | None = None, confidence: float = 0.9
) -> SourcedSeal:
    seal = kit.seal(SealKind.RECEIVING, kit.RECEIVING_SEAL if text is None else text, file)
    return dataclasses.replace(seal, confidence=confidence)


def _card(docs: list[Document], kit: SimpleNamespace, *receiving: SourcedSeal) -> list[Document]:
    card_seals = (kit.seal(SealKind.COMPANY, kit.NAME, "seal_card_1.pdf"), *receiving)
    return kit.with_seals(docs, "seal_card", card_seals)


# ---------- zero on one side: a warning naming the pages ----------
def test_contract_without_receiving_seal_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    f = "logistics_contract_2.pdf"
    docs = kit.with_seals(docs, "logistics_contract", (kit.seal(SealKind.COMPANY, kit.NAME, f),), copy=1)
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("seal_mismatch", "warning", "COUNT_UNCERTAIN")]
    message = outcome.findings[0].message
    assert f in message and "seal_card_1.pdf" in message and "目视" in message


def test_card_without_receiving_seal_but_contract_with_one(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = _card(docs, kit)
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("seal_mismatch", "warning", "NO_RECEIVING_SEAL")]
    assert "logistics_contract_1.pdf" in outcome.findings[0].message


# ---------- confident counts ----------
def test_confident_one_vs_two_is_a_blocker(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    docs = _one_contract(docs, kit, (_receiving(kit), kit.seal(SealKind.CONTRACT, CARRIER_SEAL, "x")))
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "blocker", "COUNT")]


def test_one_vs_two_with_an_unsure_seal_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    docs = _one_contract(docs, kit, (_receiving(kit, confidence=SURE - 0.2),))
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "warning", "COUNT_UNCERTAIN")]


def test_one_vs_two_with_a_seal_of_kind_other_is_a_warning(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    docs = _one_contract(docs, kit, (_receiving(kit), kit.seal(SealKind.OTHER, "", "x")))
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "warning", "COUNT_UNCERTAIN")]


def test_the_carriers_seal_does_not_make_a_count_uncertain(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # a seal of kind `other` whose legend names the other party cannot be the customer's receiving seal
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    docs = _one_contract(docs, kit, (_receiving(kit), kit.seal(SealKind.OTHER, CARRIER_SEAL, "x")))
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "blocker", "COUNT")]


def test_confident_two_vs_one_on_every_copy_is_a_blocker(docs: list[Document], kit: SimpleNamespace) -> None:
    two = (_receiving(kit, "l"), _receiving(kit, "l"))
    for i in range(3):
        docs = kit.with_seals(docs, "logistics_contract", two, copy=i)
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "blocker", "COUNT")] * 3


def test_three_copies_with_one_seal_against_a_card_with_two(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # the generator's defect "seal card has 2 receiving seals, logistics contract 1" on three copies: two
    # copies are not to be merged into one to hide it
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    assert ("seal_mismatch", "blocker", "COUNT") in kit.rules_of(kit.run(docs))


# ---------- legends ----------
def test_confident_legend_of_another_company_is_a_blocker(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _one_contract(docs, kit, (_receiving(kit, text=OTHER_COMPANY_SEAL),))
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("seal_mismatch", "blocker", "TEXT")]
    assert OTHER_COMPANY_SEAL in outcome.findings[0].message


def test_unsure_legend_of_another_company_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _one_contract(docs, kit, (_receiving(kit, text=OTHER_COMPANY_SEAL, confidence=SURE - 0.1),))
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("seal_mismatch", "warning", "TEXT_UNCERTAIN")]
    assert "logistics_part1.jpg" in outcome.findings[0].message


def test_traditional_glyph_legend_is_the_same_seal(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _one_contract(docs, kit, (_receiving(kit, text="杭州某某貿易有限公司收貨專用章"),))
    assert kit.run(docs).findings == ()


def test_unread_card_legend_and_another_company_on_the_contract(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf", text=""))
    docs = _one_contract(docs, kit, (_receiving(kit, text=OTHER_COMPANY_SEAL),))
    assert kit.rules_of(kit.run(docs)) == [("seal_mismatch", "blocker", "TEXT")]


# ---------- a contract in parts ----------
def test_receiving_seals_spread_over_two_parts_are_counted_together(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = _card(docs, kit, _receiving(kit, "seal_card_1.pdf"), _receiving(kit, "seal_card_1.pdf"))
    docs = _one_contract(
        docs, kit, (_receiving(kit),), (_receiving(kit), kit.seal(SealKind.CONTRACT, CARRIER_SEAL, "x"))
    )
    assert kit.run(docs).findings == ()


def test_unstamped_clause_part_joins_the_stamped_one(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _one_contract(docs, kit, (), (_receiving(kit),))
    assert kit.run(docs).findings == ()


def test_contract_copies_grouping(kit: SimpleNamespace) -> None:
    def part(name: str, receiving: int, other: int = 0) -> Document:
        seals = (_receiving(kit, name),) * receiving + (kit.seal(SealKind.COMPANY, kit.NAME, name),) * other
        return kit.make_doc(DocType.LOGISTICS_CONTRACT, name, {}, seals)

    def names(groups: list[list[Document]]) -> list[list[str]]:
        return [[d.file for d in g] for g in groups]

    a, b, c, blank, company = part("a", 1), part("b", 1), part("c", 1), part("blank", 0), part("co", 0, 1)
    assert names(contract_copies([a, b, c], 1)) == [["a"], ["b"], ["c"]]  # three copies
    assert names(contract_copies([a, b], 2)) == [["a", "b"]]  # one contract in two files
    assert names(contract_copies([a, b, c], 2)) == [["a", "b"], ["c"]]
    assert names(contract_copies([blank, a, blank, b], 1)) == [["blank", "a", "blank"], ["b"]]
    assert names(contract_copies([company, a], 1)) == [["co"], ["a"]]  # stamped, no receiving seal: looked at
    assert names(contract_copies([blank], 1)) == [["blank"]]
    assert contract_copies([], 1) == []


def test_equal_counts_with_an_unread_special_seal_on_the_contract_ask_a_person(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # card: one receiving seal; contract: one read as receiving and a second whose legend was not read
    unread = dataclasses.replace(kit.seal(SealKind.COMPANY, "", "logistics_part1.jpg"), confidence=0.6)
    docs = _one_contract(_card(docs, kit, _receiving(kit)), kit, (_receiving(kit), unread))
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("seal_mismatch", "warning", "COUNT_UNCERTAIN")]
    assert "印文未能识别" in outcome.findings[0].message
    # a surely read company seal beside it changes nothing: counts agree
    plain = kit.seal(SealKind.COMPANY, kit.NAME, "logistics_part1.jpg")
    calm = _one_contract(
        _card(kit.without(docs, "logistics_contract"), kit, _receiving(kit)), kit, (_receiving(kit), plain)
    )
    assert kit.rules_of(kit.run(calm)) == []
