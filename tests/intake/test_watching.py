"""The watched folder: its decisions as data (intake.lifecycle.watch_rules), then its file-system steps on
a real folder and a real SQLite database, interrupted between two steps, then resumed
(intake.lifecycle.watching).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.lifecycle.context import Context, open_context
from intake.lifecycle.register import register_paths, register_uploads
from intake.lifecycle.watch_rules import (
    Entry,
    Item,
    ItemKind,
    Reading,
    Seen,
    destination,
    free_name,
    group_of,
    items_of,
    reason_text,
    stable_items,
)
from intake.lifecycle.watching import (
    OUTCOME_FILE,
    WatchOptions,
    claim,
    decide,
    finish,
    handle,
    open_claims,
    prepare,
    read_item,
    scan,
    watch,
)
from intake.settings import Settings
from storage.models import Dossier, IntakeSource
from tests.synth import render_text_pdf
from workers.embedded import run_dossier


def text_pdf(path: Path, doc_type: str, seed: int) -> Path:
    """A generated document as a text-layer PDF: read without OCR, in a fraction of a second."""
    return render_text_pdf(doc_type, seed, path, as_of=date(2026, 11, 2))


def _file(name: str, size: int = 10, mtime: int = 1) -> Entry:
    return Entry(name, is_dir=False, files=((name, size, mtime),))


def _folder(name: str, *files: str) -> Entry:
    return Entry(name, is_dir=True, files=tuple((f"{name}/{f}", 5, 1) for f in files))


# ---- the rules --------------------------------------------------------------------------------------------


def test_folders_and_zips_are_items_and_loose_files_group_by_name_prefix() -> None:
    entries = [
        _folder("张三", "执照.jpg", "申请表.pdf"),
        _file("李四.ZIP"),
        _file("佛山某某_营业执照.jpg"),
        _file("佛山某某-开户许可证.pdf"),
        _file("SCAN 0002.pdf"),
        _file("SCAN_0001.pdf"),
        _file("单页.pdf"),
    ]
    items = {i.name: i for i in items_of(entries)}
    assert set(items) == {"张三", "李四.ZIP", "佛山某某", "SCAN", "单页"}
    assert items["张三"].kind is ItemKind.FOLDER and items["张三"].members == ("张三",)
    assert len(items["张三"].signature) == 2
    assert items["李四.ZIP"].kind is ItemKind.ZIP
    assert items["佛山某某"].kind is ItemKind.LOOSE
    assert items["佛山某某"].members == ("佛山某某-开户许可证.pdf", "佛山某某_营业执照.jpg")
    assert items["SCAN"].members == ("SCAN 0002.pdf", "SCAN_0001.pdf")
    assert group_of("单页.pdf") == "单页" and group_of("a.b_c.pdf") == "a.b"


def test_names_being_written_hidden_files_and_our_folders_are_not_items() -> None:
    entries = [
        _file("x.pdf.part"),
        _file("~扫描.pdf"),
        _file(".DS_Store"),
        _file("a.TMP"),
        _file("b.crdownload"),
        _folder("done", "a.pdf"),
        _folder("failed", "a.pdf"),
        _folder(".processing", "c/a.pdf"),
        _folder("空文件夹"),
        _folder("只有隐藏文件", ".DS_Store"),
    ]
    assert items_of(entries) == []


def test_a_folder_with_a_file_being_written_is_busy_and_never_taken() -> None:
    (busy,) = items_of([_folder("张三", "执照.jpg", "申请表.pdf.part")])
    assert busy.busy
    tracked: dict[str, Seen] = {}
    for now in (0.0, 5.0, 50.0):
        ready, tracked = stable_items(tracked, [busy], now=now, quiet=1.0)
        assert ready == []


def test_an_item_is_taken_only_after_it_stayed_the_same_for_the_quiet_period() -> None:
    (item,) = items_of([_folder("张三", "执照.jpg")])
    ready, tracked = stable_items({}, [item], now=100.0, quiet=10.0)
    assert ready == []  # first sight: we cannot know whether it is still growing
    ready, tracked = stable_items(tracked, [item], now=105.0, quiet=10.0)
    assert ready == []
    (grown,) = items_of([Entry("张三", is_dir=True, files=(("张三/执照.jpg", 9000, 2),))])
    ready, tracked = stable_items(tracked, [grown], now=109.0, quiet=10.0)
    assert ready == []  # it changed: the quiet period starts again
    ready, tracked = stable_items(tracked, [grown], now=118.0, quiet=10.0)
    assert ready == []
    ready, tracked = stable_items(tracked, [grown], now=119.0, quiet=10.0)
    assert ready == [grown]
    _, tracked = stable_items(tracked, [], now=120.0, quiet=10.0)
    assert tracked == {}  # gone items are forgotten


def test_a_new_file_of_a_loose_group_restarts_its_quiet_period() -> None:
    (one,) = items_of([_file("王五_执照.pdf")])
    _, tracked = stable_items({}, [one], now=0.0, quiet=2.0)
    (two,) = items_of([_file("王五_执照.pdf"), _file("王五_申请表.pdf")])
    ready, tracked = stable_items(tracked, [two], now=3.0, quiet=2.0)
    assert ready == []
    ready, _ = stable_items(tracked, [two], now=5.0, quiet=2.0)
    assert ready == [two]


def test_a_destination_name_already_taken_gets_a_number() -> None:
    assert free_name("张三", []) == "张三"
    assert free_name("张三", ["张三", "张三 (2)"]) == "张三 (3)"
    assert free_name("李四.zip", ["李四.zip"]) == "李四 (2).zip"


def test_the_reason_file_names_the_dossier_or_every_file_that_failed() -> None:
    ok = Reading("张三", "d1", "awaiting_review", 3, ("b.pdf 第2页：超时",), ("c.jpg：空文件",))
    assert destination(ok) == "done"
    text = reason_text(ok, status_label="待审核", when="2026-11-30 10:00:00")
    assert "d1" in text and "待审核" in text and "b.pdf 第2页：超时" in text and "c.jpg：空文件" in text
    junk = Reading("坏", None, None, 0, (), ("坏.pdf：PDF 已损坏",))
    assert destination(junk) == "failed"
    assert "未建立档案" in reason_text(
        junk, status_label="-", when="t"
    ) and "坏.pdf：PDF 已损坏" in reason_text(junk, status_label="-", when="t")
    unread = Reading("空", "d2", "awaiting_review", 0, ("a.pdf 第1页：无法读取",), ())
    assert destination(unread) == "failed" and "d2" in reason_text(unread, status_label="待审核", when="t")
    crashed = Reading("x", "d3", "reading", 5, (), (), error="ValueError: boom")
    assert destination(crashed) == "failed" and "boom" in reason_text(crashed, status_label="-", when="t")


# ---- the file-system steps, interrupted -----------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return open_context(Settings.for_data_dir(tmp_path / "data"))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pdfs")
    return {
        "营业执照.pdf": text_pdf(folder / "a.pdf", "business_license", 3).read_bytes(),
        "申请表.pdf": text_pdf(folder / "b.pdf", "application_form", 3).read_bytes(),
    }


def _read(ctx: Context, dossier_id: str) -> None:
    run_dossier(ctx, dossier_id, workers=1)


def _dossiers(ctx: Context) -> list[tuple[str, str | None, str | None, int]]:
    """(id, source, item name, number of files) of every dossier."""
    with ctx.sessions() as s:
        rows = s.scalars(select(Dossier).order_by(Dossier.created_at))
        return [(d.id, d.intake_source, d.intake_name, len(d.files)) for d in rows]


def _ready(root: Path) -> list[Item]:
    """The items of the folder as two polls a quiet period apart see them."""
    items = items_of(scan(root))
    ready, _ = stable_items(stable_items({}, items, now=0, quiet=1)[1], items, now=1, quiet=1)
    return ready


def test_a_watcher_killed_after_registering_finds_its_dossier_instead_of_making_a_second(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    root = tmp_path / "scans"
    (root / "张三").mkdir(parents=True)
    for name, data in pdfs.items():
        (root / "张三" / name).write_bytes(data)
    prepare(root)
    (item,) = _ready(root)
    c = claim(root, item)
    assert c is not None and not (root / "张三").exists() and (c.payload / "营业执照.pdf").exists()
    interrupted = []

    def killed_while_reading(ctx: Context, dossier_id: str) -> None:
        interrupted.append(dossier_id)
        raise KeyboardInterrupt  # stands for SIGKILL: nothing after this step runs

    with pytest.raises(KeyboardInterrupt):
        read_item(ctx, c, killed_while_reading, as_of=date(2026, 11, 30), source_name="scans")
    (resumed,) = open_claims(root)
    r = read_item(ctx, resumed, _read, as_of=date(2026, 11, 30), source_name="scans")
    assert r.dossier_id == interrupted[0] and r.pages_read == 2
    (d,) = _dossiers(ctx)
    assert d == (interrupted[0], IntakeSource.FOLDER, "scans/张三", 2)
    # killed again after the outcome was written, before the move: the same outcome is finished
    decide(root, resumed, r)
    (again,) = open_claims(root)
    assert (again.path / OUTCOME_FILE).exists()
    target = handle(root, ctx, again, _read, as_of=date(2026, 11, 30))
    assert target == root / "done" / "张三" and sorted(p.name for p in target.iterdir()) == sorted(pdfs)
    assert "档案编号 " + d[0] in (root / "done" / "张三.结果.txt").read_text(encoding="utf-8")
    assert list((root / ".processing").iterdir()) == [] and len(_dossiers(ctx)) == 1


def test_a_loose_group_half_moved_into_its_claim_is_completed_on_restart(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    for name, data in pdfs.items():
        (root / f"王五_{name}").write_bytes(data)
    prepare(root)
    (item,) = _ready(root)
    c = claim(root, item)
    assert c is not None
    # as if killed after the first member's rename: put the second one back where it was
    second = c.payload / item.members[1]
    second.rename(root / item.members[1])
    (resumed,) = open_claims(root)
    assert sorted(p.name for p in resumed.payload.iterdir()) == sorted(item.members)
    assert not any(p.is_file() for p in root.iterdir())
    handle(root, ctx, resumed, _read, as_of=date(2026, 11, 30))
    assert sorted(p.name for p in (root / "done" / "王五").iterdir()) == sorted(item.members)


def test_a_move_done_but_no_reason_file_yet_is_finished_on_restart(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    with zipfile.ZipFile(root / "李四.zip", "w") as z:
        for name, data in pdfs.items():
            z.writestr(name, data)
    (root / "done").mkdir()
    (root / "done" / "李四.zip").write_bytes(b"an earlier drop of the same name")
    prepare(root)
    (item,) = _ready(root)
    c = claim(root, item)
    assert c is not None
    outcome = decide(root, c, read_item(ctx, c, _read, as_of=date(2026, 11, 30), source_name="scans"))
    assert outcome["name"] == "李四 (2).zip"
    c.payload.rename(root / "done" / outcome["name"])  # killed right after the move
    (resumed,) = open_claims(root)
    finish(root, resumed, outcome)
    assert (root / "done" / "李四 (2).zip.结果.txt").exists()
    assert (root / "done" / "李四.zip").read_bytes() == b"an earlier drop of the same name"
    assert list((root / ".processing").iterdir()) == [] and len(_dossiers(ctx)) == 1


def test_once_takes_stable_items_and_leaves_those_still_being_written(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    (root / "赵六_营业执照.pdf").write_bytes(pdfs["营业执照.pdf"])
    (root / "钱七.pdf.part").write_bytes(pdfs["申请表.pdf"][:100])
    (root / "坏.pdf").write_bytes(b"%PDF-1.4 truncated")
    clock = iter(range(100))
    watch(
        root,
        ctx,
        _read,
        WatchOptions(quiet=1, poll=0.5, once=True),
        clock=lambda: next(clock),
        sleep=lambda _s: None,
    )
    assert (root / "钱七.pdf.part").exists()  # a scanner still writing: not touched
    assert (root / "done" / "赵六" / "赵六_营业执照.pdf").exists()
    assert (root / "failed" / "坏" / "坏.pdf").read_bytes() == b"%PDF-1.4 truncated"
    reason = (root / "failed" / "坏.原因.txt").read_text(encoding="utf-8")
    assert "坏.pdf" in reason and "未建立档案" in reason
    (d,) = _dossiers(ctx)
    assert d[1:] == (IntakeSource.FOLDER, "scans/赵六", 1)


def test_the_queue_shows_how_each_dossier_came_in(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    from werkzeug.security import generate_password_hash

    from review_ui import create_app
    from storage.models import Role, User
    from storage.queries import QueueFilter, review_queue

    root = tmp_path / "scans"
    root.mkdir()
    (root / "赵六_营业执照.pdf").write_bytes(pdfs["营业执照.pdf"])
    clock = iter(range(100))
    opts = WatchOptions(quiet=1, poll=0.5, once=True)
    watch(root, ctx, _read, opts, clock=lambda: next(clock), sleep=lambda _s: None)
    upload = register_uploads(ctx, [("申请表.pdf", io.BytesIO(pdfs["申请表.pdf"]))], as_of=date(2026, 11, 30))
    typed = register_paths(ctx, [root / "done" / "赵六"], as_of=date(2026, 11, 30))
    with ctx.sessions() as s:
        reading = review_queue(s, QueueFilter(status="reading"), date(2026, 11, 30)).rows
        s.add(
            User(
                name="审核员甲",
                password_hash=generate_password_hash("很长的测试口令-2026"),
                role=Role.REVIEWER,
            )
        )
        s.commit()
    assert {(r["id"], r["intake_source"]) for r in reading} == {(upload, "web"), (typed, "cli")}
    client = create_app(
        ctx, start_reading=lambda _c, _d: None, today=lambda: date(2026, 11, 30)
    ).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    client.post(
        "/login", data={"name": "审核员甲", "password": "很长的测试口令-2026", "csrf_token": token[1]}
    )
    html = client.get("/queue").get_data(as_text=True)
    assert "监控文件夹：scans/赵六" in html
    assert "网页上传" in client.get("/queue?status=reading").get_data(as_text=True)


def test_compose_runs_one_watcher_on_the_scanner_share_with_the_data_volume() -> None:
    import yaml

    from intake.cli import parser

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    watcher = compose["services"]["watch"]
    assert watcher["command"][:3] == ["dossier", "watch", "/scans"]
    args = parser().parse_args(watcher["command"][1:])  # the options it passes exist and are valid
    assert args.poll_seconds < args.quiet_seconds
    assert "dossier-data:/data" in watcher["volumes"] and any(
        v.endswith(":/scans") for v in watcher["volumes"]
    )
    assert watcher["environment"]["DOSSIER_BROKER_URL"].startswith("redis://")  # read by the workers
    assert "ports" not in watcher


def test_a_destination_taken_between_the_decision_and_the_move_gets_another_name_not_lost(
    tmp_path: Path, ctx: Context, pdfs: dict[str, bytes]
) -> None:
    root = tmp_path / "scans"
    (root / "孙八").mkdir(parents=True)
    (root / "孙八" / "营业执照.pdf").write_bytes(pdfs["营业执照.pdf"])
    prepare(root)
    (item,) = _ready(root)
    c = claim(root, item)
    assert c is not None
    outcome = decide(root, c, read_item(ctx, c, _read, as_of=date(2026, 11, 30), source_name="scans"))
    (root / "done" / "孙八").mkdir()  # someone files a folder of that name by hand, then we restart
    (resumed,) = open_claims(root)
    target = finish(root, resumed, outcome)
    assert target.name == "孙八 (2)" and (target / "营业执照.pdf").read_bytes() == pdfs["营业执照.pdf"]
    assert (root / "done" / "孙八 (2).结果.txt").exists()
