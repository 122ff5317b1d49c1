"""The quarterly audit sample (storage.sampling through intake.lifecycle.maintenance and `dossier sample`).

Archive records are written directly (a dossier row, its customer name, the record with its archive date), so
a quarter of dozens of records costs milliseconds; approving real dossiers is the lifecycle tests' business.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import vocabulary
from intake.cli import ExitCode, main
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.maintenance import (
    SampleError,
    draw_sample,
    record_sample_result,
    sample_of,
    samples,
)
from intake.settings import Settings
from storage import repository as repo
from storage.models import ArchiveRecord, AuditEvent, RecordField, SampleResult
from storage.sampling import Quarter, check_rate, parse_quarter, sample_size

SHANGHAI = timedelta(hours=8)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return open_context(Settings.for_data_dir(tmp_path / "data"))


def _archive(ctx: Context, archived_at: datetime, n: int) -> str:
    with ctx.sessions.begin() as s:
        d = repo.create_dossier(s, reference=f"R-{n}", pickup_date=None, as_of=date(2026, 10, 1), actor="t")
        s.add(RecordField(dossier_id=d.id, name="customer_name", value=f"客户{n:03d}有限公司"))
        s.add(
            ArchiveRecord(
                archive_no=f"GD2026{n:06d}", dossier_id=d.id, customer_no=f"C2026{n:06d}",
                archived_at=archived_at, doc_category="资质", copies=1, location="电子",
                handler="admin", reviewer="reviewer",
            )
        )  # fmt: skip
        return d.id


def _quarter_of_records(ctx: Context, count: int, quarter: str = "2026-Q4", first: int = 0) -> None:
    start, _end = parse_quarter(quarter).bounds()
    for n in range(first, first + count):
        _archive(ctx, start + timedelta(hours=7 * n), n)


def test_quarters_parse_and_bound_in_the_archives_time_zone() -> None:
    q4 = parse_quarter(" 2026-q4 ")
    assert q4 == Quarter(2026, 4) and q4.label == "2026-Q4"
    start, end = q4.bounds()
    assert start == datetime(2026, 10, 1, tzinfo=UTC) - SHANGHAI
    assert end == datetime(2027, 1, 1, tzinfo=UTC) - SHANGHAI
    assert Quarter.of(date(2026, 3, 31)).label == "2026-Q1"
    for bad in ("2026-Q5", "2026Q4", "Q4-2026", "", "2026-Q4; DROP TABLE"):
        with pytest.raises(SampleError, match="季度格式不正确"):
            parse_quarter(bad)


def test_the_rate_is_bounded_to_ten_to_twenty_percent() -> None:
    assert check_rate("0.1") == 0.1 and check_rate("15%") == 0.15 and check_rate(0.2) == 0.2
    for bad in ("0.09", "0.21", "5%", "1", "-0.1", "nan", "inf"):
        with pytest.raises(SampleError, match="超出范围"):
            check_rate(bad)
    with pytest.raises(SampleError, match="不是数字"):
        check_rate("ten")


def test_sample_size_is_the_rate_rounded_up_and_at_least_one() -> None:
    assert sample_size(0, 0.1) == 0
    assert sample_size(3, 0.1) == 1
    assert sample_size(30, 0.1) == 3  # not 4: 30 × 0.1 is 3.0000000000000004 in floating point
    assert sample_size(25, 0.1) == 3 and sample_size(25, 0.2) == 5


def test_the_same_seed_and_quarter_give_the_same_sample(ctx: Context, tmp_path: Path) -> None:
    _quarter_of_records(ctx, 40)
    _archive(ctx, datetime(2026, 9, 30, 15, 59, tzinfo=UTC), 900)  # 2026-09-30 23:59 in Shanghai: Q3
    _archive(ctx, datetime(2026, 12, 31, 16, 0, tzinfo=UTC), 901)  # 2027-01-01 00:00 in Shanghai: 2027-Q1
    drawn = draw_sample(ctx, "2026-Q4", rate="0.15", seed=20261, actor="auditor")

    assert drawn.population == 40 and len(drawn.rows) == 6 and drawn.seed == 20261
    expected = random.Random(20261).sample([f"GD2026{n:06d}" for n in range(40)], 6)
    assert [r.archive_no for r in drawn.rows] == expected  # the documented procedure, reproducible by hand
    assert all(r.customer_name.startswith("客户") and r.result == "pending" for r in drawn.rows)
    assert all(parse_quarter("2026-Q4").first_day <= r.archived_on < date(2027, 1, 1) for r in drawn.rows)

    other = open_context(Settings.for_data_dir(tmp_path / "again"))  # the same records elsewhere
    _quarter_of_records(other, 40)
    assert [r.archive_no for r in draw_sample(other, "2026-Q4", rate=0.15, seed=20261, actor="a").rows] == (
        expected
    )
    third = open_context(Settings.for_data_dir(tmp_path / "third"))
    _quarter_of_records(third, 40)
    assert [r.archive_no for r in draw_sample(third, "2026-Q4", rate=0.15, seed=7, actor="a").rows] != (
        expected
    )


def test_a_draw_is_refused_outside_the_rate_twice_or_for_an_empty_quarter(ctx: Context) -> None:
    _quarter_of_records(ctx, 12)
    with pytest.raises(SampleError, match="10%–20%"):
        draw_sample(ctx, "2026-Q4", rate="0.05", actor="auditor")
    with pytest.raises(SampleError, match="10%–20%"):
        draw_sample(ctx, "2026-Q4", rate="0.25", actor="auditor")
    with pytest.raises(SampleError, match="随机种子"):
        draw_sample(ctx, "2026-Q4", seed="abc", actor="auditor")
    with pytest.raises(SampleError, match="没有归档记录"):
        draw_sample(ctx, "2026-Q3", actor="auditor")
    first = draw_sample(ctx, "2026-Q4", actor="auditor")  # default 10 %, a random seed that is kept
    assert first.rate == 0.1 and len(first.rows) == 2 and 0 <= first.seed < 2**31
    with pytest.raises(SampleError, match="已抽样"):
        draw_sample(ctx, "2026-Q4", actor="administrator")
    again = sample_of(ctx, "2026-Q4")
    assert again is not None and [r.archive_no for r in again.rows] == [r.archive_no for r in first.rows]
    assert [v.quarter for v in samples(ctx)] == ["2026-Q4"]


def test_results_are_recorded_and_audited(ctx: Context) -> None:
    _quarter_of_records(ctx, 20)
    drawn = draw_sample(ctx, "2026-Q4", rate=0.1, seed=3, actor="auditor")
    passed, failed = drawn.rows
    record_sample_result(ctx, "2026-Q4", passed.item_id, "passed", "", actor="auditor")
    with pytest.raises(SampleError, match="须填写说明"):
        record_sample_result(ctx, "2026-Q4", failed.item_id, "failed", "  ", actor="auditor")
    with pytest.raises(SampleError, match="结果无效"):
        record_sample_result(ctx, "2026-Q4", failed.item_id, "great", None, actor="auditor")
    with pytest.raises(SampleError, match="没有编号"):
        record_sample_result(ctx, "2026-Q3", failed.item_id, "passed", None, actor="auditor")
    note = "归档份数与实物不符"
    record_sample_result(ctx, "2026-Q4", failed.item_id, "failed", note, actor="administrator")

    view = sample_of(ctx, "2026-Q4")
    assert view is not None
    assert view.counts == {"pending": 0, "passed": 1, "failed": 1}
    got = {r.archive_no: (r.result, r.note, r.checked_by) for r in view.rows}
    assert got[passed.archive_no] == ("passed", None, "auditor")
    assert got[failed.archive_no] == ("failed", "归档份数与实物不符", "administrator")
    with ctx.sessions() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action.like("sample.%"))))
    assert [e.action for e in events] == ["sample.drawn", "sample.checked", "sample.checked"]
    assert events[0].after is not None
    assert events[0].after["archive_nos"] == [passed.archive_no, failed.archive_no]
    assert events[2].before is not None and events[2].before["result"] == "pending"
    assert events[2].dossier_id == failed.dossier_id and events[2].actor == "administrator"


def test_every_result_has_a_chinese_name() -> None:
    assert {vocabulary.sample_result_name(r) for r in SampleResult} == {"待复核", "合格", "不合格"}


def test_the_cli_draws_and_lists(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _quarter_of_records(ctx, 20)
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(ctx.settings.data_dir))
    assert main(["sample", "draw", "--quarter", "2026-Q4", "--rate", "0.3"]) == ExitCode.USAGE
    assert "超出范围" in capsys.readouterr().err
    assert main(["sample", "draw", "--quarter", "2026-Q4", "--seed", "11"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "随机种子 11" in out and "待复核" in out and "客户" in out
    assert main(["sample", "list", "--quarter", "2026-Q4"]) == ExitCode.OK
    listed = capsys.readouterr().out
    expected = random.Random(11).sample([f"GD2026{n:06d}" for n in range(20)], 2)
    assert all(no in listed for no in expected)
    assert main(["sample", "list"]) == ExitCode.OK
    assert "2026-Q4" in capsys.readouterr().out
    record = ["sample", "record", "--quarter", "2026-Q4", "--archive-no"]
    assert main([*record, expected[0], "--result", "合格"]) == ExitCode.OK
    assert main([*record, expected[1], "--result", "不合格"]) == ExitCode.USAGE
    assert "须填写说明" in capsys.readouterr().err
    assert main([*record, expected[1], "--result", "failed", "--note", "缺页"]) == ExitCode.OK
    assert main([*record, "GD-nope", "--result", "passed"]) == ExitCode.USAGE
    assert "没有归档编号 GD-nope" in capsys.readouterr().err
    assert main(["sample", "list", "--quarter", "2026-Q4"]) == ExitCode.OK
    listed = capsys.readouterr().out
    assert "合格 1，不合格 1" in listed and "说明：缺页" in listed
    assert main(["sample", "list", "--quarter", "2026-Q1"]) == ExitCode.USAGE
    assert "尚未抽样" in capsys.readouterr().err
