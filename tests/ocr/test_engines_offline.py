"""RapidOCR's models come from the pinned wheel: building the engine never goes to the network."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engines import rapid

pytestmark = pytest.mark.ocr
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def test_models_load_and_read_with_the_network_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    from rapidocr.utils.download_file import DownloadFile

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("RapidOCR tried to download a model at run time")

    monkeypatch.setattr(DownloadFile, "_make_http_request", classmethod(refuse))
    engine = rapid.shared_rapidocr.__wrapped__()  # a fresh instance, not the cached one
    assert engine.text_det is None and engine.text_rec is None  # building it loads nothing
    for kind in ("det", "cls", "rec"):
        getattr(engine, f"_load_{kind}_model")()
    assert engine.text_det is not None and engine.text_rec is not None and engine.text_cls is not None

    image = Image.new("RGB", (900, 160), "white")
    font = ImageFont.truetype(FONT, 56)
    ImageDraw.Draw(image).text((30, 40), "开户银行 中国工商银行", font=font, fill="black")
    lines = rapid.RapidOcrEngine().read(np.asarray(image))
    assert "".join(ln.text for ln in lines).replace(" ", "") == "开户银行中国工商银行"


def test_models_are_the_packaged_files() -> None:
    root = rapid._packaged_models()
    assert sorted(p.name for p in root.glob("*.onnx")), root
