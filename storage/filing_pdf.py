"""The archived PDF of one document: its page images with an invisible, searchable text layer.

Like OCRmyPDF's output (its hOCR transform): each page is the upright image the reviewer saw, and over it
every line of text is drawn in render mode 3 (invisible) at its box, in a font size taken from the box's
height and stretched horizontally (Tz) to the box's width, so that selecting text in a viewer selects the
words where they are printed and a search finds them. CJK text uses reportlab's built-in CID font STSong-Light
(Adobe-GB1, UniGB-UCS2-H): it is not embedded, so no font file is needed and viewers substitute their own
Song face — which is fine for invisible text, and the reason the output is not PDF/A (PDF/A requires every
font, even an invisible one, to be embedded; we have no validator here, so we claim nothing).

Memory: reportlab passes a JPEG file's bytes into the PDF undecoded (as binary, see useA85 below), so a page
costs about its JPEG's size.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
INVISIBLE = 3  # PDF text render mode: neither fill nor stroke
IMAGE_DPI = 200  # the page images are rendered at this resolution (intake.lifecycle.reading.RENDER_DPI)
FONT_OF_BOX = 0.85  # font size as a share of the box height: CJK glyphs fill most of their em square
BASELINE_OF_BOX = 0.15  # the baseline sits this far up the box
MIN_SCALE, MAX_SCALE = 5.0, 1000.0  # horizontal scale (%) bounds: a degenerate box must not make a wild Tz

BBox = tuple[float, float, float, float]

# Streams as binary, not ASCII85: without reportlab's C accelerator the ASCII85 encoder is pure Python
# and took ~2 s per 200-dpi page image; binary streams are 20 % smaller too. Process-wide, read at each write.
rl_config.useA85 = 0


@dataclass(frozen=True, slots=True)
class Word:
    """A run of text and its box in the page image's pixels (x0, y0, x1, y1; origin top left)."""

    text: str
    bbox: BBox


@dataclass(frozen=True, slots=True)
class PdfPage:
    image: Path | bytes  # JPEG (or any image reportlab reads) of the upright page: a file, or its bytes
    words: Sequence[Word]


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def printable(text: str) -> str:
    """What the CID font can carry: control characters dropped, characters beyond the BMP (UCS-2) dropped."""
    return "".join(
        ch for ch in text if ord(ch) <= 0xFFFF and not unicodedata.category(ch).startswith("C")
    ).strip()


def write_pdf(target: Path | BinaryIO, pages: Sequence[PdfPage], *, title: str, subject: str = "") -> int:
    """Write the PDF to `target`, a file (the caller picks a temporary name and places it) or a stream (to be
    sealed before it reaches the disk); returns the page count."""
    _register_font()
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("Dossier Intake")
    for page in pages:
        source = io.BytesIO(page.image) if isinstance(page.image, bytes) else page.image
        with Image.open(source) as image:  # reads the header only: the size in pixels
            width_px, height_px = image.size
        scale = 72.0 / IMAGE_DPI
        width, height = width_px * scale, height_px * scale
        canvas.setPageSize((width, height))
        drawn = ImageReader(io.BytesIO(page.image)) if isinstance(page.image, bytes) else str(page.image)
        canvas.drawImage(drawn, 0, 0, width=width, height=height)
        _text_layer(canvas, page.words, scale, height)
        canvas.showPage()
    canvas.save()
    return len(pages)


def _text_layer(canvas: Canvas, words: Sequence[Word], scale: float, page_height: float) -> None:
    text = canvas.beginText()
    text.setTextRenderMode(INVISIBLE)
    for word in words:
        content = printable(word.text)
        x0, y0, x1, y1 = word.bbox
        box_w, box_h = (x1 - x0) * scale, (y1 - y0) * scale
        if not content or box_w <= 0 or box_h <= 0:
            continue
        size = max(1.0, box_h * FONT_OF_BOX)
        natural = pdfmetrics.stringWidth(content, FONT, size)
        stretch = min(MAX_SCALE, max(MIN_SCALE, 100.0 * box_w / natural)) if natural else 100.0
        text.setFont(FONT, size)
        text.setHorizScale(stretch)
        text.setTextOrigin(x0 * scale, page_height - y1 * scale + box_h * BASELINE_OF_BOX)
        text.textOut(content)
    canvas.drawText(text)
