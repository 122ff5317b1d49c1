"""OCR models are loaded only when a page needs them: `dossier process` of a text-layer PDF, with the default
embedded pool of two workers, never imports rapidocr or onnxruntime in any of its processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.ocr.textpdf import TAX_ID, text_pdf

ROOT = Path(__file__).resolve().parents[2]
# Every Python process the command starts (the pool's workers too: they inherit the environment) runs this
# sitecustomize, which notes in TRAP_FILE each watched package that gets imported, wherever it is imported.
TRAP = textwrap.dedent(
    """
    import os, sys

    class _Trap:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("rapidocr", "onnxruntime"):
                with open(os.environ["TRAP_FILE"], "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()} {name}\\n")
            return None

    sys.meta_path.insert(0, _Trap())
    """
)


def test_processing_a_text_layer_pdf_imports_no_ocr_models(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(TRAP, encoding="utf-8")
    trap = tmp_path / "imported.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "TRAP_FILE": str(trap),
        "DOSSIER_DATA_DIR": str(tmp_path / "data"),
        "DOSSIER_WORKERS": "2",
        "DOSSIER_OCR_ENGINE": "rapidocr",
    }
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "intake.cli", "process", str(text_pdf(tmp_path / "申请表.pdf")), "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [p["source"] for p in out["pages"]] == ["text_layer", "text_layer"]
    assert out["record"]["tax_id"] == TAX_ID
    imported = trap.read_text(encoding="utf-8") if trap.exists() else ""
    assert imported == "", imported


def test_the_trap_sees_an_import_in_a_child_process(tmp_path: Path) -> None:
    """The test above proves something only if the trap fires where the import happens."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(TRAP, encoding="utf-8")
    trap = tmp_path / "imported.txt"
    env = {**os.environ, "PYTHONPATH": str(site), "TRAP_FILE": str(trap)}
    code = "import multiprocessing as mp, importlib\n" + (
        "if __name__ == '__main__':\n"
        "    p = mp.get_context('spawn').Process(target=importlib.import_module, args=('onnxruntime',))\n"
        "    p.start(); p.join()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert "onnxruntime" in trap.read_text(encoding="utf-8")
