"""Search on both backends: Chinese partial names (2 and 3+ characters), numbers typed any way, page text,
hostile queries, ranking, and the index following the writes (storage.search)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from intake.types import Completeness, SourcedField
from ocr.types import DocType, PageReading, PageText, TextLine, TextSource
from storage import repository as repo
from storage import search
from storage.db import make_session_factory, migrate
from storage.models import Customer, CustomerStatus, Dossier, Page, SearchDocument, SearchKey

from .builders import AS_OF
from .conftest import EngineFactory

Tx = Callable[[], AbstractContextManager[Session]]

NANHAI = "佛山市南海区桂城明辉五金经营部"
NANHAI_TAX = "92440605MA4W0X1A2B"
NANHAI_ACCOUNT = "6222020200001234567"
TIANHE = "广州市天河区佳和贸易有限公司"
FOSHAN_SHUNDE = "佛山市顺德区乐从镇家具城"
DONGGUAN = "东莞市虎门镇瑞丰服装店"


@pytest.fixture(scope="module")
def search_tx(engine_factory: EngineFactory) -> Iterator[Tx]:
    """A database of its own (the ranking tests count every hit), with a few customers and one dossier."""
    engine: Engine = engine_factory()
    migrate(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        s.add_all(
            [
                Customer(
                    customer_no="C20261120001",
                    tax_id=NANHAI_TAX,
                    name=NANHAI,
                    values={"bank_account": NANHAI_ACCOUNT, "bank_name": "中国工商银行佛山南海支行"},
                ),
                Customer(customer_no="C20261120002", tax_id="91440101MA59ABCD1X", name=TIANHE, values={}),
                Customer(
                    customer_no="C20261120003", tax_id="91440606MA51234567", name=FOSHAN_SHUNDE, values={}
                ),
            ]
        )
    yield sessions.begin


def _page_reading(lines: list[str]) -> PageReading:
    page_text = PageText(
        width=1240,
        height=1754,
        lines=tuple(
            TextLine(text=t, bbox=(10, 40 * i, 900, 40 * i + 30), confidence=0.95)
            for i, t in enumerate(lines)
        ),
        source=TextSource.OCR,
        engine="rapidocr",
    )
    return PageReading(doc_type=DocType.APPLICATION_FORM, doc_type_confidence=0.9, text=page_text, fields={})


def _dossier(tx: Tx, pages: list[list[str]], *, name: str, reference: str) -> str:
    """A dossier read but not archived: its pages' text and a record naming the customer."""
    with tx() as s:
        dossier = repo.create_dossier(s, reference=reference, as_of=AS_OF)
        repo.add_file(
            s, dossier.id, name="申请表.pdf", sha256="b" * 64, kind="pdf", size=10, page_count=len(pages)
        )
        for page_id, lines in zip(repo.page_ids(s, dossier.id), pages, strict=True):
            repo.save_page_reading(s, page_id, _page_reading(lines))
        record = {
            "customer_name": SourcedField(
                name="customer_name",
                bbox=None,
                value=name,
                confidence=0.9,
                file="申请表.pdf",
                page=1,
                doc_type=DocType.APPLICATION_FORM,
            )
        }
        repo.save_outcome(s, dossier.id, record, [], Completeness(complete=True, missing=()), None, None)
        return dossier.id


def _find(tx: Tx, q: str, **kw: object) -> search.Results:
    with tx() as s:
        return search.search(s, q, per_page=50, **kw)  # type: ignore[arg-type]


def test_a_two_character_name_finds_every_customer_containing_it(search_tx: Tx) -> None:
    results = _find(search_tx, "佛山")
    names = [h.customer_name for h in results.hits if h.kind == "customer"]
    assert set(names) == {NANHAI, FOSHAN_SHUNDE}
    with search_tx() as s:
        sqlite = s.get_bind().dialect.name == "sqlite"
    # SQLite answers two characters from the trigram index (the trigrams beginning with them), page text
    # included; PostgreSQL's pg_trgm cannot, so there they search names only, and the result says so
    assert results.full_text is sqlite


def test_a_longer_partial_name_in_the_middle_finds_the_customer_with_its_number(search_tx: Tx) -> None:
    results = _find(search_tx, "南海区桂城")
    assert results.full_text
    first = results.hits[0]
    assert (first.kind, first.customer_name, first.customer_no) == ("customer", NANHAI, "C20261120001")
    assert "南海区桂城" in first.snippet
    assert all(h.customer_name != TIANHE for h in results.hits)


def test_a_tax_number_typed_with_spaces_and_lower_case_is_an_exact_hit(search_tx: Tx) -> None:
    results = _find(search_tx, "9244 0605 ma4w 0x1a 2b")
    assert results.hits[0].exact and results.hits[0].customer_no == "C20261120001"
    results = _find(search_tx, "９２４４０６０５ＭＡ４Ｗ０Ｘ１Ａ２Ｂ")  # full-width, as an IME types it
    assert results.hits[0].customer_no == "C20261120001"


