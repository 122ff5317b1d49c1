"""The shell side of `make test` and `make demo`: clean scripts, the wiring of the servers, apt-get's lock.

The scripts provision a fresh machine, so what they promise is tested here without one: shellcheck finds
nothing; `make test` provisions the servers before the suite and requires them in it; `make test-fast`
leaves out the slow markers; apt_get waits for a lock another apt-get holds and reports other errors at once
(a fake apt-get on PATH, as this process runs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = [*sorted((ROOT / "scripts").glob("*.sh")), ROOT / ".ci" / "run"]


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck not installed (apt-get install shellcheck)"
)
def test_the_scripts_are_shellcheck_clean() -> None:
    run = subprocess.run(
        ["shellcheck", "-x", *(str(p.relative_to(ROOT)) for p in SCRIPTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _make_dry_run(target: str) -> list[str]:
    run = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ}
    )
    return run.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_test_provisions_the_servers_then_requires_them() -> None:
    lines = _make_dry_run("test")
    services = lines.index("bash scripts/services.sh")
    suite = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert services < suite and lines[suite].startswith("DOSSIER_REQUIRE_SERVICES=1 ")
    fast = _make_dry_run("test-fast")
    assert any('-m "not ocr and not browser and not services"' in line for line in fast)
    assert not any("services.sh" in line for line in fast)


def _apt_get(tmp_path: Path, behaviour: str) -> subprocess.CompletedProcess[str]:
    """Source scripts/apt.sh and call apt_get with a fake apt-get whose behaviour is a shell snippet."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$*" >>"{tmp_path}/calls"\n{behaviour}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "APT_RETRY_SECONDS": "0"}
    return subprocess.run(
        ["bash", "-c", ". scripts/apt.sh && apt_get install -y foo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(os.getuid() != 0, reason="apt_get goes through sudo when not root")
def test_apt_get_waits_for_a_held_lock(tmp_path: Path) -> None:
    held_twice = (
        f'n=$(wc -l <"{tmp_path}/calls")\n'
        'if [ "$n" -le 2 ]; then\n'
        '  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 7" >&2; exit 100\n'
        "fi"
    )
    run = _apt_get(tmp_path, held_twice)
    assert run.returncode == 0, run.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 3 and all("DPkg::Lock::Timeout=600" in c and "install -y foo" in c for c in calls)
    assert "软件包锁被其他进程占用" in run.stderr


@pytest.mark.skipif(os.getuid() != 0, reason="apt_get goes through sudo when not root")
def test_apt_get_reports_any_other_error_at_once(tmp_path: Path) -> None:
    run = _apt_get(tmp_path, 'echo "E: Unable to locate package foo" >&2; exit 100')
    assert run.returncode == 1 and "Unable to locate package foo" in run.stderr
    assert len((tmp_path / "calls").read_text().splitlines()) == 1
