"""A field's confidence knows the character the reader hesitated over, not only the line's mean."""

from ocr.fields import extract_fields
from ocr.layout import build_rows
from ocr.types import DocType, TextLine


def _line(text: str, chars: tuple[float, ...] = ()) -> TextLine:
    return TextLine(text, (100, 400, 100 + 36 * len(text), 440), 0.93, chars)


def test_one_doubted_character_makes_the_value_doubtful() -> None:
    name = "客户名称：石家产市长安区华腾电器商店"
    weak = tuple(0.3 if ch == "产" else 0.99 for ch in name)
    sure = extract_fields(DocType.APPLICATION_FORM, [_line(name)])["customer_name"]
    doubted = extract_fields(DocType.APPLICATION_FORM, [_line(name, weak)])["customer_name"]
    assert sure.confidence > 0.85
    assert doubted.confidence < 0.6  # the checks treat it as a doubtful reading


def test_a_doubted_character_in_the_label_does_not_touch_the_value() -> None:
    text = "客户名称：石家庄市长安区华腾电器商店"
    chars = tuple(0.2 if i == 1 else 0.99 for i in range(len(text)))  # 户 of the label hesitated over
    row = build_rows([_line(text, chars)])[0]
    assert row.span_confidence(5, len(text)) > 0.9
    assert row.span_confidence(0, len(text)) < 0.5


def test_lines_without_character_scores_keep_the_line_score() -> None:
    row = build_rows([_line("开户银行：中国工商银行股份有限公司杭州西湖支行")])[0]
    assert row.span_confidence(5, 10) == 0.93
