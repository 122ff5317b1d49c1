"""Level-1 data at rest benchmark: what sealing costs, and how fast `dossier keys rotate` goes.

1. Sealing one value (a 19-digit account; a page's OCR lines as JSON, ~40 lines) and one page image (a
   200-dpi A4 JPEG), sealed and opened, µs/ms each (median of many).
2. The same archived dossiers (register, read without OCR, approve: tests/storage/maintenance_kit.py) written
   with and without a key ring, so the ratio is sealing's share of the whole write path, measured in one run.
3. `keys status` and `keys rotate` onto a new key over those dossiers: rows and files per second.

    python tests/bench/crypto.py [--dossiers 20]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from intake.lifecycle.context import Context, open_context  # noqa: E402
from intake.lifecycle.keys import key_status, rotate_keys  # noqa: E402
from intake.settings import Settings  # noqa: E402
from storage.crypto import KeyRing, attach, generate_key, parse_keys  # noqa: E402
from tests.storage.maintenance_kit import archived_dossier  # noqa: E402


def _median_us(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def values(ring: KeyRing) -> None:
    account = "6222020200112233445"
    lines = json.dumps(
        [{"text": f"第{n}行 银行账号：{account}", "bbox": [10, 40 * n, 900, 40 * n + 30], "confidence": 0.97}
         for n in range(40)],
        ensure_ascii=False,
    )  # fmt: skip
    sealed_account, sealed_lines = ring.seal_text(account), ring.seal_text(lines)
    page = io.BytesIO()
    Image.new("RGB", (1654, 2339), "white").save(page, format="JPEG", quality=85)
    image = page.getvalue()
    sealed_image = ring.seal_bytes(image)
    print("sealing (median):")
    print(f"  account   seal {_median_us(lambda: ring.seal_text(account), 2000):7.1f} µs"
          f"   open {_median_us(lambda: ring.open_text(sealed_account), 2000):7.1f} µs")  # fmt: skip
    print(f"  40 lines  seal {_median_us(lambda: ring.seal_text(lines), 500):7.1f} µs"
          f"   open {_median_us(lambda: ring.open_text(sealed_lines), 500):7.1f} µs"
          f"   ({len(lines.encode())} → {len(sealed_lines)} bytes)")  # fmt: skip
    print(f"  page JPEG seal {_median_us(lambda: ring.seal_bytes(image), 50) / 1000:7.2f} ms"
          f"   open {_median_us(lambda: ring.open_bytes(sealed_image), 50) / 1000:7.2f} ms"
          f"   ({len(image)} bytes)")  # fmt: skip
    print(f"  search token {_median_us(lambda: ring.blind(account), 2000):7.1f} µs")


def _archive(ctx: Context, root: Path, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        archived_dossier(ctx, root / f"scans{i}", f"R-{i}")
    return time.perf_counter() - started


def write_path(n: int, tmp: Path) -> Path:
    key = generate_key()
    sealed = open_context(Settings.for_data_dir(tmp / "sealed", data_keys=key))
    clear = open_context(Settings.for_data_dir(tmp / "clear", data_keys=key))
    attach(clear.sessions.kw["bind"], None)  # the same path, values and files written in clear
    clear.store.ring = None
    t_clear = _archive(clear, tmp / "in-clear", n)
    t_sealed = _archive(sealed, tmp / "in-sealed", n)
    print(f"write path, {n} dossiers registered, read and approved:")
    print(f"  clear {t_clear:6.2f} s   sealed {t_sealed:6.2f} s   ratio {t_sealed / t_clear:4.2f}")
    (tmp / "key").write_text(key)
    return tmp / "sealed"


def rotation(data_dir: Path, old: str) -> None:
    new = generate_key()
    ctx = open_context(Settings.for_data_dir(data_dir, data_keys=f"{new},{old}"))
    started = time.perf_counter()
    status = key_status(ctx)
    t_status = time.perf_counter() - started
    values_n = sum(status.totals().values())
    started = time.perf_counter()
    done = rotate_keys(ctx, actor="bench")
    t_rotate = time.perf_counter() - started
    print(f"rotation over {values_n} sealed values and files:")
    print(f"  keys status {t_status:6.2f} s")
    rate = done.rows / t_rotate
    print(f"  keys rotate {t_rotate:6.2f} s: {done.rows} rows, {done.files} files, {done.indexed} indexed")
    print(f"  {rate:,.0f} rows/s, re-index and VACUUM included")
    started = time.perf_counter()
    again = rotate_keys(ctx, actor="bench")
    print(f"  again (nothing left) {time.perf_counter() - started:6.2f} s, {again.rows} rows")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=20)
    args = ap.parse_args()
    values(KeyRing(parse_keys(generate_key(), source="bench")))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data_dir = write_path(args.dossiers, tmp)
        rotation(data_dir, (tmp / "key").read_text())


if __name__ == "__main__":
    main()
