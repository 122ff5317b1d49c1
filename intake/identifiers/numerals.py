"""Chinese digits as printed and as readers return them (〇 ○ Ｏ for zero): one table for page footers,
clause numbers, dates and house numbers."""

from __future__ import annotations

from types import MappingProxyType

CN_DIGIT = MappingProxyType(
    {
        "〇": 0,
        "零": 0,
        "○": 0,
        "Ｏ": 0,
        "O": 0,
        "o": 0,
        "0": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
)
