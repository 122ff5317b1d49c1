"""A 200 MB zip bomb costs bounded memory, both when refused from its header and when streamed through.

Measured in a child process so the peak RSS belongs to the ingest alone, not to the rest of the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, resource, sys, zipfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from intake.files import Limits, ingest
from storage.filestore import FileStore

work, relaxed = Path(sys.argv[2]), sys.argv[3] == "relaxed"
bomb = work / "bomb.zip"
with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("scan.pdf", "w", force_zip64=True) as w:
    w.write(b"%PDF-1.4\n")
    chunk = bytes(1 << 20)
    for _ in range(200):
        w.write(chunk)
limits = Limits(max_zip_ratio=1e9, max_file_bytes=300 * 2**20) if relaxed else Limits()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = ingest([bomb], FileStore(work / "data"), limits)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tmp_left = len(list((work / "data" / ".tmp").iterdir()))
print(json.dumps({"codes": [r.code for r in result.rejected], "before_kb": before, "after_kb": after,
                  "zip_bytes": bomb.stat().st_size, "tmp_left": tmp_left}))
"""


@pytest.mark.parametrize(("mode", "code"), [("default", "zip_bomb"), ("relaxed", "corrupt_pdf")])
def test_200_mb_bomb_stays_within_bounded_memory(tmp_path: Path, mode: str, code: str) -> None:
    """GIVEN a 200 MB run of zeros zipped to ~200 KB
    WHEN it is ingested with the default limits (refused from its header) or with the ratio check
    disabled (so all 200 MB stream through the spool and the PDF check)
    THEN peak memory grows by a few MB at most, nothing is left in the spool, and the code is clear."""
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    assert report["codes"] == [code]
    assert report["zip_bytes"] < 1_000_000
    assert report["after_kb"] - report["before_kb"] < 32 * 1024, report
    assert report["tmp_left"] == 0
