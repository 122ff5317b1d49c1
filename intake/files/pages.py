"""One page of an accepted file as an image, the way the reader (OCR) and the review UI see it.

PDF pages are drawn with pdfium at the requested dpi, lowered when the page would exceed ``max_pixels``;
``pdf_render_scale`` reports the scale actually used so text-layer coordinates (PDF points) can be mapped onto
the same image. Raster pages are returned as stored: no resampling, EXIF orientation applied, always RGB or L.

pdfium is not thread-safe: call these from one thread per process (the Celery prefork pool does that).
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageOps

from intake.files.model import IngestedFile, Limits
from intake.files.validate import PDFIUM_LOCK, check_frame_size, open_image, open_pdf

POINTS_PER_INCH = 72.0
EXIF_ORIENTED_KINDS = frozenset({"jpeg", "png"})


def render_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float:
    """Pixels per point for ``dpi``, reduced until the rendered bitmap fits within ``max_pixels``."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    scale = dpi / POINTS_PER_INCH
    area = width_pt * height_pt
    if area * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / area)
    # pdfium rounds bitmap sides up; shave the scale until the rounded size really fits.
    while math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels:
        scale *= 0.999
    return scale


def _check_page(f: IngestedFile, page: int) -> None:
    if not 1 <= page <= f.page_count:
        raise IndexError(f"{f.name} has {f.page_count} page(s); page {page} requested")


def pdf_render_scale(f: IngestedFile, page: int, dpi: int, *, limits: Limits = Limits()) -> float:  # noqa: B008
    """Pixels per PDF point that ``page_image`` uses for this page at this dpi (same limits ⇒ same value)."""
    if f.kind != "pdf":
        raise ValueError(f"{f.name} is a {f.kind}, not a PDF")
    _check_page(f, page)
    with PDFIUM_LOCK:
        pdf = open_pdf(f.source())
        try:
            width, height = pdf.get_page_size(page - 1)
        finally:
            pdf.close()
    return render_scale(width, height, dpi, limits.max_pixels)


def _render_pdf_page(f: IngestedFile, page: int, dpi: int, limits: Limits) -> Image.Image:
    with PDFIUM_LOCK:
        return _render_locked(f, page, dpi, limits)


def _render_locked(f: IngestedFile, page: int, dpi: int, limits: Limits) -> Image.Image:
    pdf = open_pdf(f.source())
    try:
        pdf_page = pdf[page - 1]
        try:
            width, height = pdf_page.get_size()  # includes /Rotate, like the rendered bitmap
            scale = render_scale(width, height, dpi, limits.max_pixels)
            bitmap = pdf_page.render(scale=scale, may_draw_forms=True)
            try:
                image: Image.Image = bitmap.to_pil()
                # BGR → RGB is already a copy (PIL never shares an RGB buffer); any other format is shared
                # with the bitmap, freed below, so converting copies it out
                image = image if image.mode == "RGB" else image.convert("RGB")
            finally:
                bitmap.close()
        finally:
            pdf_page.close()
    finally:
        pdf.close()
    return image


def _flatten_alpha(image: Image.Image, mode: str) -> Image.Image:
    """Transparent scans are meant to be on white paper, not on black."""
    if mode == "RGB":
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    grey_alpha = image.convert("LA")
    paper = Image.new("L", grey_alpha.size, 255)
    paper.paste(grey_alpha.getchannel("L"), mask=grey_alpha.getchannel("A"))
    return paper


def to_rgb_or_l(image: Image.Image) -> Image.Image:
    """Normalise any decoded mode to 8-bit RGB or L (bilevel and 16-bit greys become L)."""
    mode = image.mode
    if mode == "L":
        return image.copy()
    if mode == "RGB":
        return image.copy()
    if mode == "1":
        return image.convert("L")
    if mode in ("LA", "La"):
        return _flatten_alpha(image, "L")
    if mode in ("RGBA", "RGBa", "PA") or (mode == "P" and "transparency" in image.info):
        return _flatten_alpha(image, "RGB")
    if mode.startswith("I") or mode == "F":
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
        return Image.fromarray(np.clip(values * (255.0 / peak), 0, 255).astype(np.uint8), mode="L")
    return image.convert("RGB")


def _raster_page(f: IngestedFile, page: int, limits: Limits) -> Image.Image:
    with open_image(f.source(), f.kind) as image:
        if page > 1:
            image.seek(page - 1)
        check_frame_size(image, limits, page)
        image.load()
        upright = ImageOps.exif_transpose(image) if f.kind in EXIF_ORIENTED_KINDS else image
        return to_rgb_or_l(upright)


def page_image(f: IngestedFile, page: int, *, dpi: int = 300, limits: Limits = Limits()) -> Image.Image:  # noqa: B008
    """Page ``page`` (1-based) of an accepted file as an RGB or L image; ``dpi`` only matters for PDFs.

    Raises IndexError for a page the file does not have and RejectionError if the page breaks ``limits``.
    """
    _check_page(f, page)
    if f.kind == "pdf":
        return _render_pdf_page(f, page, dpi, limits)
    return _raster_page(f, page, limits)
