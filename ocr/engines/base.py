"""The contract every OCR engine fulfils: an upright RGB page in, lines of text with boxes out."""

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
