"""Read a PDF page's own text layer with pdfplumber: exact text, no OCR, much faster.

Coordinates are mapped onto the page image we render for the reviewer (pixels = points × scale), so a
field's box highlights the same place whether it came from the text layer or from OCR.
"""

from __future__ import annotations

import re
from pathlib import Path

from ocr.types import TextLine

MIN_TEXT_CHARS = 16  # fewer real characters than this = a scan with stray text objects, read it with OCR
_CID = re.compile(r"\(cid:\d+\)")


def _usable(text: str) -> bool:
    """Text made of (cid:NN) placeholders or private-use glyphs is a font without a Unicode map: unusable."""
    if _CID.search(text):
        return False
    visible = [c for c in text if not c.isspace()]
    private = sum(1 for c in visible if 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
    return len(visible) >= MIN_TEXT_CHARS and private <= len(visible) // 10


def read_text_layer(path: Path, page: int, scale: float) -> list[TextLine] | None:
    """Lines of the text layer of ``page`` (1-based), or None when the page has no usable text layer."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            return None
        p = pdf.pages[page - 1]
        try:
            raw = p.extract_text_lines(layout=False, strip=True, return_chars=False, keep_blank_chars=False)
        except (ValueError, KeyError, TypeError):
            return None
        text = "".join(line["text"] for line in raw)
        if not _usable(text):
            return None
        return [
            TextLine(
                text=line["text"],
                bbox=(
                    round(line["x0"] * scale),
                    round(line["top"] * scale),
                    round(line["x1"] * scale),
                    round(line["bottom"] * scale),
                ),
                confidence=1.0,
            )
            for line in raw
            if line["text"].strip()
        ]
