"""The fast paths, in one run: a text-layer page against the same page OCR'd, an 8-page scanned dossier from
upload to review-ready, and a text-only upload without loading any OCR model.

    python -m tests.bench.fastpaths [--repeat 3] [--seed 3]

1. Page cost. Documents drawn by tests.synth are written as digitally made PDFs (real text, seals as
   images). Each page is read twice in this process, the engine loaded and warmed first: as the pipeline
   reads a PDF page with a text layer (render at 200 dpi, pdfium's text, classify, fields, seals) and as it
   reads a scan (the same rendered page, orientation + OCR + the rest). Median of --repeat runs per page;
   the ratio is OCR ÷ text layer over all pages (target ≥ 50).
2. Upload → review-ready: `dossier process --workers 2` on 8 scanned pages (JPEG, tests.synth degradation),
   wall time from the command's start to its exit, when the dossier is awaiting review (imports, pool start
   and model loading included; target ≤ 10 s on 2 cores).
   And the same pages uploaded through the JSON API of a running `dossier serve` (2 embedded workers, started
   and warmed in the background: the seconds until they report warm are printed), from the upload request to
   the dossier awaiting review (the clerk's path).
3. A text-only upload: `dossier process` on a two-page text-layer PDF with an import trap in every process
   of the command: its wall time, and whether rapidocr or onnxruntime was imported anywhere.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from intake.files import ingest, page_image, pdf_render_scale  # noqa: E402
from intake.lifecycle.reading import RENDER_DPI  # noqa: E402
from ocr.engines import get_engine  # noqa: E402
from ocr.reader import read_page  # noqa: E402
from ocr.textlayer import read_text_layer  # noqa: E402
from storage.filestore import FileStore  # noqa: E402
from tests.ocr.test_lazy_models import TRAP  # noqa: E402
from tests.ocr.textpdf import text_pdf  # noqa: E402
from tests.synth import render_document, render_text_pdf  # noqa: E402

PAGE_TYPES = ("application_form", "logistics_contract", "bank_permit", "business_license")
SCANNED = (
    "business_license",
    "bank_permit",
    "application_form",
    "seal_card",
    "consignee_id",
    "logistics_contract",
    "distribution_contract",
)
RATIO_TARGET, READY_TARGET = 50.0, 10.0
PARTS = {"pages", "serve", "scan", "text"}  # what --skip may leave out


def _median_seconds(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextlib.contextmanager
def _timed_line_reads(spent: list[float]) -> Iterator[None]:
    """Time every one-line recognition (a seal's legend and owner's name, ocr.seals) while inside."""
    from ocr.engines.rapid import RapidOcrEngine

    original = RapidOcrEngine.read_line

    def timed(self: RapidOcrEngine, image: Any) -> tuple[str, float]:
        start = time.perf_counter()
        try:
            return original(self, image)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(RapidOcrEngine, "read_line", timed)  # noqa: B010 (mypy refuses assigning to a method)
    try:
        yield
    finally:
        setattr(RapidOcrEngine, "read_line", original)  # noqa: B010


def page_costs(tmp: Path, seed: int, repeat: int) -> None:
    store = FileStore(tmp / "store")
    pdfs = [render_text_pdf(t, seed, tmp / f"{t}.pdf", as_of=date(2026, 11, 20)) for t in PAGE_TYPES]
    files = ingest(pdfs, store).files
    engine = get_engine("rapidocr")
    warm = page_image(files[0], 1, dpi=RENDER_DPI)
    read_page(warm)  # every model loaded and warmed before the clock starts
    print(
        f"{'page':28} {'text layer ms':>14} {'of it seal lines':>17} {'OCR ms':>8} {'ratio':>7}"
        "   seals (text layer / OCR)"
    )
    text_total = ocr_total = lines_total = 0.0
    for f in files:
        for n in range(1, f.page_count + 1):

            def text_layer(f=f, n=n) -> object:
                image = page_image(f, n, dpi=RENDER_DPI)
                lines = read_text_layer(f.stored_path, n, pdf_render_scale(f, n, RENDER_DPI))
                assert lines is not None, f"{f.name} p{n} has no text layer"
                return read_page(image, text_layer=lines, engine=engine.name)[0]

            def ocr(f=f, n=n) -> object:
                return read_page(page_image(f, n, dpi=RENDER_DPI), engine=engine.name)[0]

            t = _median_seconds(text_layer, repeat)
            o = _median_seconds(ocr, repeat)
            spent: list[float] = []
            with _timed_line_reads(spent):
                text_seals = len(text_layer().seals)  # type: ignore[attr-defined]
            seals = f"{text_seals} / {len(ocr().seals)}"  # type: ignore[attr-defined]
            lines = sum(spent)
            text_total, ocr_total, lines_total = text_total + t, ocr_total + o, lines_total + lines
            print(
                f"{f.name + ' p' + str(n):28} {t * 1000:14.1f} {lines * 1000:17.1f} {o * 1000:8.0f}"
                f" {o / t:7.1f}   {seals}"
            )
    ratio = ocr_total / text_total
    verdict = "OK" if ratio >= RATIO_TARGET else "SHORT"
    print(
        f"all pages: text layer {text_total * 1000:.0f} ms, OCR {ocr_total * 1000:.0f} ms, ratio {ratio:.1f}"
    )
    print(f"  (target ≥ {RATIO_TARGET:.0f}: {verdict})")
    if lines_total:
        print(
            f"  the seals' one-line recognitions alone: {lines_total * 1000:.0f} ms, the same calls on both"
            f" paths: no text-layer path that reads the seals can beat OCR by more than"
            f" {ocr_total / lines_total:.1f} × on these pages"
        )


def _process(paths: list[Path], data: Path, env_extra: dict[str, str]) -> tuple[float, dict]:
    env = {**os.environ, "DOSSIER_DATA_DIR": str(data), "DOSSIER_WORKERS": "2", **env_extra}
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    cmd = [sys.executable, "-m", "intake.cli", "process", *map(str, paths), "--json"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"dossier process failed: {proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout)


def scanned_dossier(tmp: Path, seed: int, skip: set[str]) -> None:
    folder = tmp / "scans"
    folder.mkdir()
    n = 0
    for doc_type in SCANNED:
        images, _ = render_document(doc_type, seed, degrade=0.4)
        for image in images:
            if n == 8:
                break
            buf = io.BytesIO()
            image.convert("RGB").save(buf, "JPEG", quality=85, dpi=(200, 200))
            (folder / f"IMG_{n:04d}.jpg").write_bytes(buf.getvalue())
            n += 1
    if "serve" not in skip:
        serve_upload(sorted(folder.iterdir()), tmp / "data-serve")
    if "scan" in skip:
        return
    elapsed, out = _process([folder], tmp / "data-scan", {})
    status = out["dossier"]["status"]
    verdict = "OK" if elapsed <= READY_TARGET else "SLOW"
    print(
        f"8 scanned pages, 2 workers: upload → {status} in {elapsed:.1f} s"
        f" (target ≤ {READY_TARGET:.0f} s: {verdict})"
    )
    print(f"  pages read: {len(out['pages'])}, by OCR: {sum(p['source'] == 'ocr' for p in out['pages'])}")


WARM_TIMEOUT = 120.0  # s: how long serve's workers may take to start and load their models


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(url: str, auth: str, data: bytes | None = None, content_type: str = "") -> tuple[int, dict]:
    headers = {"Authorization": f"Basic {auth}"}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _multipart(paths: list[Path]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for path in paths:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
        body.write(head.encode())
        body.write(b"Content-Type: image/jpeg\r\n\r\n" + path.read_bytes() + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def _wait_warm(serve: subprocess.Popen, base: str, workers: int) -> float:
    """Seconds from serve's start until /healthz answers and every worker logged its models loaded."""
    start, warm = time.perf_counter(), 0
    assert serve.stderr is not None
    os.set_blocking(serve.stderr.fileno(), False)
    healthy = False
    while time.perf_counter() - start < WARM_TIMEOUT:
        if serve.poll() is not None:
            raise SystemExit(f"dossier serve exited: {serve.stderr.read()}")
        for line in serve.stderr.readlines():
            warm += " warm: " in line
        if not healthy:
            with contextlib.suppress(OSError):
                healthy = urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200
        if healthy and warm >= workers:
            return time.perf_counter() - start
        time.sleep(0.2)
    raise SystemExit(f"dossier serve not warm after {WARM_TIMEOUT:.0f} s ({warm} of {workers} workers)")


