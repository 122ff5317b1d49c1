"""A PDF's own text layer is read exactly, without OCR, with boxes on the rendered page image."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.files import ingest, page_image, pdf_render_scale
from ocr.reader import read_page
from ocr.textlayer import read_text_layer
from ocr.types import DocType, TextSource
from storage.filestore import FileStore
from tests.ocr.textpdf import FONT, PAGES, text_pdf

LINES = PAGES[0]  # the application form's lines, the first as its title


@pytest.fixture
def stored_pdf(tmp_path):
    result = ingest([text_pdf(tmp_path / "form.pdf", [LINES])], FileStore(tmp_path / "store"))
    assert not result.rejected
    return result.files[0]


def test_text_layer_lines_are_exact_and_boxed_in_page_pixels(stored_pdf):
    scale = pdf_render_scale(stored_pdf, 1, 200)
    lines = read_text_layer(stored_pdf.stored_path, 1, scale)
    assert lines is not None
    assert [ln.text for ln in lines] == LINES
    image = page_image(stored_pdf, 1, dpi=200)
    # "客户名称" starts 72 pt from the left edge: 200 px/in → 200 px
    assert abs(lines[1].bbox[0] - 200) <= 3
    assert all(0 <= ln.bbox[0] < ln.bbox[2] <= image.width for ln in lines)


def test_page_with_a_text_layer_is_not_ocred(stored_pdf):
    scale = pdf_render_scale(stored_pdf, 1, 200)
    reading, _ = read_page(
        page_image(stored_pdf, 1, dpi=200), text_layer=read_text_layer(stored_pdf.stored_path, 1, scale)
    )
    assert reading.text.source == TextSource.TEXT_LAYER
    assert reading.doc_type == DocType.APPLICATION_FORM
    assert reading.fields["tax_id"].value == "91330203MA2B3C4D1X"
    assert reading.fields["bank_account"].value == "3901100009000123456"
    assert reading.fields["tax_phone"].value == "0574-87654321"


def test_image_only_pdf_has_no_text_layer(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (800, 1100), "white").save(path, format="PDF")
    f = ingest([path], FileStore(tmp_path / "store")).files[0]
    assert read_text_layer(f.stored_path, 1, pdf_render_scale(f, 1, 200)) is None


def test_red_seal_legend_drawn_as_text_is_not_read_as_print(tmp_path: Path) -> None:
    # an e-seal drawn as red text over a signature block: its characters must not glue onto the print
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    path = tmp_path / "signed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("wqy", 12)
    for i, text in enumerate(LINES[1:]):
        c.drawString(72, A4[1] - 90 - 30 * i, text)
    c.drawString(300, 300, "法定代表人：姚欣珍")
    c.setFillColorRGB(0.85, 0.1, 0.1)
    for j, ch in enumerate("济南天和家电销售有限公司"):
        c.drawString(296 + 14 * j, 301, ch)  # the legend runs across the signature line
    c.setFillColorRGB(0.9, 0.15, 0.1)
    c.drawString(320, 280, "合同专用章")
    c.showPage()
    c.save()
    lines = read_text_layer(path, 1, 2.0)
    assert lines is not None
    text = "".join(ln.text for ln in lines)
    assert "法定代表人：姚欣珍" in text
    assert "合同专用章" not in text and "济南天和" not in text
