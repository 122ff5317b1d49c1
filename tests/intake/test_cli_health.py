"""`dossier health`: exit 0 with a reachable database (embedded mode), 1 when the database or, with a broker,
every worker fails to answer; Chinese lines or one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.cli import main

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path))
    for name in ("DOSSIER_DATABASE_URL", "DOSSIER_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_healthy_in_embedded_mode(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health"]) == 0
    out = capsys.readouterr().out
    assert "database: ok" in out and "嵌入模式" in out and out.rstrip().endswith("健康")


def test_unreachable_database_is_unhealthy(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DOSSIER_DATABASE_URL", DOWN)
    assert main(["health", "--json"]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["healthy"] is False and answer["database"].startswith("无法连接")


@pytest.mark.services
def test_a_broker_without_workers_is_unhealthy(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DOSSIER_BROKER_URL", "redis://127.0.0.1:6379/14")
    assert main(["health", "--json", "--worker", "celery@nowhere"]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["broker"] == "ok" and answer["workers"] == [] and "celery@nowhere" in answer["worker"]
