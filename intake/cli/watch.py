"""`dossier watch DIR`: intake from a scanner's shared folder (intake.lifecycle.watching does the work).

Reading goes the way of `dossier process` (the embedded pool, `--workers`) or, when DOSSIER_BROKER_URL is set,
of `dossier submit --wait` (the Celery workers read; this process waits for them before moving the item).
"""

from __future__ import annotations

import argparse
import signal
import sys
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.cli.common import ExitCode, positive
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.watching import ReadDossier, TryLaterError, WatchOptions, watch
from intake.settings import Settings
from ocr.engines import DEFAULT_ENGINE, ENGINES

if TYPE_CHECKING:
    from workers.embedded import PagePool


def seconds(text: str) -> float:
    """A number of seconds above zero, with a Chinese error naming the value."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是秒数：{text!r}") from exc
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(f"应大于 0 且小于 86400 秒：{text!r}")
    return value


def _embedded_reader(pool: PagePool) -> ReadDossier:
    """Read through the watcher's one pool (its workers load the OCR models once, not once per item)."""

    def read(ctx: Context, dossier_id: str) -> None:
        try:
            pool.run_dossier(ctx, dossier_id)
        except BrokenProcessPool as exc:  # a worker died: the pool is dropped, the item waits for a fresh one
            raise TryLaterError("读取进程意外退出，稍后重试") from exc

    return read


def _broker_reader() -> ReadDossier:
    from workers.submit import BrokerUnavailableError, enqueue_dossier, wait_for

    def read(ctx: Context, dossier_id: str) -> None:
        try:
            enqueue_dossier(ctx, dossier_id)
        except BrokerUnavailableError as exc:
            raise TryLaterError(f"消息队列不可用：{exc.broker_url}") from exc
        wait_for(ctx, dossier_id)

    return read


def _report(target: Path) -> None:
    where = "已完成" if target.parent.name == "done" else "失败"
    print(f"{where}：{target}", flush=True)


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def cmd_watch(args: argparse.Namespace, settings: Settings) -> ExitCode:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"dossier: 监控文件夹不存在或不是文件夹：{root}", file=sys.stderr)
        return ExitCode.USAGE
    if args.poll_seconds > args.quiet_seconds:
        print("dossier: --poll-seconds 不能大于 --quiet-seconds（否则无法判断文件是否写完）", file=sys.stderr)
        return ExitCode.USAGE
    ctx = open_context(settings, args.engine)
    stack = ExitStack()
    if settings.broker_url:
        reader = _broker_reader()
    else:
        from workers.embedded import PagePool

        reader = _embedded_reader(stack.enter_context(PagePool(ctx, args.workers or settings.workers)))
    opts = WatchOptions(quiet=args.quiet_seconds, poll=args.poll_seconds, once=args.once)
    print(
        f"监控文件夹：{root.absolute()}（每 {opts.poll:g} 秒查看一次，文件静止 {opts.quiet:g} 秒后读取）",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop)  # `docker compose stop`: the same as Ctrl-C
    try:
        with stack:
            watch(root.absolute(), ctx, reader, opts, report=_report)
    except KeyboardInterrupt:  # a stop between two steps: the next start resumes from .processing
        print("已停止监控。", file=sys.stderr)
    return ExitCode.OK


def add_watch_command(sub: Any) -> None:
    p = sub.add_parser(
        "watch",
        help="监控文件夹（扫描仪的共享目录）：读取放入其中的每份档案——子文件夹、ZIP 或散放的文件",
        description=(
            "监控文件夹：其中的每个子文件夹或 ZIP 是一份档案；散放的文件按文件名中"
            "第一个分隔符（_ - 空格）前的部分分组。所有文件大小和修改时间在 --quiet-seconds "
            "秒内不变后才读取；读完移入 DIR/done/ 或 DIR/failed/，旁边附说明文件。"
            "进程中断后重新启动会从 DIR/.processing/ 继续，不会重复建档。"
        ),
    )
    p.add_argument(
        "dir", metavar="文件夹", help="被监控的文件夹（在其中建立 done/、failed/ 和 .processing/）"
    )
    p.add_argument(
        "--quiet-seconds",
        type=seconds,
        default=10.0,
        help="一份档案的所有文件在这么多秒内没有变化才读取（默认 10 秒）",
    )
    p.add_argument("--poll-seconds", type=seconds, default=2.0, help="每隔多少秒查看一次文件夹（默认 2 秒）")
    p.add_argument(
        "--once", action="store_true", help="只查看一遍：读取此刻已稳定的档案后退出（供 cron 或测试使用）"
    )
    p.add_argument(
        "--workers",
        type=positive,
        help="嵌入模式下并行读取页面的进程数；默认：环境变量 DOSSIER_WORKERS，未设置时为 min(2, CPU 核数)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        help=f"文字识别引擎（可选：{'、'.join(ENGINES)}）；"
        f"默认：环境变量 DOSSIER_OCR_ENGINE，未设置时为 {DEFAULT_ENGINE}",
    )
    p.set_defaults(func=cmd_watch)
