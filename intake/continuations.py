"""Which document each read page belongs to: a continuation page takes the type of the document before it.

Pure domain logic over what the classifier said of each page (ocr.classify.analyse); the lifecycle
(intake.lifecycle.finishing.resolve_continuations) feeds it the stored pages and stores the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ocr.classify import WEAK, PageSignals
from ocr.types import DocType

CONTRACTS = (DocType.DISTRIBUTION_CONTRACT, DocType.LOGISTICS_CONTRACT)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the grouping knows of one read page: the classifier's answer, what it rests on, and the page's
    own continuation signals (ocr.classify.PageSignals), re-derived from the stored lines."""

    file_id: int
    doc_type: DocType
    confidence: float
    titled: bool  # a title row on the page names doc_type
    signals: PageSignals


class Facts(Protocol):
    """PageFacts' attributes, read-only: the lifecycle's stored pages derive titled and signals only when
    the grouping asks (intake.lifecycle.finishing), which it does not for a page of the type before it."""

    @property
    def file_id(self) -> int: ...
    @property
    def doc_type(self) -> DocType: ...
    @property
    def confidence(self) -> float: ...
    @property
    def titled(self) -> bool: ...
    @property
    def signals(self) -> PageSignals: ...


SURE_CONTRACT_KIND = 0.6  # a contract page typed this surely by its own words is not the other contract's


def continued_types(pages: Sequence[Facts]) -> list[DocType]:
    """The final type of each page (in file order, then page order): a continuation page takes the type of
    the document before it.

    A page keeps its own type when its title says what it is, when it says it is page 1 (第1页, clauses from
    第一条), or when nothing ties it to what precedes. It is tied when its type was not found (unknown, or a
    contract kind only guessed, ocr.classify.WEAK), when it says it continues (page x > 1, clauses that
    carry on, the parties' signature block), or when it reads like a contract yet was typed otherwise by body
    words. A tied page joins the previous document within its file always; across files only a contract,
    and only onto a page that reads like a contract page: customers scan a contract's pages into separate
    files, but never split a certificate. An untitled page confidently typed by its own words (the front of
    an ID card, a passbook) with no continuation signal is not swallowed by the document before it.
    """
    out: list[DocType] = []
    prev: tuple[int, DocType] | None = None
    for page in pages:
        doc_type = page.doc_type if prev is None else _continued_type(page, *prev)
        out.append(doc_type)
        if doc_type != DocType.UNKNOWN:
            prev = (page.file_id, doc_type)
    return out


def _continued_type(page: Facts, prev_file: int, prev_type: DocType) -> DocType:
    # the type before first: a page of that type keeps it whatever it says, so its words need no reading
    if page.doc_type == prev_type or page.titled or page.signals.starts:
        return page.doc_type
    if page.doc_type in CONTRACTS and prev_type in CONTRACTS and page.confidence >= SURE_CONTRACT_KIND:
        return page.doc_type  # its own trade words say which contract it is (窜货, 返利 … vs 配送, 运费 …)
    guessed = page.doc_type == DocType.UNKNOWN or (page.doc_type in CONTRACTS and page.confidence <= WEAK)
    off_contract = page.signals.contract_like and page.doc_type not in CONTRACTS
    if not (guessed or page.signals.continues or off_contract):
        return page.doc_type
    if page.file_id == prev_file:
        return prev_type
    if prev_type in CONTRACTS and page.signals.contract_like:
        return prev_type
    return page.doc_type
