"""The customer's (乙方's) fields from a contract's party blocks, never 甲方's (issue 9, class 2a and 2c)."""

from ocr.fields import extract_fields
from ocr.types import DocType, TextLine

CHAR = 36  # px per CJK character on a ~1650×2340 page; lines are 40 px high
LEFT, MID, RIGHT = 120, 860, 1530


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = 40, conf: float = 0.97) -> TextLine:
    """One line as a reader returns it at (x0, y0); its width follows from its characters unless given."""
    width = sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 for c in text)
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + width, y0 + h), conf)


PREAMBLE = (
    "根据《中华人民共和国民法典》及有关法律法规，甲乙双方本着平等互利的原则，经友好协商，达成如下协议："
)


def test_party_blocks_on_lines_give_the_second_partys_fields():
    lines = [
        line("经销合同", 680, 160),
        line("甲方（供货方）：海信家电集团股份有限公司", LEFT, 300),
        line("法定代表人：李明", LEFT, 350),
        line("地址：广东省佛山市顺德区容桂街道容港路8号", LEFT, 400),
        line("电话：0757-28362222", LEFT, 450),
        line("乙方（经销商）：南京联锦家电销售有限公司", LEFT, 520),
        line("法定代表人：田军华", LEFT, 570),
        line("地址（住所）：南京市秦淮区中华路150号", LEFT, 620),
        line("联系电话：025-84561234", LEFT, 670),
        line(PREAMBLE, LEFT, 760, RIGHT),
        line("第一条 乙方应遵守甲方的价格体系，电话：12345", LEFT, 860, RIGHT),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert f["customer_name"].value == "南京联锦家电销售有限公司"
    assert f["legal_representative"].value == "田军华"
    assert f["address"].value == "南京市秦淮区中华路150号"
    assert f["tax_phone"].value == "025-84561234"


def test_only_the_first_party_prints_details_so_nothing_is_taken():
    lines = [
        line("甲方：海信家电集团股份有限公司", LEFT, 300),
        line("法定代表人：李明", LEFT, 350),
        line("地址：广东省佛山市顺德区容桂街道容港路8号", LEFT, 400),
        line("电话：0757-28362222", LEFT, 450),
        line("乙方：南京联锦家电销售有限公司", LEFT, 520),
        line(PREAMBLE, LEFT, 600, RIGHT),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert "legal_representative" not in f
    assert "address" not in f
    assert "tax_phone" not in f


def test_side_by_side_signature_blocks_take_the_right_column():
    lines = [
        line("第十条 本合同一式三份，甲方执两份，乙方执一份，自双方签字盖章之日起生效。", LEFT, 1500, RIGHT),
        line("甲方（盖章）：", LEFT, 1640),
        line("乙方（盖章）：", MID, 1640),
        line("海信家电集团股份有限公司", LEFT, 1700),
        line("南京联锦家电销售有限公司", MID, 1700),
        line("法定代表人：李明", LEFT, 1780),
        line("法定代表人：田军华", MID, 1780),
        line("地址：佛山市顺德区容港路8号", LEFT, 1840),
        line("地址：南京市秦淮区中华路150号", MID, 1840),
        line("电话：0757-28362222", LEFT, 1900),
        line("电话：13912345678", MID, 1900),
        line("签订日期：2024年03月15日", LEFT, 1980),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert f["legal_representative"].value == "田军华"
    assert f["address"].value == "南京市秦淮区中华路150号"
    assert f["tax_phone"].value == "13912345678"
    assert f["legal_representative"].bbox[0] >= MID


def test_side_by_side_blocks_read_as_one_line_per_row():
    # a reader that returns each row as one line: the right half is 乙方's
    lines = [
        line("甲方（盖章）：                      乙方（盖章）：", LEFT, 1640, 1400),
        line("法定代表人：李明                    法定代表人：田军华", LEFT, 1780, 1500),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert f["legal_representative"].value == "田军华"


def test_logistics_contract_party_block_and_consignee_phone_kept_apart():
    lines = [
        line("物流配送合同", 640, 160),
        line("甲方（承运方）：江苏速达物流有限公司", LEFT, 300),
        line("法定代表人：王强", LEFT, 350),
        line("乙方（收货方）：南京联锦家电销售有限公司", LEFT, 420),
        line("法定代表人：赵丽", LEFT, 470),
        line("地址：南京市秦淮区中华路150号", LEFT, 520),
        line("收货联系人：田军华", LEFT, 570),
        line("联系电话：15012345678", LEFT, 620),
        line(
            "为明确双方在货物运输配送中的权利义务，经双方协商一致，订立本合同，以资共同遵守。",
            LEFT,
            700,
            RIGHT,
        ),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["legal_representative"].value == "赵丽"
    assert f["address"].value == "南京市秦淮区中华路150号"
    assert f["consignee_name"].value == "田军华"
    assert f["consignee_phone"].value == "15012345678"
    assert "tax_phone" not in f


def test_seal_card_legal_representative():
    lines = [
        line("客户印鉴卡", 680, 160),
        line("客户名称", LEFT, 300),
        line("南京联锦家电销售有限公司", 420, 300),
        line("法人代表", LEFT, 380),
        line("田军华", 420, 380),
        line("预留印鉴", LEFT, 460),
    ]
    f = extract_fields(DocType.SEAL_CARD, lines)
    assert f["legal_representative"].value == "田军华"


def test_seal_card_representative_under_another_label_read_in_traditional_glyphs():
    lines = [
        line("单位名称：南京联锦家电销售有限公司", LEFT, 300),
        line("负责人：", LEFT, 380),
        line("田军華", 300, 380),
    ]
    f = extract_fields(DocType.SEAL_CARD, lines)
    assert f["legal_representative"].value == "田军华"


def test_a_long_block_line_with_commas_stays_in_the_block():
    lines = [
        line("甲方：海信家电集团股份有限公司", LEFT, 300),
        line("乙方：南京联锦家电销售有限公司", LEFT, 360),
        line("住所地：南京市秦淮区中华路150号金鹰商贸中心负一层，邮编：210000", LEFT, 410, RIGHT),
        line("法定代表人：田军华", LEFT, 460),
        line(PREAMBLE, LEFT, 560, RIGHT),
    ]
    f = extract_fields(DocType.DISTRIBUTION_CONTRACT, lines)
    assert f["address"].value == "南京市秦淮区中华路150号金鹰商贸中心负一层"
    assert f["legal_representative"].value == "田军华"