def serve_upload(pages: list[Path], data: Path) -> None:
    """The clerk's path: the 8 pages uploaded through the JSON API of a running, warm `dossier serve`."""
    env = {**os.environ, "DOSSIER_DATA_DIR": str(data), "DOSSIER_WORKERS": "2", "PYTHONUNBUFFERED": "1"}
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    user, password = "clerk", "scan-upload-4821"
    cli = [sys.executable, "-m", "intake.cli"]
    subprocess.run(
        [*cli, "user", "add", user, "--role", "administrator"],
        input=password + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    serve = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        warm_after = _wait_warm(serve, base, 2)
        print(f"dossier serve up and its 2 workers warm after {warm_after:.1f} s; uploading")
        body, content_type = _multipart(pages)
        start = time.perf_counter()
        code, out = _request(f"{base}/api/dossiers", auth, body, content_type)
        if code != 201:
            raise SystemExit(f"upload refused: HTTP {code} {out}")
        status = out["status"]
        while status not in ("awaiting_review", "failed") and time.perf_counter() - start < 600:
            time.sleep(0.5)  # each Basic-auth request checks the password hash: not too often
            status = _request(f"{base}/api/dossiers/{out['id']}/status", auth)[1]["status"]
        elapsed = time.perf_counter() - start
    finally:
        serve.send_signal(signal.SIGINT)  # a clean stop, which also stops the pool's workers
        serve.wait(timeout=60)
    verdict = "OK" if elapsed <= READY_TARGET else "SLOW"
    print(
        f"8 scanned pages through a warm `dossier serve` (2 workers): upload → {status} in {elapsed:.1f} s"
        f" (target ≤ {READY_TARGET:.0f} s: {verdict})"
    )


def text_only_upload(tmp: Path) -> None:
    site = tmp / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(TRAP, encoding="utf-8")
    trap = tmp / "imported.txt"
    pdf = text_pdf(tmp / "申请表.pdf")
    extra = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "TRAP_FILE": str(trap)}
    elapsed, out = _process([pdf], tmp / "data-text", extra)
    loaded = trap.read_text(encoding="utf-8").split() if trap.exists() else []
    modules = sorted({m for m in loaded if not m.isdigit()})
    print(
        f"text-only upload (2 text-layer pages, 2 workers): {elapsed:.1f} s,"
        f" status {out['dossier']['status']},"
        f" OCR models loaded: {'yes: ' + ', '.join(modules[:4]) if modules else 'no'}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma-separated parts to leave out: pages,serve,scan,text")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    if skip - PARTS:  # a misspelt part would otherwise run silently, and the slow parts with it
        unknown = ", ".join(sorted(skip - PARTS))
        ap.error(f"--skip: unknown {unknown}; the parts are {','.join(sorted(PARTS))}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        if "pages" not in skip:
            page_costs(Path(tmp), args.seed, args.repeat)
        if not {"scan", "serve"} <= skip:
            scanned_dossier(Path(tmp), args.seed, skip)
        if "text" not in skip:
            text_only_upload(Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
