"""Page classification from lines of text: titles win, a contract page stays a contract page whatever its
clauses mention, and the signals that tie a continuation page to its document are read right."""

from __future__ import annotations

import pytest

from ocr.classify import analyse, classify, cn_number, first_clause, page_footer, page_signals
from ocr.layout import build_rows
from ocr.types import DocType, TextLine

PAGE_H = 2339
ROW_H = 36
TITLE_H = 64


def page(*rows: str | tuple[str, ...], title: str | None = None, footer: str | None = None) -> list[TextLine]:
    """Lines laid out like a scanned A4 page: an optional big title, body rows (a tuple is one row of
    several cells side by side), an optional footer at the bottom margin."""
    lines: list[TextLine] = []
    y = 200
    if title is not None:
        lines.append(TextLine(title, (600, y, 1050, y + TITLE_H), 0.95))
        y += TITLE_H + 60
    for row in rows:
        cells = (row,) if isinstance(row, str) else row
        width = 1400 // len(cells)
        for i, cell in enumerate(cells):
            x0 = 120 + i * width
            lines.append(TextLine(cell, (x0, y, x0 + min(width - 20, 30 * len(cell)), y + ROW_H), 0.93))
        y += ROW_H + 24
    if footer is not None:
        lines.append(TextLine(footer, (700, PAGE_H - 140, 950, PAGE_H - 110), 0.9))
    return lines


LOGISTICS_LAST_PAGE = page(
    "五、收货人变更：乙方变更收货人、收货地址或收货专用章的，应提前五个工作日书面通知甲方，",
    "并重新办理预留印鉴手续；未办理的，甲方按原预留印鉴核对收货。",
    "六、费用结算：配送费用按双方确认的价格按月结算，乙方收到对账单后十个工作日内付款。",
    "七、本合同一式两份，甲乙双方各执一份，自双方盖章之日起生效。",
    ("甲方（盖章）：", "乙方（盖章）："),
    ("苏州顺达物流有限公司", "南京联锦家电销售有限公司"),
    ("收货专用章",),
    ("授权代表：", "授权代表："),
    ("日期：2026年3月2日", "日期：2026年3月2日"),
    footer="第2页 共2页",
)

SEAL_CARD = page(
    ("客户名称", "南京联锦家电销售有限公司"),
    ("客户编号", "C202603001", "联系电话", "025-84561234"),
    ("公章", "财务专用章", "收货专用章"),
    ("南京联锦家电销售有限公司", "财务专用章", "收货专用章"),
    ("启用日期：2026年03月01日", "经办人："),
    "说明：本卡所留印鉴为客户在本公司业务往来中使用的有效印鉴。",
    title="客户印鉴卡",
)


def test_logistics_contract_last_page_is_a_contract_not_a_seal_card() -> None:
    result = analyse(LOGISTICS_LAST_PAGE, PAGE_H)
    assert result.doc_type == DocType.LOGISTICS_CONTRACT
    assert not result.titled
    assert result.signals.contract_like
    assert result.signals.signature_block
    assert result.signals.footer == (2, 2)
    assert result.signals.first_clause == 5
    assert result.signals.continues and not result.signals.starts


def test_contract_page_with_clauses_in_articles_and_no_trade_words_is_a_weak_contract_guess() -> None:
    lines = page(
        "第九条 违约责任",
        "任何一方违反本合同约定的，应承担违约责任。乙方预留印鉴及收货专用章以印鉴卡为准。",
        "第十条 其他",
        "本合同未尽事宜，双方可另行签订补充协议。甲方执两份，乙方执一份。",
        ("甲方（盖章）：", "乙方（盖章）："),
    )
    doc_type, confidence = classify(lines, PAGE_H)
    assert doc_type in (DocType.LOGISTICS_CONTRACT, DocType.DISTRIBUTION_CONTRACT)
    assert confidence <= 0.3
    assert first_clause(build_rows(lines)) == 9


def test_untitled_contract_page_mentioning_certificates_is_not_a_licence() -> None:
    lines = page(
        "三、乙方应向甲方提供营业执照、统一社会信用代码证明、开户许可证及税务登记证复印件，",
        "注册资本、经营范围发生变更的，乙方应及时通知甲方。",
        "四、乙方指定收货人凭身份证收货。",
    )
    assert analyse(lines, PAGE_H).doc_type in (DocType.LOGISTICS_CONTRACT, DocType.DISTRIBUTION_CONTRACT)


@pytest.mark.parametrize(
    "title",
    [
        "客户印鉴卡",
        "客户预留印鉴卡",
        "印鉴卡",
        "预留印鉴卡",
        "印鉴备案表",
        "客 户 印 鉴 卡",
        "客户印签卡",
        "客户卬鉴卡",
    ],
)
def test_real_seal_card_is_recognised_by_its_title(title: str) -> None:
    lines = [TextLine(title, (600, 200, 1050, 264), 0.9), *SEAL_CARD[1:]]
    result = analyse(lines, PAGE_H)
    assert result.doc_type == DocType.SEAL_CARD
    assert result.titled
    assert result.confidence > 0.5


def test_seal_card_with_numbered_notes_and_signing_lines_stays_a_seal_card() -> None:
    lines = page(
        ("客户名称", "南京联锦家电销售有限公司"),
        ("收货专用章", "财务专用章"),
        "1. 本卡所留印鉴为客户在本公司业务往来中使用的有效印鉴。",
        "2. 印鉴如有变更，客户应书面通知本公司并重新办理预留印鉴。",
        ("法定代表人（签字）：", "日期："),
        title="客户预留印鉴卡",
    )
    result = analyse(lines, PAGE_H)
    assert result.doc_type == DocType.SEAL_CARD
    assert result.titled


