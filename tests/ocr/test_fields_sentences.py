"""Fields printed inside sentences, possibly wrapped over two rows (issue 9, class 2b)."""

from ocr.fields import extract_fields
from ocr.types import DocType, TextLine

CHAR = 36  # px per CJK character on a ~1650×2340 page; lines are 40 px high
LEFT, RIGHT = 120, 1530  # the text block's margins


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = 40, conf: float = 0.97) -> TextLine:
    """One line as a reader returns it at (x0, y0); its width follows from its characters unless given."""
    width = sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 for c in text)
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + width, y0 + h), conf)


def _contract(*body: TextLine) -> list[TextLine]:
    return [
        line("物流配送合同", 640, 160),
        line("甲方（承运方）：江苏速达物流有限公司", LEFT, 300),
        line("乙方（收货方）：南京联锦家电销售有限公司", LEFT, 360),
        line("一、配送范围", LEFT, 480),
        line(
            "甲方负责将乙方订购的货物自甲方仓库运送至乙方指定的收货地址，运输方式由甲方确定。",
            LEFT,
            540,
            RIGHT,
        ),
        *body,
        line("三、收货确认", LEFT, 1100),
        line("乙方指定的收货人应在收货单上签字并加盖乙方在甲方预留的收货专用章。", LEFT, 1160, RIGHT),
    ]


