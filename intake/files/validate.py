"""Proving that a stored-to-be file really decodes, within limits, before it is accepted.

Each check takes a path on disk (already copied into the store's spool area) and returns the page count, or
raises ``RejectionError`` with the reason. Sizes are always checked from headers BEFORE any pixel is decoded,
so a 100000×100000 PNG is refused without allocating its 30 GB. Pillow's global settings
(``MAX_IMAGE_PIXELS``, ``LOAD_TRUNCATED_IMAGES``) are read, never changed: other code shares them.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, UnidentifiedImageError

from intake.files.model import Limits, RejectCode, RejectionError, error_detail

PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "bmp": "BMP"}
MULTI_PAGE_KINDS = frozenset({"tiff"})
"""Only TIFF frames are pages; extra frames of a JPEG (MPO previews) or PNG (APNG) are not."""

SMOKE_RENDER_PIXELS = 1_000_000
"""The first PDF page is rendered this small to prove pdfium can draw it, at negligible cost."""

PDFIUM_LOCK = threading.RLock()
"""pdfium is not thread-safe; every use in this process (validation and rendering) holds this lock, so a
threaded web server can validate uploads and draw pages for the review UI at the same time."""

MAX_PDF_OBJECTS_INSPECTED = 200_000
"""Cap on page objects walked when looking for oversized embedded images (bounds validation time)."""


@contextmanager
def open_image(path: Path | bytes, kind: str) -> Iterator[Image.Image]:
    """Open lazily (header only) as exactly the sniffed format; oversized headers become image_too_large."""
    try:
        with warnings.catch_warnings():
            # Our own limit is stricter and explicit; Pillow's warning would only be noise in the logs.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            source = io.BytesIO(path) if isinstance(path, bytes) else path  # sealed originals: in memory
            image = Image.open(source, formats=[PIL_FORMATS[kind]])
    except Image.DecompressionBombError as exc:
        raise RejectionError(RejectCode.IMAGE_TOO_LARGE, "图片尺寸远超上限") from exc
    except UnidentifiedImageError as exc:
        raise RejectionError(RejectCode.CORRUPT_IMAGE, "文件头无法识别") from exc
    except Exception as exc:  # Pillow signals bad headers with many exception types
        raise RejectionError(RejectCode.CORRUPT_IMAGE, error_detail(exc)) from exc
    with image:
        yield image


def check_frame_size(image: Image.Image, limits: Limits, page: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise RejectionError(RejectCode.CORRUPT_IMAGE, f"第 {page} 页尺寸为 {width}×{height}")
    if width * height > limits.max_pixels:
        raise RejectionError(
            RejectCode.IMAGE_TOO_LARGE,
            f"第 {page} 页 {width}×{height} 像素，上限 {limits.max_pixels // 1_000_000} 百万像素",
        )


def _is_truncation(exc: BaseException) -> bool:
    return isinstance(exc, EOFError) or "truncated" in str(exc).lower()


def validate_image(path: Path, kind: str, limits: Limits) -> int:
    """Header check + Pillow ``verify()`` + a full decode of every page; returns the page count."""
    with open_image(path, kind) as image:
        check_frame_size(image, limits, 1)
        try:
            image.verify()  # checksums (PNG CRCs) and structure, without decoding pixels
        except Exception as exc:
            code = RejectCode.TRUNCATED_IMAGE if _is_truncation(exc) else RejectCode.CORRUPT_IMAGE
            raise RejectionError(code, error_detail(exc)) from exc
    # verify() leaves the image unusable: decode from a fresh handle.
    with open_image(path, kind) as image:
        pages = 0
        last = limits.max_pages_per_file if kind in MULTI_PAGE_KINDS else 1
        for index in range(last + 1):
            if index > 0:
                if kind not in MULTI_PAGE_KINDS:
                    break
                try:
                    image.seek(index)
                except EOFError:
                    break
                except Exception as exc:
                    raise RejectionError(
                        RejectCode.CORRUPT_IMAGE, f"第 {index + 1} 页：{error_detail(exc)}"
                    ) from exc
            if index == last:
                raise RejectionError(RejectCode.TOO_MANY_PAGES, f"超过 {limits.max_pages_per_file} 页")
            check_frame_size(image, limits, index + 1)
            try:
                image.load()
            except Image.DecompressionBombError as exc:
                raise RejectionError(RejectCode.IMAGE_TOO_LARGE, error_detail(exc)) from exc
            except Exception as exc:
                code = RejectCode.TRUNCATED_IMAGE if _is_truncation(exc) else RejectCode.CORRUPT_IMAGE
                raise RejectionError(code, f"第 {index + 1} 页：{error_detail(exc)}") from exc
            pages += 1
    return pages


def open_pdf(path: Path | bytes) -> pdfium.PdfDocument:
    """Open with no password: a PDF that only has an owner password (print/copy restrictions) opens fine."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise RejectionError(RejectCode.ENCRYPTED_PDF) from exc
        raise RejectionError(RejectCode.CORRUPT_PDF, error_detail(exc)) from exc


def _check_embedded_images(pdf: pdfium.PdfDocument, page_count: int, limits: Limits) -> None:
    """An embedded image is decoded whole when the page renders: refuse pixel bombs here, not mid-OCR."""
    inspected = 0
    for index in range(page_count):
        page = pdf[index]
        try:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
                inspected += 1
                width, height = obj.get_px_size()
                if width * height > limits.max_pixels:
                    raise RejectionError(
                        RejectCode.IMAGE_TOO_LARGE, f"第 {index + 1} 页内嵌图片 {width}×{height} 像素"
                    )
                if inspected >= MAX_PDF_OBJECTS_INSPECTED:
                    return
        finally:
            page.close()


def validate_pdf(path: Path, limits: Limits) -> int:
    """Opens, counts and sizes every page, and draws the first one small; returns the page count."""
    with PDFIUM_LOCK:
        return _validate_pdf(path, limits)


def _validate_pdf(path: Path, limits: Limits) -> int:
    pdf = open_pdf(path)
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise RejectionError(RejectCode.EMPTY_PDF)
        if page_count > limits.max_pages_per_file:
            raise RejectionError(
                RejectCode.TOO_MANY_PAGES, f"共 {page_count} 页，上限 {limits.max_pages_per_file} 页"
            )
        for index in range(page_count):
            try:
                width, height = pdf.get_page_size(index)
            except pdfium.PdfiumError as exc:
                detail = f"第 {index + 1} 页：{error_detail(exc)}"
                raise RejectionError(RejectCode.CORRUPT_PDF, detail) from exc
            sides = (width, height)
            if not all(math.isfinite(s) for s in sides) or not all(
                limits.min_pdf_page_points <= s <= limits.max_pdf_page_points for s in sides
            ):
                raise RejectionError(
                    RejectCode.PAGE_SIZE_INVALID, f"第 {index + 1} 页 {width:.0f}×{height:.0f} 点"
                )
        try:
            _check_embedded_images(pdf, page_count, limits)
            page = pdf[0]
            try:
                width, height = page.get_size()
                scale = min(1.0, math.sqrt(SMOKE_RENDER_PIXELS / (width * height)))
                page.render(scale=scale).close()
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise RejectionError(RejectCode.CORRUPT_PDF, error_detail(exc)) from exc
        return page_count
    finally:
        pdf.close()
