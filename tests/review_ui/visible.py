"""What a person reads on a page: the text outside tags, scripts and styles, plus the attributes a browser
shows (title, placeholder, alt, button values); and the ASCII words in it that are not Chinese interface text.

Allowed ASCII: numbers, identifiers made of digits and capitals with digits (customer numbers C2026…, archive
numbers GD…, tax numbers), and a short list of abbreviations a Chinese clerk uses as they are (PDF, OCR …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

ALLOWED_WORDS = frozenset(
    {
        "PDF",
        "OCR",
        "CSV",
        "XLSX",
        "ID",
        "JSON",
        "API",
        "CSRF",
        "POS",
        "3C",
        "HTTP",
        "MB",
        "KB",
        "GB",
        "UTC",
        "C",
        "GD",
        "R",
    }
)
KEYS = frozenset({"Enter", "Esc", "Tab", "Shift"})  # keyboard hints name the keys as printed on them
FORMATS = frozenset({"Excel", "JPEG", "PNG", "TIFF", "BMP", "ZIP"})  # file formats by their own names
SHOWN_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.'-]*")
CODE_LIKE = re.compile(r"(?:[A-Z]{1,3}[0-9][0-9A-Z-]*|[0-9A-Z]{15,20})")  # C20261120001, GD…, 91330100MA…


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        shown = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if shown.get(name):
                self.parts.append(str(shown[name]))
        if tag == "input" and shown.get("type") in ("submit", "button") and shown.get("value"):
            self.parts.append(str(shown["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def stray_english(text: str, data: Iterable[str] = ()) -> list[str]:
    """ASCII words a Chinese clerk should not meet: English words and code names (`bank_permit`).

    `data`: strings the users typed or uploaded (user names, file names, references), removed first — they are
    what they are, not interface text.
    """
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    allowed = ALLOWED_WORDS | KEYS | FORMATS
    return [w for w in WORD.findall(text) if w not in allowed and len(w) > 1 and not CODE_LIKE.fullmatch(w)]
