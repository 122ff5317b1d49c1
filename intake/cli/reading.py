"""Reading dossiers: `dossier process` (embedded), `submit` (Celery), `worker` and `beat`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from intake.cli.common import DATE_HELP, ExitCode, date_arg, positive
from intake.cli.summary import summary
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from ocr.engines import DEFAULT_ENGINE, ENGINES
from storage.contract_json import dossier_json

_summary = summary  # the name tests/intake/test_vocabulary.py imports


def _progress_bar(*, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="页", desc="读取页面", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done == total:
            bar.close()

    return update


def cmd_process(args: argparse.Namespace, settings: Settings) -> ExitCode:
    paths = [Path(p) for p in args.paths]
    if _missing_paths(paths):
        return ExitCode.USAGE
    ctx = open_context(settings, args.engine)
    from workers.embedded import process_embedded

    dossier_id = process_embedded(
        ctx,
        paths,
        as_of=args.as_of or date.today(),
        pickup_date=args.pickup_date,
        workers=args.workers or settings.workers,
        progress=_progress_bar(enabled=not args.json and sys.stderr.isatty()),
    )
    return _print_dossier(ctx, dossier_id, as_json=args.json)


def _print_dossier(ctx: Context, dossier_id: str, *, as_json: bool) -> ExitCode:
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    if as_json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(summary(out))
    read_ok = any(p.get("doc_type") and not p.get("error") for p in out["pages"])
    return ExitCode.OK if read_ok else ExitCode.NOTHING_READ


def _missing_paths(paths: Sequence[Path]) -> bool:
    for p in paths:
        if not p.exists():
            print(f"dossier: 文件或目录不存在: {p}", file=sys.stderr)
            return True
    return False


def cmd_submit(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Store a dossier and queue it for the workers; without a broker configured, read it here (embedded)."""
    if not settings.broker_url:
        args.workers = None
        return cmd_process(args, settings)
    paths = [Path(p) for p in args.paths]
    if _missing_paths(paths):
        return ExitCode.USAGE
    from workers.submit import BrokerUnavailableError, submit_dossier, wait_for

    ctx = open_context(settings, args.engine)
    try:
        dossier_id = submit_dossier(
            ctx, paths, as_of=args.as_of or date.today(), pickup_date=args.pickup_date
        )
    except BrokerUnavailableError as exc:
        print(
            f"dossier: 消息队列不可用 (message broker unreachable at {exc.broker_url}); "
            f"档案 {exc.dossier_id} 已保存，将在工作进程启动时处理 (stored; queued when a worker starts)",
            file=sys.stderr,
        )
        return ExitCode.BROKER_UNAVAILABLE
    if not args.wait:
        print(dossier_id)
        return ExitCode.OK
    wait_for(ctx, dossier_id, timeout=args.timeout)
    return _print_dossier(ctx, dossier_id, as_json=args.json)


def _celery_app_or_error(settings: Settings) -> Any:
    if not settings.broker_url:
        print("dossier: 未设置消息队列 DOSSIER_BROKER_URL（例如 redis://127.0.0.1:6379/0）", file=sys.stderr)
        return None
    from workers.app import app_for

    return app_for(settings)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> ExitCode:
    app = _celery_app_or_error(settings)
    if app is None:
        return ExitCode.USAGE
    open_context(settings)  # migrate once here, before the pool's processes start
    argv = ["worker", "--queues", args.queues, "--loglevel", "INFO"]
    if args.concurrency:
        argv += ["--concurrency", str(args.concurrency)]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    app.worker_main(argv)
    return ExitCode.OK


def cmd_beat(args: argparse.Namespace, settings: Settings) -> ExitCode:
    app = _celery_app_or_error(settings)
    if app is None:
        return ExitCode.USAGE
    open_context(settings)
    app.start(["beat", "--loglevel", "INFO", "--schedule", str(settings.work_dir / "celerybeat-schedule")])
    return ExitCode.OK


PATH_HELP = (
    "一份档案的扫描件，可给多个：文件夹（含子文件夹，逐个读取其中的文件）、PDF（扫描件或带文本层的电子件，"
    "多页）、图片（JPG、PNG、TIFF 含多页、BMP）、ZIP 压缩包（可嵌套）；一次命令给出的全部文件是同一份档案，"
    "读不了的文件列在“未能读取的文件”里并说明原因，其余照常处理"
)


def _dossier_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help=PATH_HELP)
    p.add_argument(
        "--pickup-date",
        type=date_arg,
        metavar="YYYY-MM-DD",
        help=f"确认的提货日期（{DATE_HELP}）；建档截止日期为提货前 7 天；默认：申请表上印的预计提货日期",
    )
    p.add_argument(
        "--as-of",
        type=date_arg,
        metavar="YYYY-MM-DD",
        help=f"接收并检查档案的日期（{DATE_HELP}），证件是否过期、是否逾期都按这一天判断；默认：今天",
    )
    p.add_argument(
        "--json", action="store_true", help="输出约定格式的 JSON（../shared/contract.md）而不是给人看的摘要"
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        help=f"文字识别引擎（可选：{'、'.join(ENGINES)}）；"
        f"默认：环境变量 DOSSIER_OCR_ENGINE，未设置时为 {DEFAULT_ENGINE}",
    )


def _add_worker_commands(sub: Any) -> None:
    p = sub.add_parser(
        "submit",
        help="保存档案并放入队列，由工作进程读取（生产模式；未配置消息队列时在本进程读取）",
        description="保存档案并放入 Celery 队列（DOSSIER_BROKER_URL），由 dossier worker 读取；"
        "未配置 DOSSIER_BROKER_URL 时与 dossier process 相同。",
    )
    _dossier_options(p)
    p.add_argument("--wait", action="store_true", help="等待工作进程读完，然后输出结果（摘要或 --json）")
    p.add_argument(
        "--timeout", type=float, metavar="秒", help="与 --wait 一起用：最多等待这么多秒；默认：一直等待"
    )
    p.set_defaults(func=cmd_submit)
    p = sub.add_parser(
        "worker",
        help="运行 Celery 工作进程（生产模式，需要 DOSSIER_BROKER_URL）",
        description="运行 Celery 工作进程，读取 dossier submit 和审核界面放入队列的页面。",
    )
    p.add_argument(
        "--queues", default="ocr,light", metavar="队列", help="要处理的队列，逗号分隔；默认：ocr,light"
    )
    p.add_argument("--concurrency", type=positive, metavar="N", help="工作进程数；默认：CPU 核数")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser(
        "beat",
        help="运行 Celery beat：截止日期提醒、补充资料通知、休眠客户（生产模式）",
        description="运行 Celery beat 定时任务（需要 DOSSIER_BROKER_URL）。",
    )
    p.set_defaults(func=cmd_beat)


def add_process_command(sub: Any) -> None:
    p = sub.add_parser(
        "process",
        help="在本进程中读取并检查一份档案（文件、文件夹、PDF、图片、ZIP）",
        description="读取一份档案的全部文件，识别每页的材料类型和字段，做一致性、完整性和期限检查，"
        "保存到数据目录（DOSSIER_DATA_DIR），然后输出摘要（或 --json）。",
    )
    _dossier_options(p)
    p.add_argument(
        "--workers",
        type=positive,
        metavar="N",
        help="并行读取页面的进程数；默认：环境变量 DOSSIER_WORKERS，未设置时为 min(2, CPU 核数)",
    )
    p.set_defaults(func=cmd_process)
