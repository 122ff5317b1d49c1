"""The receiving seal(s) stamped on each logistics contract must be those reserved on the seal card.

Rule id `seal_mismatch`: same number of receiving seals, and, where both legends were read, the same texts
(compared by `seal_key`, i.e. after the OCR fold, as a multiset when every legend was read). Other seal kinds
are not compared.

A blocker needs confident evidence on BOTH sides: receiving seals found on the card and on the contract, every
one of them (and every seal on those pages that might be a receiving seal) with a certain kind, and — for a
legend difference — legends read confidently on both sides. Zero receiving seals on one side, or a kind or
legend that is not certain, is far more often a seal the detector missed (e-signed text-layer contracts,
faint stamps, a seal over a signature) than a wrong seal: a warning asking a person to compare the seals by
eye on the named pages.

A contract may reach us in parts (clauses in one file, the signature page in another) and in several copies.
Parts are grouped into copies by `contract_copies`: a part continues the copy before it while that copy
still has fewer receiving seals than the card; each copy is then compared with the card.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from intake.checks import messages as msg
from intake.checks.compare import seal_key
from intake.checks.dossier import Dossier
from intake.types import Document, Evidence, Finding, SourcedSeal
from ocr.types import SealKind

__all__ = ["SURE", "check_seals", "contract_copies"]

SURE = 0.8  # ocr.seals reports a seal whose legend was read (or whose kind is certain) above this


def _receiving(docs: Iterable[Document]) -> list[SourcedSeal]:
    return [s for doc in docs for s in doc.seals if s.kind == SealKind.RECEIVING]


def _all_seals(docs: Iterable[Document]) -> list[SourcedSeal]:
    return [s for doc in docs for s in doc.seals]


def _ev(seal: SourcedSeal) -> Evidence:
    return Evidence(file=seal.file, page=seal.page, field="seals", value=seal.text or None, bbox=seal.bbox)


def _doc_ev(doc: Document) -> Evidence:
    return Evidence(file=doc.file, page=doc.pages[0] if doc.pages else None, doc_type=str(doc.doc_type))


def _pages(docs: Sequence[Document]) -> str:
    """'logistics.pdf第2页、part2.jpg第1页' — where the reviewer looks."""
    return "、".join(f"{doc.file}第{'、'.join(str(p) for p in doc.pages)}页" for doc in docs) or "未知页"


def _sure(seal: SourcedSeal) -> bool:
    return seal.confidence >= SURE and seal.kind != SealKind.OTHER


def _legend(seal: SourcedSeal) -> str:
    """The legend's comparison key when it was read confidently, else ''."""
    return seal_key(seal.text) if seal.text.strip() and seal.confidence >= SURE else ""


def _may_be_receiving(seal: SourcedSeal, customer: str) -> bool:
    """A seal not counted as receiving that might be one: its kind is `other` or not certain — unless its
    legend, read, plainly belongs to somebody else (the carrier's seal on the same signature page)."""
    if seal.kind == SealKind.RECEIVING or _sure(seal):
        return False
    legend = seal_key(seal.text) if seal.text.strip() else ""
    return not (legend and "收货" not in legend and customer and customer not in legend)


def contract_copies(parts: Sequence[Document], per_copy: int) -> list[list[Document]]:
    """Group the parts of the logistics contract (in dossier order) into copies.

    A stamped part continues the copy before it while that copy has some but fewer receiving seals than
    `per_copy` (the seal card's) and the part does not bring it above: the clauses with a receiving seal in
    one file and the signature page with another make one copy, while three fully stamped copies stay three.
    A part without any seal (clause pages) joins the copy before it, or the first one; a part with seals but
    no receiving seal stands alone, so that it is looked at. With nothing stamped, all parts are one copy.
    """
    copies: list[list[Document]] = []
    unstamped: list[Document] = []  # seal-less parts before the first stamped one
    count = 0
    for part in parts:
        n = len(_receiving([part]))
        if not part.seals:
            (copies[-1] if copies else unstamped).append(part)
        elif n and copies and 0 < count < per_copy and count + n <= per_copy:
            copies[-1].append(part)
            count += n
        else:
            copies.append([*unstamped, part])
            unstamped, count = [], n
    if unstamped:
        copies.append(unstamped)
    return copies


