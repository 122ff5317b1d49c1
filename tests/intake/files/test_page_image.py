"""Pages as images: PDFs drawn at a bounded dpi with a reported scale, rasters upright and in RGB or L."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from intake.files import IngestedFile, Limits, ingest_upload, page_image, pdf_render_scale
from storage.filestore import FileStore


def _one(store: FileStore, name: str, data: bytes) -> IngestedFile:
    result = ingest_upload(name, io.BytesIO(data), store)
    assert result.rejected == ()
    return result.files[0]


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_pdf_page_is_rendered_at_the_requested_dpi(store: FileStore, make: SimpleNamespace) -> None:
    f = _one(store, "a4.pdf", make.pdf(pages=2, size=(595, 842)))

    image = page_image(f, 2, dpi=144)

    assert image.mode == "RGB"
    assert image.size == (1190, 1684)
    assert pdf_render_scale(f, 2, 144) == pytest.approx(2.0)


def test_pdf_render_is_capped_by_max_pixels_and_scale_reports_it(
    store: FileStore, make: SimpleNamespace
) -> None:
    f = _one(store, "a4.pdf", make.pdf(size=(595, 842)))
    limits = Limits(max_pixels=1_000_000)

    image = page_image(f, 1, dpi=600, limits=limits)
    scale = pdf_render_scale(f, 1, 600, limits=limits)

    assert image.width * image.height <= 1_000_000
    assert scale < 600 / 72
    assert image.width == pytest.approx(595 * scale, abs=1)
    assert image.height == pytest.approx(842 * scale, abs=1)


def test_rotated_pdf_page_is_drawn_upright_with_swapped_sides(
    store: FileStore, make: SimpleNamespace
) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make.pdf(size=(400, 200))))
    writer.pages[0].rotate(90)
    buf = io.BytesIO()
    writer.write(buf)
    f = _one(store, "rotated.pdf", buf.getvalue())

    assert page_image(f, 1, dpi=72).size == (200, 400)


def test_g4_tiff_frames_are_pages_in_grey(store: FileStore, make: SimpleNamespace) -> None:
    f = _one(store, "seal_card.tif", make.g4_tiff(pages=3, size=(500, 400)))

    pages = [page_image(f, n) for n in (1, 2, 3)]

    assert f.page_count == 3
    assert {p.mode for p in pages} == {"L"}
    assert {p.size for p in pages} == {(500, 400)}
    # Each frame has its black bar lower down: the frames are really distinct pages.
    first_dark_rows = [int(np.argmax((np.asarray(p) < 128).any(axis=1))) for p in pages]
    assert first_dark_rows == [50, 90, 130]


def test_exif_orientation_is_applied_to_photos(store: FileStore) -> None:
    photo = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # camera held upright: rotate 90° clockwise for display
    buf = io.BytesIO()
    photo.save(buf, format="JPEG", exif=exif.tobytes())
    f = _one(store, "IMG_0001.JPG", buf.getvalue())

    assert page_image(f, 1).size == (100, 300)


def test_transparent_png_is_flattened_on_white(store: FileStore) -> None:
    transparent = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    f = _one(store, "clear.png", _png(transparent))

    image = page_image(f, 1)

    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == (255, 255, 255)


def test_sixteen_bit_grey_becomes_eight_bit_l(store: FileStore) -> None:
    deep = Image.fromarray(np.full((10, 20), 65535, dtype=np.uint16))
    f = _one(store, "deep.png", _png(deep))

    image = page_image(f, 1)

    assert image.mode == "L"
    assert image.getpixel((3, 3)) == 255


def test_page_numbers_are_checked(store: FileStore, make: SimpleNamespace) -> None:
    pdf = _one(store, "one.pdf", make.pdf())
    jpeg = _one(store, "one.jpg", make.jpeg())

    with pytest.raises(IndexError):
        page_image(pdf, 2)
    with pytest.raises(IndexError):
        page_image(jpeg, 0)
    with pytest.raises(ValueError):
        pdf_render_scale(jpeg, 1, 300)


def test_page_image_of_the_stored_file_not_the_input(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    source = tmp_path / "scan.png"
    source.write_bytes(make.png(size=(30, 20)))
    f = _one(store, "scan.png", source.read_bytes())
    source.unlink()

    assert page_image(f, 1).size == (30, 20)
