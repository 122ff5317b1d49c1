"""Values are checked against their field's shape before they are taken (issue 9, class 1)."""

from ocr.fields import extract_fields
from ocr.fields.shapes import time_with_space
from ocr.layout import to_simplified
from ocr.types import DocType, TextLine, TextSource

CHAR = 36  # px per CJK character on a ~1650×2340 page; lines are 40 px high


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = 40, conf: float = 0.97) -> TextLine:
    """One line as a reader returns it at (x0, y0); its width follows from its characters unless given."""
    width = sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 for c in text)
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + width, y0 + h), conf)


def _application_form_with_quoting_note(bank_row: list) -> list:
    return [
        line("客户建档申请表", 620, 160),
        line("客户名称", 120, 300),
        line("南京联锦家电销售有限公司", 420, 300),
        *bank_row,
        line("银行账号", 120, 460),
        line("32050188360000001234", 420, 460),
        line(
            "注：“客户名称”、“税务登记号”、“开户银行”、“银行账号”、“税务地址”、“税务电话”六项将印", 120, 2100
        ),
        line("在增值税专用发票上，请与税务登记证及开户许可证保持一致。", 120, 2150),
    ]


def test_a_note_quoting_the_labels_does_not_yield_a_bank_name():
    # GIVEN a form whose 开户银行 cell was left empty, and the foot note quoting the label
    lines = _application_form_with_quoting_note([line("开户银行", 120, 380)])
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    # THEN the note is not read as the bank name: the field stays unread
    assert "bank_name" not in f
    assert f["bank_account"].value == "32050188360000001234"


def test_the_bank_cell_is_still_read_when_the_note_quotes_its_label():
    lines = _application_form_with_quoting_note(
        [line("开户银行", 120, 380), line("中国建设银行股份有限公司南京鼓楼支行", 420, 380)]
    )
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    assert f["bank_name"].value == "中国建设银行股份有限公司南京鼓楼支行"


def test_clause_text_is_not_a_receiving_address():
    # GIVEN a logistics contract whose only 收货地址 is inside clause 七 (the header gave none)
    lines = [
        line("物流配送合同", 640, 160),
        line("甲方（承运方）：江苏速达物流有限公司", 120, 300),
        line("乙方（收货方）：南京联锦家电销售有限公司", 120, 360),
        line("七、收货人变更", 120, 1400),
        line("乙方变更收货人、收货地址或收货专用章的，应提前五个工作日书面通知甲方并", 120, 1460),
        line("重新办理预留手续。", 120, 1510),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert "receiving_address" not in f
    assert f["customer_name"].value == "南京联锦家电销售有限公司"


def test_a_clause_beside_the_label_gives_way_to_the_address_below():
    lines = [
        line("收货地址：", 120, 300),
        line("如有变更应提前书面通知甲方", 420, 300),
        line("南京市鼓楼区中山北路100号", 120, 350),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "南京市鼓楼区中山北路100号"


def test_a_label_is_not_a_person_name():
    lines = [line("法定代表人", 120, 300), line("签字盖章", 420, 300)]
    f = extract_fields(DocType.SEAL_CARD, lines)
    assert "legal_representative" not in f


def test_traditional_glyph_name_from_ocr_is_folded_and_raw_kept():
    lines = [line("客户名称", 120, 300), line("南京联錦家電銷售有限公司", 420, 300)]
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    assert f["customer_name"].value == "南京联锦家电销售有限公司"
    assert f["customer_name"].raw == "南京联錦家電銷售有限公司"
    # a PDF's own text layer is taken as printed
    g = extract_fields(DocType.APPLICATION_FORM, lines, source=TextSource.TEXT_LAYER)
    assert g["customer_name"].value == "南京联錦家電銷售有限公司"


def test_simplified_characters_that_opencc_would_change_are_kept():
    # 乾 is a simplified character too (乾坤); folding it to 干 would corrupt a correctly read name
    assert to_simplified("南京乾坤商贸有限公司") == "南京乾坤商贸有限公司"
    assert to_simplified("廣東省廣州市天河區") == "广东省广州市天河区"


def test_receiving_time_gets_its_space_back_and_nowhere_else():
    assert time_with_space("周一至周五9:00-17:00") == "周一至周五 9:00-17:00"
    assert time_with_space("周一至周六 8:30 - 17:30") == "周一至周六 8:30-17:30"
    f = extract_fields(DocType.CONSIGNEE_ID, [line("收货时间：周一至周五9:00-17:00", 120, 1500)])
    assert f["receiving_time"].value == "周一至周五 9:00-17:00"


def test_stray_dot_inside_an_address_is_dropped():
    f = extract_fields(
        DocType.APPLICATION_FORM, [line("税务地址", 120, 300), line("南京市秦淮区中华路150号.商铺", 420, 300)]
    )
    assert f["tax_address"].value == "南京市秦淮区中华路150号商铺"


def test_invoice_style_address_and_phone_cell_is_split():
    lines = [line("开票地址电话", 120, 300), line("杭州市西湖区文三路100号 0571-87654321", 420, 300)]
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    assert f["tax_address"].value == "杭州市西湖区文三路100号"
    assert f["tax_phone"].value == "0571-87654321"
