"""Writing pages to files the way customers send them: JPEG/PNG/BMP per page, multi-page TIFF (RGB or
CCITT G4), image-only PDF, digitally generated PDF with a text layer, ZIPs (sometimes with GBK-encoded names),
and hostile extras (truncated JPEG, empty file, random bytes named .pdf, encrypted PDF, mislabelled files).

Every writer returns the truth entries of the files it wrote; nothing here decides *what* to write.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from tests.synth.docs.base import PageTruth
from tests.synth.page import Page, write_text_pdf
from tests.synth.scan import ScanInfo, jpeg_roundtrip

IMAGE_FORMATS = ("jpeg", "png", "bmp")
MULTI_FORMATS = ("tiff", "tiff_g4", "pdf_image", "pdf_text")


@dataclass(slots=True)
class PageOut:
    """One page ready to write: a scanned image, or a display list for a text-layer PDF."""

    doc_type: str
    truth: PageTruth
    template: str
    image: Image.Image | None = None
    page: Page | None = None
    scan: ScanInfo = field(default_factory=ScanInfo)
    color: bool = True


@dataclass(slots=True)
class FilePlan:
    name: str
    format: str  # jpeg | png | bmp | tiff | tiff_g4 | pdf_image | pdf_text
    pages: list[PageOut]
    mislabelled: bool = False


def page_truth(n: int, p: PageOut, *, text_layer: bool, color: bool) -> dict[str, Any]:
    t = p.truth
    out: dict[str, Any] = {
        "page": n,
        "doc_type": p.doc_type,
        "rotation": 0 if text_layer else p.scan.rotation,
        "skew": 0.0 if text_layer else p.scan.skew,
        "degraded": False if text_layer else p.scan.degraded,
        "fields": dict(t.fields),
        "seals": [s.kind for s in t.seals],
        "seal_details": [
            {"kind": s.kind, "text": s.text, "label": s.label, "shape": s.shape} for s in t.seals
        ],
        "template": p.template,
        "text_layer": text_layer,
        "color": color,
        "effects": [] if text_layer else list(p.scan.effects),
    }
    if t.printed:
        out["printed"] = dict(t.printed)
    return out


def _to_bilevel(img: Image.Image) -> Image.Image:
    grey = img.convert("L")
    return grey.point(lambda v: 255 if v > 150 else 0, mode="1")


def encode(plan: FilePlan, rng: random.Random) -> tuple[bytes, list[dict[str, Any]]]:
    """The bytes of one file and the truth of its pages."""
    buf = io.BytesIO()
    fmt = plan.format
    truths: list[dict[str, Any]] = []
    if fmt == "pdf_text":
        write_text_pdf([p.page for p in plan.pages if p.page is not None], buf)
        truths = [page_truth(i + 1, p, text_layer=True, color=True) for i, p in enumerate(plan.pages)]
        return buf.getvalue(), truths
    images = []
    for p in plan.pages:
        assert p.image is not None
        img, color = p.image, p.color
        if fmt == "tiff_g4":
            img, color = _to_bilevel(img), False
        elif not color:
            img = img.convert("L")
        elif fmt in ("png", "bmp", "tiff") and (p.scan.jpeg_quality or 90) < 75:
            img = jpeg_roundtrip(img, p.scan.jpeg_quality or 60)
        images.append(img)
        truths.append(page_truth(len(truths) + 1, p, text_layer=False, color=color))
    first = images[0]
    if fmt == "jpeg":
        first.save(buf, "JPEG", quality=plan.pages[0].scan.jpeg_quality or 85, dpi=(200, 200))
    elif fmt == "png":
        first.save(buf, "PNG", dpi=(200, 200), compress_level=3)
    elif fmt == "bmp":
        first.save(buf, "BMP")
    elif fmt in ("tiff", "tiff_g4"):
        compression = (
            "group4" if fmt == "tiff_g4" else rng.choice(("tiff_lzw", "tiff_deflate", "tiff_adobe_deflate"))
        )
        first.save(
            buf, "TIFF", save_all=True, append_images=images[1:], compression=compression, dpi=(200, 200)
        )
    elif fmt == "pdf_image":
        rgb = [im.convert("RGB") if im.mode not in ("RGB", "L") else im for im in images]
        rgb[0].save(buf, "PDF", save_all=True, append_images=rgb[1:], resolution=200)
    else:
        raise ValueError(fmt)
    return buf.getvalue(), truths


def format_of_bytes(fmt: str) -> str:
    return {"tiff_g4": "tiff", "pdf_image": "pdf", "pdf_text": "pdf"}.get(fmt, fmt)


# ---------- names ----------

DOC_NAMES = {
    "business_license": ("营业执照", "营业执照副本", "执照"),
    "tax_registration": ("税务登记证", "税务登记证副本"),
    "bank_permit": ("开户许可证", "基本存款账户信息", "开户行信息"),
    "passbook": ("存折复印件", "银行卡", "银行卡复印件"),
    "seal_card": ("印鉴卡", "客户印鉴卡"),
    "application_form": ("客户建档申请表", "建档申请表", "申请表"),
    "distribution_contract": ("经销合同", "3C协议", "经销协议"),
    "logistics_contract": ("物流配送合同", "物流合同"),
    "consignee_id": ("收货人身份证", "身份证复印件", "收货人身份证复印件"),
    "pos_binding": ("POS绑定申请", "POS申请"),
}
EXT = {
    "jpeg": (".jpg", ".JPG", ".jpeg"),
    "png": (".png",),
    "bmp": (".bmp", ".BMP"),
    "tiff": (".tif", ".tiff", ".TIF"),
    "tiff_g4": (".tif", ".tiff"),
    "pdf_image": (".pdf", ".PDF"),
    "pdf_text": (".pdf",),
}


class Namer:
    """File names as customers' phones, scanners and apps produce them; never the same name twice."""

    def __init__(self, rng: random.Random, when: datetime) -> None:
        self.rng = rng
        self.when = when
        self.used: set[str] = set()
        self.counter = rng.randrange(1, 300)

    def _tick(self) -> datetime:
        self.when += timedelta(seconds=self.rng.randrange(4, 300))
        return self.when

    def name(self, fmt: str, doc_types: list[str], ext: str | None = None) -> str:
        rng = self.rng
        ext = ext or rng.choice(EXT[fmt])
        for _ in range(100):
            style = rng.random()
            t = self._tick()
            if fmt == "jpeg" and style < 0.35:
                stem = f"IMG_{t:%Y%m%d_%H%M%S}"
                ext = ".JPG" if rng.random() < 0.6 else ".jpg"
            elif fmt == "jpeg" and style < 0.45:
                stem = f"微信图片_{t:%Y%m%d%H%M%S}"
            elif fmt in ("pdf_image", "pdf_text") and style < 0.25:
                stem = rng.choice(
                    (
                        f"扫描全能王 {t:%Y-%m-%d %H.%M}",
                        f"CamScanner {t:%m-%d-%Y %H.%M}",
                        f"doc{rng.randrange(10000, 99999)}",
                    )
                )
            elif fmt in ("tiff", "tiff_g4", "bmp") and style < 0.5:
                self.counter += 1
                stem = rng.choice(
                    (f"scan{self.counter:04d}", f"SCAN_{self.counter:04d}", f"扫描{self.counter}")
                )
            else:
                base = rng.choice(DOC_NAMES[doc_types[0]])
                if len(set(doc_types)) > 1:
                    base = "+".join(rng.choice(DOC_NAMES[d]) for d in dict.fromkeys(doc_types))
                stem = base + rng.choice(("", "", "(1)", "_扫描", "-副本", f"_{t:%Y%m%d}"))
            name = stem + ext
            if name.lower() not in self.used:
                self.used.add(name.lower())
                return name
        raise RuntimeError("could not find a fresh file name")


# ---------- hostile extras ----------


def truncated_jpeg(img: Image.Image, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    return data[: int(len(data) * rng.uniform(0.3, 0.7))]


def random_bytes(rng: random.Random) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randrange(2000, 20000)))


def encrypted_pdf(page: Page) -> bytes:
    buf = io.BytesIO()
    write_text_pdf([page], buf, encrypt="1234")
    return buf.getvalue()


class _GbkZipInfo(zipfile.ZipInfo):
    """A ZIP entry whose name is stored in GBK without the UTF-8 flag, as Windows zip tools write it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits


def write_zip(path: Path, members: list[tuple[str, bytes]], *, gbk_names: bool) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = _GbkZipInfo(name) if gbk_names else zipfile.ZipInfo(name)
            info.date_time = (2025, 5, 3, 9, 26, 0)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
