"""Read a PDF page's own text layer with pdfium: exact text, no OCR, much faster.

pdfium (pypdfium2, which also renders the page) hands over each character with its box, colour and whether
its font maps it to Unicode, in C: about ten times faster than parsing the page in Python (pdfminer, as
pdfplumber did here before), which had become the largest cost of a text-layer page. Characters are grouped
into lines by their top (3 pt tolerance, as pdfplumber's text lines) and cut into cells at wide gaps.
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


LINE_TOLERANCE = 3.0  # pt: characters whose tops differ by less are on one line


def read_text_layer(path: Path | bytes, page: int, scale: float) -> list[TextLine] | None:
    """Lines of the text layer of ``page`` (1-based), or None when the page has no usable text layer."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            return None
        pdf_page = pdf[page - 1]
        textpage = pdf_page.get_textpage()
        try:
            chars = _chars(textpage, pdf_page.get_height())
        finally:
            textpage.close()
            pdf_page.close()
    finally:
        pdf.close()
    if not _usable("".join(c["text"] for c in chars)):
        return None
    return [piece for line in _lines([c for c in chars if not _seal_ink(c)]) for piece in _cells(line, scale)]


def _chars(textpage: Any, height: float) -> list[dict[str, Any]]:
    """Every printed character of the page: text, box (pdfplumber's names: x0, x1, top, bottom from the top
    of the page, in points) and fill colour; a glyph its font cannot map to Unicode becomes U+FFFD."""
    import ctypes

    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    out = []
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    box = raw.FS_RECTF()
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        if raw.FPDFText_IsGenerated(textpage.raw, i) or chr(code).isspace():
            continue
        text = "\ufffd" if code == 0 or raw.FPDFText_HasUnicodeMapError(textpage.raw, i) else chr(code)
        # the loose box: the advance width across, the font's descent to its ascent up (as pdfminer's)
        raw.FPDFText_GetLooseCharBox(textpage.raw, i, box)
        raw.FPDFText_GetFillColor(textpage.raw, i, r, g, b, a)
        out.append(
            {
                "text": text,
                "x0": box.left,
                "x1": box.right,
                "top": height - box.top,
                "bottom": height - box.bottom,
                "non_stroking_color": (r.value / 255, g.value / 255, b.value / 255),
                "object_type": "char",
            }
        )
    return out


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines by their tops (each within LINE_TOLERANCE of the last), top down."""
    lines: list[list[dict[str, Any]]] = []
    last = None
    for ch in sorted(chars, key=lambda c: c["top"]):
        if last is None or ch["top"] - last > LINE_TOLERANCE:
            lines.append([])
        lines[-1].append(ch)
        last = ch["top"]
    return lines


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
