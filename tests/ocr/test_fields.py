"""Field extraction from lines as readers return them, in the layouts issuers use."""

from ocr.fields import extract_fields
from ocr.layout import build_rows
from ocr.types import DocType, TextLine


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = 40, conf: float = 0.98) -> TextLine:
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + 40 * len(text), y0 + h), conf)


def test_label_left_of_value_with_ideographic_spaces_split_by_the_reader():
    # GIVEN 名　　称 read as two lines, the second glued to the value (as RapidOCR does)
    lines = [
        line("名", 100, 300),
        line("称北京某某科技有限公司", 220, 300),
        line("住　　所：北京市海淀区中关村大街1号", 100, 400),
    ]
    fields = extract_fields(DocType.BUSINESS_LICENSE, lines)
    assert fields["customer_name"].value == "北京某某科技有限公司"
    assert fields["address"].value == "北京市海淀区中关村大街1号"
    # the box covers the value, not the label
    assert fields["customer_name"].bbox[0] > 220


def test_table_cells_on_one_row_stop_at_the_next_label():
    lines = [
        line("客户名称", 100, 200),
        line("杭州某某贸易有限公司", 400, 200),
        line("税务登记号", 1000, 200),
        line("91330106MA2B3C4D1X", 1300, 200, 1700),
        line("开户银行", 100, 300),
        line("中国工商银行股份有限公司杭州西湖支行", 400, 300, 1200),
        line("银行账号", 100, 400),
        line("1202 0203 0990 0123 456", 400, 400, 1200),
        line("税务电话", 100, 500),
        line("0571-87654321", 400, 500, 800),
    ]
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    assert f["customer_name"].value == "杭州某某贸易有限公司"
    assert f["bank_name"].value == "中国工商银行股份有限公司杭州西湖支行"
    assert f["bank_account"].value == "1202020309900123456"
    assert f["tax_phone"].value == "0571-87654321"


def test_label_above_value():
    lines = [
        line("存款人名称", 100, 200),
        line("上海某某实业有限公司", 100, 260),
        line("核准号", 100, 400),
        line("J2900012345601", 100, 460),
    ]
    f = extract_fields(DocType.BANK_PERMIT, lines)
    assert f["account_holder"].value == "上海某某实业有限公司"
    assert f["approval_no"].value == "J2900012345601"


def test_uscc_ocr_confusion_is_repaired_only_when_both_checks_pass():
    good = extract_fields(
        DocType.BUSINESS_LICENSE, [line("统一社会信用代码 9111OOOO6OOO3734IL", 100, 100, 900)]
    )
    assert good["tax_id"].value == "91110000600037341L"
    assert good["tax_id"].repaired
    bad = extract_fields(
        DocType.BUSINESS_LICENSE, [line("统一社会信用代码 91110000600037341M", 100, 100, 900)]
    )
    assert bad["tax_id"].value == "91110000600037341M"
    assert not bad["tax_id"].repaired
    assert bad["tax_id"].confidence < good["tax_id"].confidence


def test_validity_range_gives_from_and_to():
    f = extract_fields(
        DocType.BUSINESS_LICENSE,
        [line("营业期限 二〇一五年三月一日至二〇三五年二月二十八日", 100, 100, 1200)],
    )
    assert f["valid_from"].value == "2015-03-01"
    assert f["valid_to"].value == "2035-02-28"


def test_id_card_number_found_without_a_label_and_term():
    lines = [
        line("姓名 张三", 100, 100),
        line("11010519491231002X", 300, 400, 900),
        line("有效期限 2015.03.01-长期", 100, 600, 900),
    ]
    f = extract_fields(DocType.CONSIGNEE_ID, lines)
    assert f["consignee_name"].value == "张三"
    assert f["consignee_id_number"].value == "11010519491231002X"
    assert f["id_valid_from"].value == "2015-03-01"
    assert f["id_valid_to"].value == "long_term"


def test_contract_party_ignores_clause_text_and_seal_note():
    lines = [
        line("甲方：某某集团有限公司", 100, 100, 900),
        line("乙方：宁波某某商贸有限公司（盖章）", 100, 160, 1100),
        line("乙方应当按照甲方的要求开展经销活动", 100, 300, 1400),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert f["customer_name"].value == "宁波某某商贸有限公司"


def test_rows_keep_a_box_for_every_substring():
    rows = build_rows([line("账号", 100, 100, 180), line("6222021001123456789", 300, 104, 1060)])
    assert len(rows) == 1
    start = rows[0].text.index("6222")
    box = rows[0].span_bbox(start, start + 4)
    assert box is not None and 300 <= box[0] < box[2] <= 1060
