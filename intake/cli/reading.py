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

from intake.cli.common import ExitCode, date_arg, positive
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from intake.types import RECORD_FIELDS
from intake.vocabulary import doc_name, field_name, rule_name, severity_name, source_name, status_name
from ocr.engines import DEFAULT_ENGINE, ENGINES
from storage.contract_json import dossier_json


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


def _summary(out: dict[str, Any]) -> str:
    d = out["dossier"]
    lines = [
        f"档案 {d['id']}  状态: {status_name(d['status'])}  提货日期: {d.get('pickup_date') or '-'}  "
        f"截止日期: {d.get('deadline') or '-'}",
        "",
        "页面:",
    ]
    for p in out["pages"]:
        source = source_name(p["source"]) if p.get("source") else "-"
        err = f"  错误: {p['error']}" if p.get("error") else ""
        lines.append(
            f"  {p['file']} 第{p['page']}页  {doc_name(p.get('doc_type'))}  ({source}, "
            f"{len(p.get('fields') or {})} 个字段){err}"
        )
    lines += ["", "开票六要素:"]
    for key in RECORD_FIELDS:
        lines.append(f"  {field_name(key)}: {out['record'].get(key) or '（未读取）'}")
    comp = out["completeness"]
    missing = "、".join(doc_name(m) for m in comp["missing"]) or "无"
    lines += ["", f"资料齐全: {'是' if comp['complete'] else '否'}  缺少: {missing}"]
    if out["findings"]:
        lines += ["", "检查结果:"]
        lines += [
            f"  [{severity_name(f['severity'])}] {rule_name(f['rule'])}: {f['message']}"
            for f in out["findings"]
        ]
    if out["rejected_files"]:
        lines += ["", "未能读取的文件:"]
        lines += [f"  {r['file']}: {r['reason']}" for r in out["rejected_files"]]
    return "\n".join(lines)


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
        print(_summary(out))
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
        print("dossier: DOSSIER_BROKER_URL is not set (e.g. redis://127.0.0.1:6379/0)", file=sys.stderr)
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


def _dossier_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--pickup-date", type=date_arg, help="confirmed pickup date (default: as on the application form)"
    )
    p.add_argument("--as-of", type=date_arg, help="date the dossier is received and checked (default: today)")
    p.add_argument("--json", action="store_true", help="print the contract JSON instead of a summary")
    p.add_argument(
        "--engine", choices=ENGINES, help=f"OCR engine (default: $DOSSIER_OCR_ENGINE or {DEFAULT_ENGINE})"
    )


def _add_worker_commands(sub: Any) -> None:
    p = sub.add_parser(
        "submit", help="store a dossier and queue it for the workers (embedded without a broker)"
    )
    _dossier_options(p)
    p.add_argument("--wait", action="store_true", help="wait until the workers are done and print the result")
    p.add_argument("--timeout", type=float, help="with --wait: give up waiting after this many seconds")
    p.set_defaults(func=cmd_submit)
    p = sub.add_parser("worker", help="run a Celery worker ($DOSSIER_BROKER_URL)")
    p.add_argument("--queues", default="ocr,light", help="queues to consume (default: ocr,light)")
    p.add_argument("--concurrency", type=positive, help="worker processes (default: cpu count)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("beat", help="run Celery beat: deadline reminders, missing-information notices")
    p.set_defaults(func=cmd_beat)


def add_process_command(sub: Any) -> None:
    p = sub.add_parser("process", help="read a dossier (files or folders) and check it, in this process")
    _dossier_options(p)
    p.add_argument(
        "--workers",
        type=positive,
        help="processes reading pages (default: $DOSSIER_WORKERS or min(2, cpus))",
    )
    p.set_defaults(func=cmd_process)
