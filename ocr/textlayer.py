"""Read a PDF page's own text layer with pdfplumber: exact text, no OCR, much faster.

Coordinates are mapped onto the page image we render for the reviewer (pixels = points × scale), so a
field's box highlights the same place whether it came from the text layer or from OCR.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ocr.types import TextLine

GAP_CHARS = 1.5  # a gap wider than this many character heights separates two cells
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
        p = pdf.pages[page - 1].filter(lambda obj: not _seal_ink(obj))
        try:
            raw = p.extract_text_lines(layout=False, strip=True, return_chars=True, keep_blank_chars=False)
        except (ValueError, KeyError, TypeError):
            return None
        text = "".join(line["text"] for line in raw)
        if not _usable(text):
            return None
        return [piece for line in raw for piece in _cells(line["chars"], scale)]


def _seal_ink(obj: dict[str, Any]) -> bool:
    """A character filled in red is a seal's legend (an e-seal drawn as text), not the page's print.

    Left in, its characters interleave with the signature block under it (法定代表人：济姚欣珍); the seal
    itself is found on the rendered page like any other.
    """
    if obj.get("object_type") != "char":
        return False
    color = obj.get("non_stroking_color")
    if not isinstance(color, (tuple, list)):
        return False
    if len(color) == 3:
        r, g, b = (float(v) for v in color)
        return r > 0.55 and r - max(g, b) > 0.35
    if len(color) == 4:  # CMYK: red is magenta + yellow without black
        c, m, y, k = (float(v) for v in color)
        return m > 0.6 and y > 0.5 and c < 0.3 and k < 0.4
    return False


def _cells(chars: list[dict[str, Any]], scale: float) -> list[TextLine]:
    """One text line of the PDF, cut where the gap between characters is wider than a character.

    pdfplumber joins everything on one baseline (银行账号 … 法人代表 across a two-column form); a reader
    sees separate cells there, and the label pairing relies on those cells.
    """
    out: list[TextLine] = []
    run: list[dict[str, Any]] = []

    def flush() -> None:
        text = "".join(c["text"] for c in run).strip()
        if text:
            box = (
                round(min(c["x0"] for c in run) * scale),
                round(min(c["top"] for c in run) * scale),
                round(max(c["x1"] for c in run) * scale),
                round(max(c["bottom"] for c in run) * scale),
            )
            out.append(TextLine(text=text, bbox=box, confidence=1.0))
        run.clear()

    for ch in sorted(chars, key=lambda c: c["x0"]):
        if run:
            size = max(run[-1]["bottom"] - run[-1]["top"], 1.0)
            if ch["x0"] - run[-1]["x1"] > GAP_CHARS * size:
                flush()
        run.append(ch)
    flush()
    return out
