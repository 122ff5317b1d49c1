"""Each output format is what it claims: real JPEG/PNG/BMP, multi-page TIFF (G4 really group4), image PDFs,
PDFs with an extractable text layer, GBK-named ZIP entries, and hostile files that really are broken."""

import io
import random
import zipfile
from datetime import date
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from PIL import Image

from tests.synth import output
from tests.synth.docs import RENDERERS, Ctx
from tests.synth.identity import make_identity
from tests.synth.output import FilePlan, PageOut
from tests.synth.page import render
from tests.synth.scan import degrade_page

AS_OF = date(2025, 6, 1)


@pytest.fixture(scope="module")
def contract_pages() -> tuple[list[PageOut], list[PageOut], str]:
    """A 2-page logistics contract as scanned images and as display lists (for the text-layer PDF)."""
    rng = random.Random(11)
    who = make_identity(rng, AS_OF)
    scanned = RENDERERS["logistics_contract"](Ctx(who, random.Random(1), as_of=AS_OF))
    digital = RENDERERS["logistics_contract"](Ctx(who, random.Random(1), as_of=AS_OF, pdf_safe=True))
    images = []
    for page, truth in zip(scanned.pages, scanned.truth, strict=True):
        img, info = degrade_page(render(page), rng, 0.6, allow_rotation=False)
        images.append(PageOut("logistics_contract", truth, scanned.template, image=img, scan=info))
    pages = [
        PageOut("logistics_contract", t, digital.template, page=p)
        for p, t in zip(digital.pages, digital.truth, strict=True)
    ]
    return images, pages, who.customer_name


@pytest.mark.parametrize(("fmt", "magic"), [("jpeg", b"\xff\xd8\xff"), ("png", b"\x89PNG"), ("bmp", b"BM")])
def test_single_page_images_have_their_magic_bytes(contract_pages, fmt: str, magic: bytes) -> None:
    images, _, _ = contract_pages
    data, pages = output.encode(FilePlan("x", fmt, images[:1]), random.Random(0))
    assert data.startswith(magic)
    assert Image.open(io.BytesIO(data)).size == images[0].image.size
    assert pages[0]["doc_type"] == "logistics_contract" and pages[0]["page"] == 1


def test_tiff_g4_is_bilevel_group4_with_all_pages(contract_pages) -> None:
    images, _, _ = contract_pages
    data, pages = output.encode(FilePlan("x.tif", "tiff_g4", images), random.Random(0))
    im = Image.open(io.BytesIO(data))
    assert im.format == "TIFF" and im.n_frames == 2
    for i in range(im.n_frames):
        im.seek(i)
        assert im.mode == "1" and im.info["compression"] == "group4"
    assert [p["color"] for p in pages] == [False, False]


def test_colour_tiff_and_image_pdf_keep_every_page(contract_pages) -> None:
    images, _, _ = contract_pages
    data, _ = output.encode(FilePlan("x.tif", "tiff", images), random.Random(0))
    assert Image.open(io.BytesIO(data)).n_frames == 2
    data, pages = output.encode(FilePlan("x.pdf", "pdf_image", images), random.Random(0))
    pdf = pypdfium2.PdfDocument(data)
    assert len(pdf) == 2 and [p["text_layer"] for p in pages] == [False, False]
    assert pdf[0].get_textpage().get_text_range().strip() == ""


def test_text_layer_pdf_has_the_printed_values_as_text(contract_pages) -> None:
    _, pages, name = contract_pages
    data, truth = output.encode(FilePlan("x.pdf", "pdf_text", pages), random.Random(0))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        text = pdf.pages[0].extract_text().replace(" ", "")
    assert name in text
    assert truth[0]["fields"]["receiving_address"] in text
    assert truth[0]["text_layer"] and truth[0]["rotation"] == 0 and not truth[0]["degraded"]


def test_hostile_files_are_really_unreadable(contract_pages) -> None:
    images, pages, _ = contract_pages
    rng = random.Random(3)
    broken = output.truncated_jpeg(images[0].image, rng)
    with pytest.raises(OSError):
        Image.open(io.BytesIO(broken)).load()
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(output.encrypted_pdf(pages[0].page))
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(output.random_bytes(rng))


def test_zip_names_can_be_gbk_without_the_utf8_flag(tmp_path: Path) -> None:
    path = tmp_path / "资料.zip"
    output.write_zip(path, [("营业执照.jpg", b"abc")], gbk_names=True)
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
        assert not info.flag_bits & 0x800
        assert info.filename.encode("cp437").decode("gbk") == "营业执照.jpg"
    output.write_zip(path, [("营业执照.jpg", b"abc")], gbk_names=False)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["营业执照.jpg"]
