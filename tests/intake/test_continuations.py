"""Pages of one file form documents: a continuation page joins the document before it unless its own title
says otherwise (intake.continuations.continued_types), and resolve_continuations stores that on the pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from intake.continuations import PageFacts, continued_types
from intake.lifecycle.context import Context
from intake.lifecycle.finishing import finish_dossier, page_facts, resolve_continuations
from intake.settings import Settings, sqlite_url
from ocr.classify import WEAK, PageSignals, analyse
from ocr.types import DocType, PageReading, PageText, TextLine, TextSource
from storage import repository as repo
from storage.contract_json import dossier_json
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore
from storage.models import DossierStatus, Page
from tests.ocr.test_classify import LOGISTICS_LAST_PAGE, PAGE_H, SEAL_CARD, page

LICENCE, CERT_TAX = DocType.BUSINESS_LICENSE, DocType.TAX_REGISTRATION
LOGI, DIST, SEAL = DocType.LOGISTICS_CONTRACT, DocType.DISTRIBUTION_CONTRACT, DocType.SEAL_CARD
UNKNOWN = DocType.UNKNOWN

NOTHING = PageSignals()
FIRST = PageSignals(footer=(1, 2), first_clause=1, parties=True, contract_like=True)
LAST = PageSignals(footer=(2, 2), first_clause=5, signature_block=True, parties=True, contract_like=True)
CLAUSES_ON = PageSignals(first_clause=4, parties=True, contract_like=True)


def facts(
    file_id: int,
    doc_type: DocType,
    confidence: float = 0.9,
    *,
    titled: bool = False,
    signals: PageSignals = NOTHING,
) -> PageFacts:
    return PageFacts(file_id, doc_type, confidence, titled, signals)


def test_contract_last_page_misread_as_seal_card_joins_its_contract() -> None:
    pages = [
        facts(1, LICENCE, titled=True),
        facts(2, LOGI, titled=True, signals=FIRST),
        facts(2, SEAL, 0.7, signals=LAST),
    ]
    assert continued_types(pages) == [LICENCE, LOGI, LOGI]


def test_untitled_signed_page_takes_the_kind_of_the_contract_it_ends() -> None:
    pages = [facts(1, DIST, titled=True, signals=FIRST), facts(1, LOGI, WEAK, signals=LAST)]
    assert continued_types(pages) == [DIST, DIST]


def test_titled_seal_card_after_a_contract_stays_a_seal_card() -> None:
    seal_card = PageSignals(signature_block=True)  # 法定代表人签字 … 日期 on the card itself
    same_file = [
        facts(1, LOGI, titled=True, signals=FIRST),
        facts(1, SEAL, 0.95, titled=True, signals=seal_card),
    ]
    other_file = [facts(1, LOGI, titled=True, signals=FIRST), facts(2, SEAL, 0.95, titled=True)]
    assert continued_types(same_file) == [LOGI, SEAL]
    assert continued_types(other_file) == [LOGI, SEAL]


@dataclass(frozen=True)
class _Unread:
    """A page whose words must not be asked for: the finish re-reads them from its stored lines (costly)."""

    file_id: int
    doc_type: DocType
    confidence: float = 0.9

    @property
    def titled(self) -> bool:
        raise AssertionError(f"title of a {self.doc_type} page read")

    @property
    def signals(self) -> PageSignals:
        raise AssertionError(f"signals of a {self.doc_type} page read")


def test_the_first_page_and_pages_of_the_type_before_them_keep_it_unread() -> None:
    pages = [_Unread(1, LOGI), _Unread(1, LOGI, 0.2), _Unread(2, LOGI, WEAK), _Unread(3, LOGI)]
    assert continued_types(pages) == [LOGI, LOGI, LOGI, LOGI]
    with pytest.raises(AssertionError, match="title of a seal_card page"):  # another type: its words count
        continued_types([_Unread(1, LOGI), _Unread(1, SEAL)])


def test_contract_page_in_a_file_of_its_own_joins_the_contract_file_before_it() -> None:
    pages = [
        facts(1, LOGI, titled=True, signals=FIRST),
        facts(2, SEAL, 0.7, signals=LAST),
        facts(3, UNKNOWN, 0.0, signals=CLAUSES_ON),
    ]
    assert continued_types(pages) == [LOGI, LOGI, LOGI]


def test_untitled_non_contract_page_in_a_new_file_does_not_join_a_certificate() -> None:
    pages = [facts(1, LICENCE, titled=True), facts(2, UNKNOWN, 0.0), facts(3, DocType.CONSIGNEE_ID, 0.8)]
    assert continued_types(pages) == [LICENCE, UNKNOWN, DocType.CONSIGNEE_ID]


def test_unknown_page_continues_any_document_of_its_own_file() -> None:
    pages = [facts(1, CERT_TAX, titled=True), facts(1, UNKNOWN, 0.0), facts(2, UNKNOWN, 0.0)]
    assert continued_types(pages) == [CERT_TAX, CERT_TAX, UNKNOWN]


def test_page_that_says_it_is_page_one_starts_a_new_document() -> None:
    second = PageSignals(footer=(1, 2), first_clause=1, parties=True, contract_like=True)
    pages = [facts(1, DIST, titled=True, signals=FIRST), facts(1, LOGI, 0.4, signals=second)]
    assert continued_types(pages) == [DIST, LOGI]


def test_confident_untitled_page_without_continuation_signals_keeps_its_type() -> None:
    """The front of an ID card has no title; scanned after a contract into one file it is still an ID."""
    pages = [facts(1, LOGI, titled=True, signals=FIRST), facts(1, DocType.CONSIGNEE_ID, 0.8)]
    assert continued_types(pages) == [LOGI, DocType.CONSIGNEE_ID]


def test_weak_contract_guess_in_another_file_after_a_certificate_keeps_its_guess() -> None:
    pages = [facts(1, LICENCE, titled=True), facts(2, DIST, WEAK, signals=LAST)]
    assert continued_types(pages) == [LICENCE, DIST]


def test_facts_from_read_lines_tie_a_real_last_page_to_its_contract() -> None:
    """From lines to the final types, without the database: classifier output feeds the grouping."""
    first = page(
        ("甲方（承运方）：", "苏州顺达物流有限公司"),
        ("乙方（收货方）：", "南京联锦家电销售有限公司"),
        "一、配送范围：甲方负责将乙方订购的货物运送至乙方指定的收货地址。",
        "二、收货确认：收货人应在收货单上签字并加盖乙方预留的收货专用章。",
        title="物流配送合同",
        footer="第1页 共2页",
    )
    out = []
    for file_id, lines in ((1, first), (1, LOGISTICS_LAST_PAGE), (2, SEAL_CARD)):
        found = analyse(lines, PAGE_H)
        out.append(
            facts(file_id, found.doc_type, found.confidence, titled=found.titled, signals=found.signals)
        )
    assert continued_types(out) == [LOGI, LOGI, SEAL]


# --- through the database -----------------------------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    engine = make_engine(sqlite_url(tmp_path / "t.db"))
    migrate(engine)
    sessions: sessionmaker[Session] = make_session_factory(engine)
    yield Context(Settings(tmp_path, sqlite_url(tmp_path / "t.db")), sessions, FileStore(tmp_path / "files"))
    engine.dispose()


def _store(ctx: Context, files: list[tuple[str, list[tuple[DocType, float, list[TextLine]]]]]) -> str:
    with ctx.sessions.begin() as s:
        dossier_id = repo.create_dossier(s, as_of=date(2026, 3, 10)).id
        for i, (name, pages) in enumerate(files):
            stored = repo.add_file(
                s, dossier_id, name=name, sha256=f"{i:064x}", kind="pdf", size=1, page_count=len(pages)
            )
            for n, (doc_type, confidence, lines) in enumerate(pages, start=1):
                row = s.query(Page).filter_by(file_id=stored.id, page_no=n).one()
                repo.claim_page(s, row.id)
                text = PageText(1654, PAGE_H, tuple(lines), TextSource.OCR, "test")
                repo.save_page_reading(s, row.id, PageReading(doc_type, confidence, text))
    return dossier_id


def test_resolve_continuations_files_the_last_page_with_its_contract(ctx: Context) -> None:
    licence = page(
        ("统一社会信用代码", "91320100MA1XYZ1234"), ("名称", "南京联锦家电销售有限公司"), title="营业执照"
    )
    first = page(
        ("甲方：", "苏州顺达物流有限公司"), "第一条 配送范围", "第二条 收货确认", title="物流配送合同"
    )
    dossier_id = _store(
        ctx,
        [
            ("licence.pdf", [(LICENCE, 0.95, licence)]),
            ("contract.pdf", [(LOGI, 0.9, first), (SEAL, 0.703, LOGISTICS_LAST_PAGE)]),  # as read before
            ("seal.pdf", [(SEAL, 0.95, SEAL_CARD)]),
        ],
    )
    resolve_continuations(ctx, dossier_id)
    resolve_continuations(ctx, dossier_id)  # finishing twice changes nothing more
    with ctx.sessions.begin() as s:
        documents = repo.documents_of(s, dossier_id)
        last = s.query(Page).filter_by(page_no=2).one()
        assert page_facts(last.file_id, last).doc_type == LOGI
    assert [(d.doc_type, d.file, d.pages) for d in documents] == [
        (LICENCE, "licence.pdf", (1,)),
        (LOGI, "contract.pdf", (1, 2)),
        (SEAL, "seal.pdf", (1,)),
    ]
    signed = documents[1].fields["signing_date"]  # re-extracted as the contract's fields
    assert (signed.value, signed.page) == ("2026-03-02", 2)


def test_the_finish_checks_the_contract_with_its_last_page_retyped_in_the_same_transaction(
    ctx: Context,
) -> None:
    """finish_dossier ties continuations and runs the checks in one transaction on the pages it loaded once:
    the record and the checks see the last page as the contract's, not as the seal card it was read as."""
    first = page(
        ("甲方：", "苏州顺达物流有限公司"), "第一条 配送范围", "第二条 收货确认", title="物流配送合同"
    )
    dossier_id = _store(ctx, [("contract.pdf", [(LOGI, 0.9, first), (SEAL, 0.703, LOGISTICS_LAST_PAGE)])])
    with ctx.sessions.begin() as s:
        repo.set_status(s, dossier_id, DossierStatus.CHECKING)
    finish_dossier(ctx, dossier_id)
    with ctx.sessions() as s:
        assert s.query(Page).filter_by(page_no=2).one().doc_type == str(LOGI)
        documents = repo.documents_of(s, dossier_id)
        out = dossier_json(s, dossier_id)
    assert out["dossier"]["status"] == "awaiting_review"
    assert [(d.doc_type, d.pages) for d in documents] == [(LOGI, (1, 2))]
    assert str(LOGI) not in out["completeness"]["missing"]  # the contract counts as present
    assert str(SEAL) in out["completeness"]["missing"]  # and no seal card was sent


def test_last_page_of_one_contract_sent_apart_is_not_swallowed_by_the_other_contract() -> None:
    # 物流合同 p1, p2 in their files, then the 经销合同's page 2 alone, its own trade words saying which it is
    pages = [
        facts(1, LOGI, titled=True, signals=FIRST),
        facts(2, LOGI, 0.95, signals=LAST),
        facts(3, DIST, 0.98, signals=LAST),
        facts(4, LOGI, WEAK, signals=CLAUSES_ON),  # a guessed kind still follows the contract before it
    ]
    assert continued_types(pages) == [LOGI, LOGI, DIST, DIST]
