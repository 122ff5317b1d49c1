"""Tesseract through pytesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-chi-sim``), ``chi_sim+eng``.

Tesseract misreads speckled scans badly, so the page is denoised and binarised first. Words come back one
per row of ``image_to_data``; Chinese characters are separate "words", so they are re-joined without spaces.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict

import cv2
import numpy as np

from ocr.engines.base import OcrEngine, OcrEngineError
from ocr.types import TextLine

LANG = "chi_sim+eng"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _join(words: list[str]) -> str:
    """Join tesseract's words: no space between two CJK tokens, one space between Latin words."""
    out = ""
    for w in words:
        if out and not (_CJK.search(out[-1]) or _CJK.search(w[0])):
            out += " "
        out += w
    return out


def denoise(image: np.ndarray) -> np.ndarray:
    """Grey, median-filtered, Otsu-binarised page: removes speckle that tesseract reads as characters."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    grey = cv2.medianBlur(grey, 3)
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


HELPERS = ("rapidocr",)
DEFAULT_HELPER = "rapidocr"


class TesseractEngine:
    """Reads with tesseract; finding lines, telling upside-down lines and reading seal legends are
    delegated to the ``helper`` engine.

    Tesseract has no line classifier, and its own layout analysis does not find the lines of a turned or
    speckled scan the way PP-OCR's detector does; so by default (``helper="rapidocr"``) those capabilities
    are RapidOCR's, and tesseract pages are made upright and their seals read exactly as RapidOCR pages are.
    The helper is built on first use of one of them, never by building this engine: reading a PDF's text
    layer, or a page with nothing to turn and no seal to read, does not load RapidOCR's models.
    ``helper=None`` refuses those capabilities (``OcrEngineError``) instead of loading another engine.
    """

    name = "tesseract"

    def __init__(self, psm: int = 3, helper: str | None = DEFAULT_HELPER) -> None:
        if helper is not None and helper not in HELPERS:
            raise OcrEngineError(f"unknown helper engine {helper!r} for tesseract; choose one of {HELPERS}")
        if shutil.which("tesseract") is None:
            raise OcrEngineError(
                "tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
            )
        import pytesseract

        langs = set(pytesseract.get_languages(config=""))
        if not {"chi_sim", "eng"} <= langs:
            raise OcrEngineError(f"tesseract lacks language data chi_sim/eng (has: {sorted(langs)})")
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per process, as for every engine
        self._psm = psm
        self.helper = helper

    def _helper(self, capability: str) -> OcrEngine:
        if self.helper is None:
            raise OcrEngineError(f"the tesseract engine was built without a helper engine for {capability}")
        from ocr.engines import get_engine

        return get_engine(self.helper)

    def detect_lines(self, image: np.ndarray) -> np.ndarray:
        return self._helper("line detection").detect_lines(image)

    def is_upside_down(self, image: np.ndarray, lines: np.ndarray) -> bool:
        return self._helper("the upside-down classifier").is_upside_down(image, lines)

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        return self._helper("reading seal legends").read_line(image)

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        import pytesseract

        data = pytesseract.image_to_data(
            denoise(image), lang=LANG, config=f"--psm {self._psm}", output_type=pytesseract.Output.DICT
        )
        groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for i, word in enumerate(data["text"]):
            if word.strip() and float(data["conf"][i]) >= 0:
                groups[(data["block_num"][i], data["par_num"][i], data["line_num"][i])].append(i)
        out: list[TextLine] = []
        for idx in groups.values():
            idx.sort(key=lambda i: data["left"][i])
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            conf = float(np.mean([float(data["conf"][i]) for i in idx])) / 100.0
            text = _join([data["text"][i].strip() for i in idx])
            out.append(TextLine(text=text, bbox=(x0, y0, x1, y1), confidence=round(conf, 4)))
        out.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
        return out
