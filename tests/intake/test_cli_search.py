"""`dossier search`, run in this process against a temporary data dir: results name the customer and where
the match is, --json gives the API's shape, --reindex rebuilds what was lost, and bad arguments get a
Chinese message naming them with the usage exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete

from intake.cli import ExitCode, main
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from storage.models import Customer, SearchDocument


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    context = open_context(Settings.for_data_dir(tmp_path / "data"))
    with context.sessions.begin() as s:
        s.add(
            Customer(
                customer_no="C20261120001",
                tax_id="92440605MA4W0X1A2B",
                name="佛山市南海区桂城明辉五金经营部",
                values={"bank_account": "6222020200001234567"},
            )
        )
    return context


def test_results_name_the_customer_and_the_place(ctx: Context, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "南海区桂城"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "检索“南海区桂城”：第 1 页，1 条" in out
    assert "佛山市南海区桂城明辉五金经营部 C20261120001  [客户]" in out


def test_json_and_an_exact_account(ctx: Context, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--json", "6222-0202-0000-1234-567"]) == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["exact"] is True
    assert data["results"][0]["customer"] == {
        "customer_no": "C20261120001",
        "name": "佛山市南海区桂城明辉五金经营部",
    }


def test_reindex_rebuilds_a_lost_index(ctx: Context, capsys: pytest.CaptureFixture[str]) -> None:
    with ctx.sessions.begin() as s:
        s.execute(delete(SearchDocument))
    assert main(["search", "桂城明辉"]) == ExitCode.OK
    assert "0 条" in capsys.readouterr().out
    assert main(["search", "--reindex"]) == ExitCode.OK
    assert "检索索引已重建：1 条" in capsys.readouterr().out
    assert main(["search", "桂城明辉"]) == ExitCode.OK
    assert "1 条" in capsys.readouterr().out


def test_bad_arguments_are_refused_in_chinese(ctx: Context, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "佛" * 101]) == ExitCode.USAGE
    assert "参数 QUERY 最多 100 个字符" in capsys.readouterr().err
    assert main(["search"]) == ExitCode.USAGE
    assert "请给出检索词 QUERY" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "--page", "0", "佛山"])
    assert exit_info.value.code == ExitCode.USAGE
    assert "参数 --page 应为 1 到 50 之间的整数" in capsys.readouterr().err