def test_seal_card_without_a_readable_title_still_reads_as_seal_card() -> None:
    lines = SEAL_CARD[1:]  # title lost: no clauses, no parties, so the body words still decide
    assert classify(lines, PAGE_H)[0] == DocType.SEAL_CARD


def test_titled_first_page_of_a_contract_is_titled_and_starts() -> None:
    lines = page(
        ("甲方（承运方）：", "苏州顺达物流有限公司"),
        ("乙方（收货方）：", "南京联锦家电销售有限公司"),
        "第一条 配送范围",
        "甲方负责将乙方订购的货物自甲方仓库运送至乙方指定的收货地址。",
        "第二条 收货确认",
        "乙方指定的收货人应在收货单上签字并加盖乙方在甲方预留的收货专用章。",
        title="物流配送合同",
        footer="第1页 共2页",
    )
    result = analyse(lines, PAGE_H)
    assert result.doc_type == DocType.LOGISTICS_CONTRACT
    assert result.titled
    assert result.signals.starts and not result.signals.continues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第 2 页 共 3 页", (2, 3)),
        ("第2页/共2页", (2, 2)),
        ("第2页，共3页", (2, 3)),
        ("共3页 第1页", (1, 3)),
        ("第二页 共三页", (2, 3)),
        ("2/3", (2, 3)),
        ("- 2 / 3 -", (2, 3)),
        ("第 3 页", (3, None)),
        ("第１页　共２页", (1, 2)),
    ],
)
def test_page_footer_is_parsed(text: str, expected: tuple[int, int | None]) -> None:
    rows = build_rows(page("第五条 其他", footer=text))
    assert page_footer(rows, PAGE_H) == expected


@pytest.mark.parametrize("text", ["3/2", "2024/03/01", "详见附件第2页所列产品目录及价格表", "第0页 共2页"])
def test_things_that_are_not_page_footers(text: str) -> None:
    rows = build_rows(page("第五条 其他", footer=text))
    assert page_footer(rows, PAGE_H) is None


def test_bare_fraction_in_the_body_is_not_a_footer() -> None:
    rows = build_rows(page("第五条 其他", "2/3", "本合同一式两份。"))
    assert page_footer(rows, PAGE_H) is None


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["第五条 收货人变更", "乙方变更收货人的，应提前通知。", "第六条 合同期限"], 5),
        (["第一条 配送范围", "第二条 收货确认"], 1),
        (["第十二条 其他"], 12),
        (["第二十一条 附则"], 21),
        (["五、收货人变更", "六、费用结算"], 5),
        (["一、开票信息", "二、经营及收货信息"], 1),
        (["5. 收货人变更", "6. 合同期限"], 5),
        (["５．收货人变更"], 5),
        # sub-items inside an article are not the page's clause numbering
        (["续上条：", "1. 货物交付以签收为准", "2. 收货人须盖章", "第七条 违约责任"], 7),
        (["五、费用", "1. 运费按月结算", "2. 对账"], 5),
        (["本合同自双方盖章之日起生效。", "2024.03.01"], None),
        (["12.5万元为保证金"], None),
    ],
)
def test_first_clause_on_the_page(rows: list[str], expected: int | None) -> None:
    assert first_clause(build_rows(page(*rows))) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("两", 2), ("条", None)],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert cn_number(text) == value


def test_signature_block_variants() -> None:
    both = build_rows(page(("甲方（盖章）：", "乙方预留收货专用章：")))
    agent_and_date = build_rows(page("法定代表人或授权代表：", "签订日期：2026年3月1日"))
    one_party = build_rows(page("乙方（盖章）："))
    clause_text = build_rows(
        page("乙方指定的收货人应在收货单上签字并加盖乙方预留的收货专用章。", "甲方负责配送。")
    )
    assert page_signals(both, PAGE_H).signature_block
    assert page_signals(agent_and_date, PAGE_H).signature_block
    assert not page_signals(one_party, PAGE_H).signature_block
    assert not page_signals(clause_text, PAGE_H).signature_block


def test_licence_page_has_no_contract_signals() -> None:
    lines = page(
        ("统一社会信用代码", "91320100MA1XYZ1234"),
        ("名称", "南京联锦家电销售有限公司"),
        ("注册资本", "伍拾万元整"),
        ("经营范围", "家用电器销售"),
        ("登记机关", "南京市市场监督管理局"),
        title="营业执照",
    )
    result = analyse(lines, PAGE_H)
    assert result.doc_type == DocType.BUSINESS_LICENSE and result.titled
    assert not result.signals.contract_like
    assert not result.signals.continues


def test_short_clause_line_made_tall_by_a_seal_over_it_is_no_title() -> None:
    """A seal's legend overlapping "重新办理预留印鉴手续。" makes that row tall and short, like a title."""
    lines = page(
        "五、乙方变更收货人、收货地址或收货专用章的，应提前五个工作日书面通知甲方。",
        ("甲方（盖章）：", "乙方（盖章）："),
        "六、本合同一式两份，甲乙双方各执一份，自双方盖章之日起生效。",
    )
    lines.append(TextLine("重新办理预留印鉴手续。", (120, 400, 480, 460), 0.9))  # tall, near the top
    result = analyse(lines, PAGE_H)
    assert DocType.SEAL_CARD not in result.titles
    assert result.doc_type in (DocType.LOGISTICS_CONTRACT, DocType.DISTRIBUTION_CONTRACT)
