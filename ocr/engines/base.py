"""The contract every OCR engine fulfils: an upright RGB page in, lines of text with boxes out; and the
capabilities reading a page needs around that, which belong to the engine too (as OCRmyPDF's ``OcrEngine``
has ``get_orientation``): finding text lines (orientation and skew are measured from them), telling
upside-down lines, and reading one short line on its own (a seal's legend).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ocr.types import TextLine


class OcrEngineError(RuntimeError):
    """The engine could not run (missing binary, missing language data, unknown name)."""


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        """Read an upright page (H×W×3 uint8 RGB). Boxes are in the pixels of ``image``.

        ``lines`` are text-line quadrilaterals already found on this page (N×4×2); an engine that reads
        from detected lines may use them instead of detecting again, any other engine ignores them.
        """
        ...

    def detect_lines(self, image: np.ndarray) -> np.ndarray:
        """Text-line quadrilaterals (N×4×2 float32, pixels of ``image``, p0 top-left then clockwise as the
        text runs); an empty array when the image has no text. Never reads the text."""
        ...

    def is_upside_down(self, image: np.ndarray, lines: np.ndarray) -> bool:
        """Whether the text on ``lines`` (quadrilaterals of horizontal lines in ``image``) is upside down."""
        ...

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        """One line of text filling ``image`` (black on white RGB, no detection), and the score of its least
        sure character: one wrong character hides easily in a line's mean score."""
        ...
