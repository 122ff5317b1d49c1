"""Read one page: text (PDF text layer, else orientation + OCR), document type, fields and seals.

The one entry point the pipeline and the workers call per page. Returns the reading together with the
upright page image, because every box in the reading refers to that image (the reviewer is shown it).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from ocr import orientation
from ocr.classify import classify
from ocr.engines import DEFAULT_ENGINE, get_engine
from ocr.fields import extract_fields
from ocr.seals import find_seals, red_regions, wash_seal_ink
from ocr.types import PageReading, PageText, TextLine, TextSource

MAX_SIDE = 2400  # px: A4 at ~200 dpi; bigger scans are reduced (OCR resamples to ≤2000 px anyway)
A4_SHORT_INCH = 8.27


@dataclass(frozen=True, slots=True)
class PageImage:
    pixels: np.ndarray  # upright RGB, the image the boxes refer to
    dpi: float


def to_rgb_array(image: Image.Image) -> np.ndarray:
    if image.mode != "RGB":
        image = image.convert("RGB")
    arr = np.asarray(image)
    h, w = arr.shape[:2]
    scale = MAX_SIDE / max(h, w)
    if scale < 1:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))  # a 1 px sliver must not vanish
        arr = cv2.resize(arr, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(arr)


def estimate_dpi(pixels: np.ndarray) -> float:
    """Scans rarely carry a trustworthy dpi; the short side of an A4-ish page is a better ruler."""
    return min(pixels.shape[:2]) / A4_SHORT_INCH


def read_page(
    image: Image.Image,
    *,
    text_layer: list[TextLine] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> tuple[PageReading, np.ndarray]:
    # a rendered text-layer page is RGB already: converting would copy its ~12 MB once more for nothing
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    pixels = to_rgb_array(rgb) if text_layer is None else np.ascontiguousarray(np.asarray(rgb))
    original, regions = pixels, None
    if text_layer is not None:
        text = PageText(
            pixels.shape[1], pixels.shape[0], tuple(text_layer), TextSource.TEXT_LAYER, "pdfplumber"
        )
    else:
        # print under a seal is read from a copy whose seal ink is washed out; the reviewer sees, and the
        # seal search reads, the colour original turned the same way
        regions = red_regions(original, estimate_dpi(original))  # measured once when the page needs no turn
        washed = wash_seal_ink(original, estimate_dpi(original), regions)
        reader = get_engine(engine)
        upright, found, quads = orientation.upright_with_lines(washed, reader)
        pixels = upright if washed is pixels else orientation.apply(pixels, found)
        lines = reader.read(upright, quads)
        text = PageText(
            pixels.shape[1],
            pixels.shape[0],
            tuple(lines),
            TextSource.OCR,
            reader.name,
            rotation=found.rotation,
            skew=found.skew,
        )
    doc_type, confidence = classify(text.lines, text.height)
    fields = extract_fields(doc_type, text.lines, text.source)
    # by name: the engine is fetched only if a seal's text is to be read (a text-layer page loads no models)
    seals = find_seals(
        pixels, estimate_dpi(pixels), engine=engine, regions=regions if pixels is original else None
    )
    return PageReading(doc_type, confidence, text, fields, seals), pixels
