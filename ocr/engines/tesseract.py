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

from ocr.engines.base import OcrEngineError
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


class TesseractEngine:
    name = "tesseract"

    def __init__(self, psm: int = 3) -> None:
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

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        import pytesseract

        data = pytesseract.image_to_data(
            denoise(image), lang=LANG, config=f"--psm {self._psm}", output_type=pytesseract.Output.DICT
        )
        groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for i, word in enumerate(data["text"]):
            if word.strip() and float(data["conf"][i]) >= 0:
                groups[(data["block_num"][i], data["par_num"][i], data["line_num"][i])].append(i)
        lines: list[TextLine] = []
        for idx in groups.values():
            idx.sort(key=lambda i: data["left"][i])
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            conf = float(np.mean([float(data["conf"][i]) for i in idx])) / 100.0
            text = _join([data["text"][i].strip() for i in idx])
            lines.append(TextLine(text=text, bbox=(x0, y0, x1, y1), confidence=round(conf, 4)))
        lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
        return lines