def test_a_bank_account_with_dashes_finds_its_customer(search_tx: Tx) -> None:
    results = _find(search_tx, "6222-0202-0000-1234-567")
    assert results.hits[0].exact
    assert results.hits[0].customer_name == NANHAI
    assert NANHAI_ACCOUNT in results.hits[0].snippet
    partial = _find(search_tx, "00001234567")  # the end of the account: found by substring, not exactly
    assert [h.customer_no for h in partial.hits] == ["C20261120001"] and not partial.hits[0].exact


def test_full_text_of_a_page_names_the_file_the_page_and_the_customer(search_tx: Tx) -> None:
    dossier_id = _dossier(
        search_tx,
        [["客户建档申请表", "经营范围：五金交电、日用百货零售"], ["收款账号：6217 0000 1111 2222 333"]],
        name=DONGGUAN,
        reference="2026-东莞-017",
    )
    results = _find(search_tx, "日用百货")
    pages = [h for h in results.hits if h.kind == "page"]
    assert len(pages) == 1
    hit = pages[0]
    assert (hit.dossier_id, hit.file_name, hit.page_no) == (dossier_id, "申请表.pdf", 1)
    assert hit.customer_name == DONGGUAN and hit.customer_no is None  # not archived yet: no number
    assert "日用百货" in hit.snippet
    # a number printed with spaces on page 2 is found typed without them
    account = _find(search_tx, "62170000111122223333"[:19])
    assert [(h.kind, h.page_no) for h in account.hits] == [("page", 2)]
    # and the dossier by its reference and by its customer's name on the record
    assert any(h.kind == "dossier" and h.dossier_id == dossier_id for h in _find(search_tx, "东莞-017").hits)
    assert any(h.kind == "dossier" for h in _find(search_tx, "虎门镇瑞丰").hits)


def test_an_exact_customer_number_ranks_first_before_pages_quoting_it(search_tx: Tx) -> None:
    _dossier(search_tx, [["原客户编号 C20261120002 已变更"]], name=TIANHE, reference="REF-C2")
    results = _find(search_tx, "c20261120002")
    assert [h.kind for h in results.hits][:2] == ["customer", "page"]
    assert results.hits[0].exact and results.hits[0].customer_name == TIANHE
    assert not results.hits[1].exact


