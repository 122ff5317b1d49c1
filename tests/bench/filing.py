"""Filing benchmark: how long writing one archived document takes and how much memory it needs.

A document of N A4 pages at 200 dpi (1654 × 2339 px, JPEG with printed text, about as large as the page
images the reader keeps) with 40 OCR lines per page is filed with storage.filing.write_document: the PDF with
its invisible text layer, the original (a JPEG of the same size per page) copied and verified, the manifest.
Approval holds the database transaction while it files, so this is the time a reviewer waits per document.

Prints per page count: median seconds, PDF size, peak traced Python memory (tracemalloc).

    python tests/bench/filing.py [--pages 1,5,20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from storage.filestore import FileStore  # noqa: E402
from storage.filing import Original, write_document  # noqa: E402
from storage.filing_pdf import PdfPage, Word  # noqa: E402

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SIZE = (1654, 2339)
LINES = 40


def _page(path: Path, n: int) -> list[Word]:
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    words = []
    for i in range(LINES):
        text = f"第{n}页 第{i + 1}行 杭州明达贸易有限公司 账号 6222020200112233445"
        y = 80 + i * 55
        draw.text((100, y), text, fill="black", font=font)
        words.append(Word(text, (100, y, 100 + int(draw.textlength(text, font=font)), y + 40)))
    image.save(path, format="JPEG", quality=85)
    return words


def run(pages: int, repeat: int) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = FileStore(root / "data" / "files")
        pdf_pages = []
        for n in range(1, pages + 1):
            image = root / f"p{n}.jpg"
            pdf_pages.append(PdfPage(image, _page(image, n)))
        buffer = io.BytesIO(b"".join(p.image.read_bytes() for p in pdf_pages))
        sha = store.put_bytes(buffer.getvalue(), "bin")
        original = Original("scan.pdf", sha, store.path(sha))
        times, size, peak = [], 0, 0
        for attempt in range(repeat + 1):  # the last run only measures memory (tracemalloc slows Python)
            traced = attempt == repeat
            if traced:
                tracemalloc.start()
            start = time.perf_counter()
            filed = write_document(
                root / "data", customer_no="C20261123001", type_name="经销合同（3C协议）",
                on=date(2026, 11, 23), pages=pdf_pages, originals=[original],
                manifest={"archive_no": "GD20261123001-01"},
            )  # fmt: skip
            if traced:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            else:
                times.append(time.perf_counter() - start)
            size = (root / "data" / filed.pdf_path).stat().st_size
        return statistics.median(times), size, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="1,5,20")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'pages':>5} {'median s':>9} {'PDF MB':>7} {'peak MB':>8}")
    for pages in (int(p) for p in args.pages.split(",")):
        seconds, size, peak = run(pages, args.repeat)
        print(f"{pages:>5} {seconds:>9.3f} {size / 2**20:>7.2f} {peak / 2**20:>8.1f}")


if __name__ == "__main__":
    main()
