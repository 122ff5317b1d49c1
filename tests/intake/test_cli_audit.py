"""`dossier audit verify` and `dossier customers history`, run in this process against a temporary data dir:
an intact chain says so with its length, a tampered entry is named with a non-zero exit, the history prints
and exports as CSV, and bad arguments get a Chinese message naming them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from intake.cli import ExitCode, main
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from storage import repository as repo
from storage.models import Customer, CustomerHistory


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    return open_context(Settings.for_data_dir(tmp_path / "data"))


def _audit(ctx: Context, n: int) -> list[int]:
    with ctx.sessions.begin() as s:
        for i in range(n):
            repo.audit(s, "admin", "dossier.created", dossier_id=f"d{i}", after={"reference": f"R-{i}"})
    with ctx.sessions() as s:
        return list(s.scalars(text("SELECT id FROM audit_events ORDER BY id")))


def test_an_intact_chain_is_reported_with_its_length(
    ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    _audit(ctx, 3)
    assert main(["audit", "verify"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith("审计链完整：3 条记录") and "自第 1 条" in out


def test_a_tampered_entry_is_named_with_a_non_zero_exit(
    ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _audit(ctx, 4)
    with ctx.sessions.begin() as s:
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": ids[2]})
    assert main(["audit", "verify"]) == ExitCode.AUDIT_BROKEN
    err = capsys.readouterr().err
    assert f"编号 {ids[2]}" in err and "操作人 mallory" in err and "动作 dossier.created" in err
    assert "此前 2 条记录完好" in err


def test_the_history_prints_and_exports(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ctx.sessions.begin() as s:
        customer = Customer(customer_no="C20261120001", tax_id="T1", name="杭州明达贸易有限公司", values={})
        s.add(customer)
        s.flush()
        change = {"field": "bank_name", "before": "工商银行", "after": "中国银行", "reason": "客户更换开户行"}
        s.add(CustomerHistory(customer_id=customer.id, actor="reviewer", **change))
    assert main(["customers", "history", "C20261120001"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "变更 1 条" in out and "开户银行：工商银行 → 中国银行" in out and "客户更换开户行" in out
    target = tmp_path / "history.csv"
    assert main(["customers", "history", "C20261120001", "--csv", str(target)]) == ExitCode.OK
    assert target.read_text(encoding="utf-8").startswith("\ufeff变更日期,字段")
    assert main(["customers", "history", "C19990101001"]) == ExitCode.USAGE
    assert "客户不存在：C19990101001" in capsys.readouterr().err
    assert (
        main(["customers", "history", "C20261120001", "--csv", str(tmp_path / "no" / "x.csv")])
        == ExitCode.USAGE
    )
    assert "--csv 的目录不存在" in capsys.readouterr().err