HOSTILE = [
    '"',
    '"佛山',
    '佛山" OR "广州',
    "NEAR(佛山 南海)",
    "佛山*",
    "* OR 1=1 --",
    "'; DROP TABLE customers; --",
    "%",
    "_",
    "%%%%",
    "\\",
    "佛山%南海",
    "AND OR NOT",
    "^佛山",
    "body:佛山",
    "\x00佛山\x00",
    "\ud800",
    "(" * 100,
    "佛" * 100,
    "   ",
    "",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(search_tx: Tx, q: str) -> None:
    results = _find(search_tx, q)
    assert isinstance(results.hits, list)
    if q in ("%", "_", "%%%%", "\\", "佛山%南海"):
        assert results.hits == []  # literal characters, not wildcards: no name contains them
    with search_tx() as s:
        assert s.scalar(select(Customer.id).where(Customer.customer_no == "C20261120001")) is not None


def test_a_query_over_the_limit_is_refused_in_chinese_naming_the_parameter(search_tx: Tx) -> None:
    with pytest.raises(search.SearchError, match="参数 q 最多 100 个字符"):
        _find(search_tx, "佛" * 101)
    with pytest.raises(search.SearchError, match="参数 page"):
        search.parse_page("abc")
    with pytest.raises(search.SearchError, match="参数 page"):
        search.parse_page("999999")
    assert search.parse_page(None) == 1 and search.parse_page("3") == 3


def test_results_are_paged(search_tx: Tx) -> None:
    with search_tx() as s:
        first = search.search(s, "佛山", per_page=1)
        second = search.search(s, "佛山", page=2, per_page=1)
        third = search.search(s, "佛山", page=3, per_page=1)
    assert first.has_next and len(first.hits) == 1
    assert second.hits and second.hits[0] != first.hits[0]
    assert {first.hits[0].customer_name, second.hits[0].customer_name} == {NANHAI, FOSHAN_SHUNDE}
    assert not third.hits or third.hits[0].customer_name not in {first.hits[0].customer_name}


def test_the_index_follows_customer_changes_and_deletions(search_tx: Tx) -> None:
    with search_tx() as s:
        s.add(
            Customer(
                customer_no="C20261121001", tax_id="91440300MA5FXXXX1K", name="深圳市福田区新宏达电子商行"
            )
        )
    assert _find(search_tx, "新宏达").hits[0].customer_no == "C20261121001"
    with search_tx() as s:
        customer = s.scalars(select(Customer).where(Customer.customer_no == "C20261121001")).one()
        customer.values = {"bank_account": "6228480000999988887"}  # a change request approved, say
    assert _find(search_tx, "6228480000999988887").hits[0].customer_no == "C20261121001"
    with search_tx() as s:
        s.execute(delete(Customer).where(Customer.customer_no == "C20261121001"))
    assert _find(search_tx, "新宏达").hits == []
    with search_tx() as s:
        orphans = s.scalar(
            select(SearchKey.id).join(SearchDocument).where(SearchDocument.ref.like("c:%"))
            .where(~SearchDocument.customer_id.in_(select(Customer.id)))
        )  # fmt: skip
        assert orphans is None


def test_a_page_read_again_replaces_its_text_and_a_deleted_dossier_leaves_the_index(search_tx: Tx) -> None:
    dossier_id = _dossier(search_tx, [["旧文本：桂花酱油批发"]], name="测试客户", reference="REF-RE")
    with search_tx() as s:
        page_id = s.scalars(select(Page.id).where(Page.dossier_id == dossier_id)).one()
        repo.save_page_reading(s, page_id, _page_reading(["新文本：椰子汁饮料批发"]))
    assert _find(search_tx, "桂花酱油").hits == []
    assert [h.dossier_id for h in _find(search_tx, "椰子汁饮料").hits] == [dossier_id]
    with search_tx() as s:
        s.execute(delete(Dossier).where(Dossier.id == dossier_id))
    assert _find(search_tx, "椰子汁饮料").hits == []
    assert _find(search_tx, "REF-RE").hits == []


def test_reindex_all_rebuilds_the_same_documents(search_tx: Tx) -> None:
    with search_tx() as s:
        before = sorted(s.execute(select(SearchDocument.ref, SearchDocument.body)).all())
        s.execute(delete(SearchDocument))
        assert search.search(s, "南海区").hits == []
        count = search.reindex_all(s)
        after = sorted(s.execute(select(SearchDocument.ref, SearchDocument.body)).all())
    assert count == len(before) and after == before
    assert _find(search_tx, "南海区").hits[0].customer_name == NANHAI


def test_the_time_budget_stops_a_search_and_leaves_the_session_usable(search_tx: Tx) -> None:
    with search_tx() as s:
        dialect = s.get_bind().dialect.name
        if dialect == "sqlite":
            slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
            with pytest.raises(search.SearchTimeout, match="检索超时"), search._time_budget(s, 0.05):
                s.execute(text(slow + "SELECT count(*) FROM c"))  # a statement past the budget is stopped
        else:
            before = s.execute(text("SHOW statement_timeout")).scalar()
            search.search(s, "南海区")
            assert s.execute(text("SHOW statement_timeout")).scalar() == before
            with pytest.raises(search.SearchTimeout, match="检索超时"), search._time_budget(s, 0.05):
                s.execute(text("SELECT pg_sleep(1)"))  # a statement past the budget is cancelled
            assert s.execute(text("SHOW statement_timeout")).scalar() == before
        assert search.search(s, "南海区").hits  # the transaction goes on after the budget


def test_highlight_cuts_matches_case_insensitively() -> None:
    assert search.highlight("账号 c2026 与 C2026", ["C2026"]) == [
        ("账号 ", False), ("c2026", True), (" 与 ", False), ("C2026", True)
    ]  # fmt: skip
    assert search.highlight("无匹配", []) == [("无匹配", False)]
    assert search.normalise_key(" 9144-0605 ma4w ") == "91440605MA4W"


def test_level1_values_of_the_hits_are_listed_for_masking(search_tx: Tx) -> None:
    with search_tx() as s:
        results = search.search(s, "南海区桂城")
        values = search.level1_values(s, results.hits, {"bank_account"})
    assert NANHAI_ACCOUNT in values


def test_dormant_customers_can_be_left_out(search_tx: Tx) -> None:
    with search_tx() as s:
        s.add(
            Customer(
                customer_no="C20231121009",
                tax_id="91440300MA5FYYYY2K",
                name="佛山市三水区老旧五金店",
                status=CustomerStatus.DORMANT,
            )
        )
    assert any(h.customer_no == "C20231121009" for h in _find(search_tx, "三水区老旧").hits)
    assert _find(search_tx, "三水区老旧", hide_dormant=True).hits == []
    assert _find(search_tx, "南海区桂城", hide_dormant=True).hits  # the active ones stay


def test_one_and_two_character_terms(search_tx: Tx) -> None:
    dossier_id = _dossier(
        search_tx, [["备注：货到付款", "末尾两字：江门"]], name="测试短词客户", reference="REF-SHORT"
    )
    one = _find(search_tx, "测")
    assert not one.full_text and [h.dossier_id for h in one.hits if h.kind == "dossier"] == [dossier_id]
    two = _find(search_tx, "江门")  # the last two characters of the page
    with search_tx() as s:
        if s.get_bind().dialect.name == "sqlite":
            assert [(h.kind, h.dossier_id) for h in two.hits] == [("page", dossier_id)]
        else:
            assert two.hits == []  # names only: no customer or dossier is named 江门…
    assert [h.kind for h in _find(search_tx, "付款 备注：货").hits] == ["page"]  # every term, any length
    assert _find(search_tx, "鼋鼍").hits == []  # no text holds these two: nothing, at once