def test_consignee_sentence_on_one_row():
    lines = _contract(
        line(
            "二、乙方指定收货人：田军华，联系电话：15012345678，收货时间：周一至周六 8:30-17:30",
            LEFT,
            700,
            RIGHT,
        )
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["consignee_name"].value == "田军华"
    assert f["consignee_phone"].value == "15012345678"
    assert f["receiving_time"].value == "周一至周六 8:30-17:30"
    # the boxes sit on the sentence's row
    assert 700 <= f["consignee_name"].bbox[1] < 740


def test_consignee_sentence_wrapped_over_two_rows_and_reader_dropped_the_space():
    lines = _contract(
        line("二、乙方指定收货人为田军华，联系电话：150 1234 5678，收货时间：周一至", LEFT, 700, RIGHT),
        line("周六8:30-17:30。乙方应保证收货人在上述时间内收货。", LEFT, 750),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["consignee_name"].value == "田军华"
    assert f["consignee_phone"].value.replace(" ", "") == "15012345678"
    assert f["receiving_time"].value == "周一至周六 8:30-17:30"


def test_name_cut_by_the_row_end():
    lines = _contract(
        line("二、货物由乙方收货联系人签收，收货联系人：田", LEFT, 700, RIGHT),
        line("军华，联系手机：13912345678。", LEFT, 750),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["consignee_name"].value == "田军华"
    assert f["consignee_phone"].value == "13912345678"


def test_header_rows_of_consignee_and_phone():
    lines = [
        line("物流配送协议", 640, 160),
        line("乙方：南京联锦家电销售有限公司", LEFT, 300),
        line("收货联系人：", LEFT, 360),
        line("田军华", 420, 360),
        line("联系电话：", LEFT, 420),
        line("15012345678", 420, 420),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["consignee_name"].value == "田军华"
    assert f["consignee_phone"].value == "15012345678"


def test_receiving_address_wrapped_onto_the_next_row_is_read_in_full():
    lines = [
        line("物流配送合同", 640, 160),
        line("乙方：南京联锦家电销售有限公司", LEFT, 300),
        line("收货地址：", LEFT, 360),
        line("江苏省南京市鼓楼区中山北路二百号苏宁广场东区仓储中心三号", 300, 360, RIGHT),
        line("库二楼", 300, 410),
        line("为明确双方在货物运输配送中的权利义务，经双方协商一致，订立本合同。", LEFT, 520, RIGHT),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "江苏省南京市鼓楼区中山北路二百号苏宁广场东区仓储中心三号库二楼"
    assert f["receiving_address"].bbox[3] >= 450  # the box covers the second row too


def test_an_address_that_ends_before_the_margin_does_not_take_the_next_row():
    lines = [
        line("乙方：南京联锦家电销售有限公司", LEFT, 300),
        line("收货地址：南京市鼓楼区中山北路100号", LEFT, 360),
        line("收货联系人：田军华", LEFT, 410),
    ]
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "南京市鼓楼区中山北路100号"


def test_receiving_address_in_a_sentence_that_wraps():
    lines = _contract(
        line("二、乙方的收货地址为：江苏省南京市秦淮区中华路150号金鹰商贸中", LEFT, 700, RIGHT),
        line("心负一层，收货人为田军华。", LEFT, 750),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "江苏省南京市秦淮区中华路150号金鹰商贸中心负一层"
    assert f["consignee_name"].value == "田军华"


def test_address_wrapped_inside_an_indented_block_short_of_the_margin():
    # the address breaks well before the right margin and goes on under the label, as a filled-in block does
    lines = _contract(
        line(
            "二、乙方指定收货人：郑淑丽，联系电话：15815846790，收货时间：每天8:00-18:00。", LEFT, 700, RIGHT
        ),
        line("收货地址：湖北省武汉市江汉区华府大", LEFT + 55, 760),
        line("道217号恒达物流园D区9号仓库", LEFT + 57, 815),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "湖北省武汉市江汉区华府大道217号恒达物流园D区9号仓库"


def test_time_cut_after_the_day_range_goes_on_on_a_short_next_row():
    lines = _contract(
        line(
            "二、乙方指定收货人：阎怡英，联系电话：13379292398，收货时间：周一至周五", LEFT, 700, RIGHT - 90
        ),
        line("9:00-17:00。", LEFT, 760),
        line("收货地址：湖北省武汉市武昌区华府大道278号", LEFT + 60, 840),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_time"].value == "周一至周五 9:00-17:00"
    assert f["receiving_address"].value == "湖北省武汉市武昌区华府大道278号"


def test_a_clause_on_the_next_row_is_not_part_of_the_address():
    lines = _contract(
        line("收货地址：湖北省武汉市武昌区华府大道278号", LEFT + 60, 700),
        line("三、乙方收货时须由指定收货人签收。", LEFT, 750),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "湖北省武汉市武昌区华府大道278号"


def test_labels_read_in_traditional_glyphs_from_a_kai_hand_are_still_labels():
    lines = [
        line("姓名 郑淑丽", 390, 265),
        line("公民身份号码 420103199311130397", 390, 616),
        line("收貨人電話：15815846790", 212, 1493),
        line("收貨時間：周一至周六8:30-17:30", 203, 1585),
    ]
    f = extract_fields(DocType.CONSIGNEE_ID, lines)
    assert f["consignee_phone"].value == "15815846790"
    assert f["receiving_time"].value == "周一至周六 8:30-17:30"


def test_address_wrapping_in_the_right_column_of_a_two_column_licence():
    lines = [
        TextLine("营业执照", (889, 282, 1475, 425), 0.99),
        TextLine("经营范围许可项目：第二类增值电信业务。一般项目：", (192, 832, 1117, 885), 0.97),
        TextLine("住", (1251, 832, 1309, 885), 0.99),
        TextLine("所河北省石家庄市长安区幸福南街270号1层商", (1391, 832, 2160, 887), 0.97),
        TextLine("家用电器销售；电子产品销售；计算机软硬件", (400, 895, 1134, 949), 0.97),
        TextLine("铺", (1455, 897, 1511, 950), 0.99),
        TextLine("及辅助设备零售；家具安装和维修服务（除依", (400, 959, 1138, 1013), 0.97),
    ]
    f = extract_fields(DocType.BUSINESS_LICENSE, lines)
    assert f["address"].value == "河北省石家庄市长安区幸福南街270号1层商铺"


def test_wrapped_address_going_on_with_hao_is_not_cut_by_the_partial_label_of_biānhào():
    lines = _contract(
        line("收货地址：江西省南昌市东湖区建设大街80", LEFT + 100, 700),
        line("号瑞丰物流园D区28号仓库", LEFT + 103, 755),
    )
    f = extract_fields(DocType.LOGISTICS_CONTRACT, lines)
    assert f["receiving_address"].value == "江西省南昌市东湖区建设大街80号瑞丰物流园D区28号仓库"


def test_next_form_row_with_its_own_label_is_not_a_continuation():
    lines = [
        line("客户建档申请表", 600, 150),
        TextLine("收货地址：", (200, 700, 380, 740), 0.98),
        TextLine("四川省成都市成华区中山北路229号兴隆物流园E区10号仓库", (400, 700, 1530, 740), 0.97),
        TextLine("预计提货日期：", (200, 760, 452, 800), 0.98),
        TextLine("2025年9月20日", (470, 760, 700, 800), 0.97),
    ]
    f = extract_fields(DocType.APPLICATION_FORM, lines)
    assert f["receiving_address"].value == "四川省成都市成华区中山北路229号兴隆物流园E区10号仓库"
    assert f["pickup_date"].value == "2025-09-20"
