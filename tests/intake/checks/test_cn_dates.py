"""Chinese date and validity parsing against domain-rules.md §8 (Appendix B vectors and the §8.1 table)."""

from __future__ import annotations

from datetime import date

import pytest

from intake.checks.deadline import dossier_deadline, dossier_on_time
from intake.identifiers.dates import (
    OPEN,
    id_term_problems,
    is_expired,
    parse_cn_date,
    parse_time_window,
    parse_validity,
    to_iso,
)

D = date


@pytest.mark.parametrize(
    "text",
    [
        "2015年03月01日",
        "2015年3月1日",
        "2015.03.01",
        "2015-03-01",
        "2015/3/1",
        "20150301",
        "２０１５年０３月０１日",
        "二〇一五年三月一日",
        "二零一五年三月一日",
        "2015 年 3 月 1 日",
    ],
)
def test_dates_of_2015_03_01(text: str) -> None:
    assert parse_cn_date(text) == D(2015, 3, 1)


def test_chinese_numeral_dates() -> None:
    assert parse_cn_date("二零一五年十二月三十一日") == D(2015, 12, 31)
    assert parse_cn_date("二〇二〇年二月二十九日") == D(2020, 2, 29)
    assert parse_cn_date("二〇二一年十月廿一日") == D(2021, 10, 21)


@pytest.mark.parametrize("text", ["长期", "长期有效", "永久", "无固定期限", "不约定期限", "long_term"])
def test_open_ended(text: str) -> None:
    assert parse_cn_date(text) == OPEN


@pytest.mark.parametrize("text", ["2015年13月01日", "2015-02-30", "二〇二一年二月三十日"])
def test_impossible_dates_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cn_date(text)


def test_no_date() -> None:
    assert parse_cn_date("营业执照") is None
    assert parse_validity("") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015年03月01日至长期", (D(2015, 3, 1), OPEN)),
        ("自2015年03月01日起至2035年02月28日止", (D(2015, 3, 1), D(2035, 2, 28))),
        ("至2035年02月28日", (None, D(2035, 2, 28))),
        ("营业期限：长期", (None, OPEN)),
        ("2015.03.01-2035.03.01", (D(2015, 3, 1), D(2035, 3, 1))),
        ("2015.03.01—2035.03.01", (D(2015, 3, 1), D(2035, 3, 1))),
        ("2015.03.01-长期", (D(2015, 3, 1), OPEN)),
        ("2015-03-01至2035-02-28", (D(2015, 3, 1), D(2035, 2, 28))),
        ("二〇一五年三月一日至二〇三五年二月二十八日", (D(2015, 3, 1), D(2035, 2, 28))),
        ("20150301-20350228", (D(2015, 3, 1), D(2035, 2, 28))),
        ("2015年03月01日", (D(2015, 3, 1), None)),
    ],
)
def test_parse_validity(text: str, expected: tuple[object, object]) -> None:
    assert parse_validity(text) == expected


def test_is_expired_end_day_inclusive() -> None:
    assert not is_expired(D(2035, 2, 28), D(2035, 2, 28))
    assert is_expired(D(2035, 2, 28), D(2035, 3, 1))
    assert not is_expired(OPEN, D(2099, 1, 1))
    with pytest.raises(ValueError):
        is_expired(None, D(2025, 1, 1))


def test_to_iso() -> None:
    assert to_iso(D(2015, 3, 1)) == "2015-03-01"
    assert to_iso(OPEN) == "long_term"
    assert to_iso(None) is None


def test_id_term_problems() -> None:
    assert id_term_problems(D(1990, 5, 1), D(2015, 3, 1), D(2025, 3, 1)) == []
    assert id_term_problems(D(1980, 5, 1), D(2015, 3, 1), D(2025, 3, 1)) != []
    assert id_term_problems(D(1990, 5, 1), D(2015, 3, 1), OPEN) != []  # 长期 only from age 46
    assert id_term_problems(D(1960, 5, 1), D(2015, 3, 1), OPEN) == []
    assert id_term_problems(D(2005, 5, 1), D(2015, 3, 1), D(2020, 3, 1)) == []  # under 16: 5 years


def test_dossier_deadline() -> None:
    assert dossier_deadline(D(2025, 3, 10)) == D(2025, 3, 3)
    assert dossier_deadline(None) is None
    assert dossier_on_time(D(2025, 3, 3), D(2025, 3, 10))
    assert not dossier_on_time(D(2025, 3, 4), D(2025, 3, 10))


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("周一至周五 9:00-17:00", ("09:00", "17:00")),
        ("上午9点到下午5点", ("09:00", "17:00")),
        ("每天9点-5点", ("09:00", "17:00")),
        ("全天", ("00:00", "24:00")),
    ],
)
def test_parse_time_window(text: str, window: tuple[str, str]) -> None:
    assert parse_time_window(text) == window


@pytest.mark.parametrize("text", ["9:00-", "18:00-9:00", "随时"])
def test_unparseable_time_window(text: str) -> None:
    assert parse_time_window(text) is None