def _count_finding(
    d: Dossier, card: Document, card_seals: list[SourcedSeal], copy: list[Document]
) -> Finding | None:
    seals = _receiving(copy)
    evidence = [_ev(s) for s in seals + card_seals] + [_doc_ev(doc) for doc in copy] + [_doc_ev(card)]
    customer = _customer_key(d)
    if len(seals) == len(card_seals):
        # counts agree, but a seal on the contract with a legend that could not be read may be one more
        # receiving seal (收货专用章（2）): a person compares them
        extra = [s for s in _all_seals(copy) if _may_be_receiving(s, customer) and not s.text.strip()]
        if not extra:
            return None
        text = msg.seal_maybe_more(len(card_seals), len(extra), _pages([card]), _pages(copy))
        return d.finding("seal_mismatch", text, [*evidence, *map(_ev, extra)], "COUNT_UNCERTAIN")
    involved = [*_all_seals(copy), *card.seals]
    doubtful = any(
        (s.kind == SealKind.RECEIVING and not _sure(s)) or _may_be_receiving(s, customer) for s in involved
    )
    if not seals or doubtful:
        text = msg.seal_count_uncertain(len(card_seals), len(seals), _pages([card]), _pages(copy))
        return d.finding("seal_mismatch", text, evidence, "COUNT_UNCERTAIN")
    text = msg.seal_count_differs(len(card_seals), len(seals)) + f"（{_pages(copy)}；{_pages([card])}）"
    return d.finding("seal_mismatch", text, evidence, "COUNT")


def _customer_key(d: Dossier) -> str:
    customer = d.record.get("customer_name")
    return seal_key(customer.value) if customer is not None else ""


def _text_finding(
    d: Dossier, card: Document, card_seals: list[SourcedSeal], copy: list[Document]
) -> Finding | None:
    """Counts are equal: compare the legends read on both sides, or, when the card's were not read, the
    contract's legends with the customer's name (a receiving seal carries the customer's own name)."""
    seals = _receiving(copy)
    evidence = [_ev(s) for s in seals + card_seals]
    where_card, where_copy = _pages([card]), _pages(copy)
    card_texts = [seal_key(s.text) for s in card_seals if s.text.strip()]
    texts = [seal_key(s.text) for s in seals if s.text.strip()]
    card_sure = all(_legend(s) for s in card_seals)
    shown = "、".join(s.text for s in card_seals if s.text)
    if card_texts:
        all_read = len(card_texts) == len(card_seals) and len(texts) == len(seals)
        odd = [s for s in seals if s.text.strip() and seal_key(s.text) not in card_texts]
        if not odd and not (all_read and Counter(texts) != Counter(card_texts)):
            return None
        seal = odd[0] if odd else seals[0]
        if card_sure and all(_legend(s) for s in (odd or seals)):
            return d.finding("seal_mismatch", msg.seal_text_differs(seal.text, shown), evidence, "TEXT")
        text = msg.seal_text_uncertain(seal.text, shown, where_card, where_copy)
        return d.finding("seal_mismatch", text, evidence, "TEXT_UNCERTAIN")
    customer = d.record.get("customer_name")
    if customer is None:
        return None
    for s in seals:
        # the legend may go on with the seal's kind: 某某有限公司收货专用章
        if s.text.strip() and not seal_key(s.text).startswith(seal_key(customer.value)):
            if _legend(s) and not _one_char_apart(s.text, customer.value):
                return d.finding(
                    "seal_mismatch", msg.seal_text_differs(s.text, customer.value), evidence, "TEXT"
                )
            text = msg.seal_text_uncertain(s.text, customer.value, where_card, where_copy)
            return d.finding("seal_mismatch", text, evidence, "TEXT_UNCERTAIN")
    return None


def _one_char_apart(a: str, b: str) -> bool:
    """A legend read along a curved arc is more often misread by one character than wrong."""
    ka, kb = seal_key(a), seal_key(b)
    return len(ka) == len(kb) and sum(x != y for x, y in zip(ka, kb, strict=True)) == 1


def check_seals(d: Dossier) -> list[Finding]:
    cards = d.of_type("seal_card")
    if not cards:
        return []  # document_missing reports it
    # a card scanned twice must not double the seals: the copy showing the most receiving seals is the card
    card = max(cards, key=lambda c: len(_receiving([c])))
    card_seals = _receiving([card])
    contracts = d.of_type("logistics_contract")
    if not card_seals:
        found = _receiving(contracts)
        stamped = [c for c in contracts if _receiving([c])]
        text = msg.no_receiving_seal(len(found), _pages(stamped))
        evidence = [_doc_ev(card), *(_ev(s) for s in found)]
        return [d.finding("seal_mismatch", text, evidence, "NO_RECEIVING_SEAL")]
    out: list[Finding] = []
    for copy in contract_copies(contracts, len(card_seals)):
        finding = _count_finding(d, card, card_seals, copy) or _text_finding(d, card, card_seals, copy)
        if finding is not None:
            out.append(finding)
    return out
