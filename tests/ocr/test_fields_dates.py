"""Chinese-numeral dates at a certificate's foot, and the legacy tax certificate (issue 9, 2d and 2e)."""

from ocr.fields import extract_fields
from ocr.types import DocType, TextLine

CHAR = 36  # px per CJK character on a ~1650×2340 page; lines are 40 px high
LEFT = 120


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = 40, conf: float = 0.97) -> TextLine:
    """One line as a reader returns it at (x0, y0); its width follows from its characters unless given."""
    width = sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 for c in text)
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + width, y0 + h), conf)


def _permit(*foot: TextLine) -> list[TextLine]:
    return [
        line("开户许可证", 640, 200, h=70),
        line("核准号：J3010001234501", LEFT, 420),
        line("编号：3010-01234567", 900, 420),
        line("经审核，南京联锦家电销售有限公司符合开户条件，准予", LEFT, 560),
        line("开立基本存款账户。", LEFT, 620),
        line("法定代表人（单位负责人）田军华", LEFT, 700),
        line("开户银行 中国建设银行股份有限公司南京鼓楼支行", LEFT, 780),
        line("账号 32050188360000001234", LEFT, 860),
        line("发证机关（盖章）", 1000, 1500),
        *foot,
    ]


def test_account_opened_printed_in_chinese_numerals_at_the_foot():
    f = extract_fields(DocType.BANK_PERMIT, _permit(line("二〇一八年六月十二日", 1000, 1600)))
    assert f["account_opened"].value == "2018-06-12"
    assert f["account_opened"].bbox[1] >= 1600


def test_account_opened_split_over_cells():
    f = extract_fields(
        DocType.BANK_PERMIT,
        _permit(line("2018", 1000, 1600), line("年06月", 1100, 1600), line("12日", 1260, 1600)),
    )
    assert f["account_opened"].value == "2018-06-12"


def test_half_read_foot_date_is_rejected_not_guessed():
    # the reader lost the day, or two year digits: no date rather than a wrong one
    f = extract_fields(DocType.BANK_PERMIT, _permit(line("二〇一八年六月", 1000, 1600)))
    assert "account_opened" not in f
    g = extract_fields(DocType.BANK_PERMIT, _permit(line("一八年六月十二日", 1072, 1600)))
    assert "account_opened" not in g
    h = extract_fields(DocType.BANK_PERMIT, _permit(line("二〇一八年六月卅二日", 1000, 1600)))
    assert "account_opened" not in h


def test_year_whose_leading_two_was_lost_under_a_seal_is_the_only_century_it_can_be():
    # 二〇一三 read as 〇一三: a three-digit year that starts with 〇 can only be 20xx on a bank permit
    f = extract_fields(DocType.BANK_PERMIT, _permit(line("〇一三年七月二十三日", 1036, 1600)))
    assert f["account_opened"].value == "2013-07-23"


def test_labelled_account_opened_is_preferred_and_its_misread_day_mark_tolerated():
    f = extract_fields(
        DocType.BANK_PERMIT,
        _permit(line("开户日期：2018年06月12曰", LEFT, 940), line("二〇一八年六月十五日", 1000, 1600)),
    )
    assert f["account_opened"].value == "2018-06-12"


def test_legacy_tax_certificate_number_under_the_title_and_issue_date():
    lines = [
        line("税务登记证", 640, 200, h=70),
        line("苏地税字 320102198001011238 号", 560, 320),
        line("纳税人名称  南京秦淮田记家电店", LEFT, 460),
        line("业主姓名  田军华", LEFT, 530),
        line("地址  南京市秦淮区中华路150号", LEFT, 600),
        line("发证机关（盖章）", 1000, 1500),
        line("二〇一二年三月五日", 1000, 1600),
    ]
    f = extract_fields(DocType.TAX_REGISTRATION, lines)
    assert f["tax_id"].value == "320102198001011238"
    assert f["issue_date"].value == "2012-03-05"
    # no validity range printed: valid from the issue date
    assert f["valid_from"].value == "2012-03-05"
    assert "valid_to" not in f


def test_legacy_number_without_a_label_and_labelled_issue_date():
    # a sole trader's 20-digit number (owner's ID + 00) printed alone under the title
    lines = [
        line("税务登记证", 640, 200, h=70),
        line("32010219800101123800", 600, 320),
        line("纳税人名称：南京秦淮田记家电店", LEFT, 460),
        line("有效期限：2012年03月05日至2017年03月04日", LEFT, 1300),
        line("发证日期：2012年03月05日", LEFT, 1400),
    ]
    f = extract_fields(DocType.TAX_REGISTRATION, lines)
    assert f["tax_id"].value == "32010219800101123800"
    assert f["issue_date"].value == "2012-03-05"
    assert f["valid_from"].value == "2012-03-05"
    assert f["valid_to"].value == "2017-03-04"


def test_legacy_number_after_its_label_with_spaces_read_inside():
    lines = [
        line("税务登记证", 640, 200, h=70),
        line("税务登记号：110108 600037341", LEFT, 400),
        line("发证日期：二〇〇九年十月八日", LEFT, 1400),
    ]
    f = extract_fields(DocType.TAX_REGISTRATION, lines)
    assert f["tax_id"].value == "110108600037341"
    assert f["issue_date"].value == "2009-10-08"


def test_unlabelled_card_number_on_a_passbook_copy() -> None:
    lines = [
        line("中国建设银行", 400, 400),
        line("6217 0021 8760 2252 220", 404, 700),
        line("银联UnionPay", 1050, 850),
        line("户名：钟文雨", 224, 1100),
        line("开户行：中国建设银行济南高新支行", 222, 1200),
    ]
    f = extract_fields(DocType.PASSBOOK, lines)
    assert f["bank_account"].value == "6217002187602252220"
    assert f["account_holder"].value == "钟文雨"


def test_licence_type_keeps_the_printed_full_width_brackets() -> None:
    lines = [line("营业执照", 700, 200), line("类型：有限责任公司(自然人投资或控股)", 200, 600)]
    f = extract_fields(DocType.BUSINESS_LICENSE, lines)
    assert f["license_type"].value == "有限责任公司（自然人投资或控股）"


def test_bare_numeric_date_at_a_permits_foot_is_the_opening_date() -> None:
    # the label 开户日期 hidden under the bank's seal, the date printed 2020.04.25 beside it
    f = extract_fields(DocType.BANK_PERMIT, _permit(line("2020.04.25", 1227, 1340)))
    assert f["account_opened"].value == "2020-04-25"
    g = extract_fields(DocType.BANK_PERMIT, _permit(line("有效期限 2020.04.25-2030.04.25", 900, 1340)))
    assert "account_opened" not in g  # a validity range is not an opening date
