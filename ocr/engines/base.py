"""The contract every OCR engine fulfils: an upright RGB page in, lines of text with boxes out."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ocr.types import TextLine


class OcrEngineError(RuntimeError):
    """The engine could not run (missing binary, missing language data, unknown name)."""


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[TextLine]:
        """Read an upright page (H×W×3 uint8 RGB). Boxes are in the pixels of ``image``."""
        ...
