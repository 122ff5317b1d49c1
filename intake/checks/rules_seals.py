"""The receiving seal(s) stamped on each logistics contract must be those reserved on the seal card.

Rule id `seal_mismatch`: same number of receiving seals, and, where both legends were read, the same texts
(compared by `name_key`, as a multiset when every legend was read). Other seal kinds are not compared.
"""

from __future__ import annotations

from collections import Counter

from intake.checks import messages as msg
from intake.checks.compare import name_key
from intake.checks.dossier import Dossier
from intake.types import Document, Evidence, Finding, SourcedSeal
from ocr.types import SealKind

__all__ = ["check_seals"]

SURE = 0.8  # ocr.seals reports a seal whose legend was read (or whose kind is certain) above this


def _receiving(doc: Document) -> list[SourcedSeal]:
    return [s for s in doc.seals if s.kind == SealKind.RECEIVING]


def _ev(seal: SourcedSeal) -> Evidence:
    return Evidence(file=seal.file, page=seal.page, field="seals", value=seal.text or None, bbox=seal.bbox)


def _doc_ev(doc: Document) -> Evidence:
    return Evidence(file=doc.file, page=doc.pages[0] if doc.pages else None, doc_type=str(doc.doc_type))


def _compare(d: Dossier, card: Document, card_seals: list[SourcedSeal], contract: Document) -> list[Finding]:
    seals = _receiving(contract)
    evidence = [_ev(s) for s in seals + card_seals] or [_doc_ev(contract), _doc_ev(card)]
    if len(seals) != len(card_seals):
        text = msg.seal_count_differs(len(card_seals), len(seals))
        # a round seal whose legend could not be read may be the missing receiving seal: ask, don't reject
        unsure = [x for x in (*contract.seals, *card.seals) if x.confidence < SURE]
        return [d.finding("seal_mismatch", text, evidence, "COUNT_UNCERTAIN" if unsure else "COUNT")]
    card_texts = [name_key(s.text) for s in card_seals if s.text.strip()]
    texts = [name_key(s.text) for s in seals if s.text.strip()]
    all_read = len(card_texts) == len(card_seals) and len(texts) == len(seals)
    if all_read and Counter(texts) != Counter(card_texts):
        odd = next((s for s in seals if name_key(s.text) not in card_texts), seals[0])
        text = msg.seal_text_differs(odd.text, "、".join(s.text for s in card_seals))
        return [d.finding("seal_mismatch", text, evidence, "TEXT")]
    if card_texts:
        for s in seals:
            if s.text.strip() and name_key(s.text) not in card_texts:
                text = msg.seal_text_differs(s.text, "、".join(c.text for c in card_seals if c.text))
                return [d.finding("seal_mismatch", text, evidence, "TEXT")]
        return []
    # the card's legends were not read: a receiving seal carries the customer's own name, so a legend read
    # on the contract that names somebody else is still a different seal
    customer = d.record.get("customer_name")
    if customer is not None:
        for s in seals:
            # the legend may go on with the seal's kind: 某某有限公司收货专用章
            if s.text.strip() and not name_key(s.text).startswith(name_key(customer.value)):
                text = msg.seal_text_differs(s.text, customer.value)
                near = _one_char_apart(s.text, customer.value)
                return [d.finding("seal_mismatch", text, evidence, "TEXT_UNCERTAIN" if near else "TEXT")]
    return []


def _one_char_apart(a: str, b: str) -> bool:
    """A legend read along a curved arc is more often misread by one character than wrong."""
    ka, kb = name_key(a), name_key(b)
    return len(ka) == len(kb) and sum(x != y for x, y in zip(ka, kb, strict=True)) == 1


def check_seals(d: Dossier) -> list[Finding]:
    cards = d.of_type("seal_card")
    if not cards:
        return []  # document_missing reports it
    # a card scanned twice must not double the seals: the copy showing the most receiving seals is the card
    card = max(cards, key=lambda c: len(_receiving(c)))
    card_seals = _receiving(card)
    out: list[Finding] = []
    if not card_seals:
        out.append(d.finding("seal_mismatch", msg.no_receiving_seal(), [_doc_ev(card)], "NO_RECEIVING_SEAL"))
    contracts = d.of_type("logistics_contract")
    # pages of a contract scanned apart (clauses in one file, signatures in another) carry no seals: only
    # the parts that were stamped are compared, unless no part was stamped at all
    stamped = [c for c in contracts if c.seals] or contracts[:1]
    for contract in stamped:
        out.extend(_compare(d, card, card_seals, contract))
    return out
