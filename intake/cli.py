"""The ``dossier`` command: ``dossier process PATH... [--pickup-date] [--as-of] [--json]`` and friends.

Thin: reads the Settings once (main), opens the context (intake.lifecycle), calls the lifecycle or a worker
runner, prints. Nothing but the console script imports this module.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from intake.types import RECORD_FIELDS
from intake.vocabulary import doc_name, field_name, rule_name, severity_name, source_name, status_name
from ocr.engines import DEFAULT_ENGINE, ENGINES
from storage.contract_json import dossier_json


class ExitCode(IntEnum):
    """The exit status of `dossier` (scripts depend on these numbers)."""

    OK = 0
    NOTHING_READ = 1  # no page of the dossier could be read
    USAGE = 2  # a missing path, a bad option, no broker configured for worker/beat, a refused password
    BROKER_UNAVAILABLE = 3  # `dossier submit`: stored, but the broker is down (queued when a worker starts)
    BACKUP_FAILED = 10  # `dossier backup/restore` could not be done (a path, pg_dump, the database)
    BACKUP_INVALID = 11  # `dossier restore`: the backup is incomplete, damaged or altered; untouched
    RESTORE_REFUSED = 12  # `dossier restore`: the data dir or database holds data and --force was not given
    ARCHIVE_DAMAGED = 20  # `dossier archive verify`: a filed PDF, original or manifest is missing or altered
    AUDIT_BROKEN = 30  # `dossier audit verify`: an audit entry changed, deleted or inserted around the chain
    SEARCH_TIMEOUT = 40  # `dossier search`: stopped at its time budget


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


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


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _dossier_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--pickup-date", type=_date, help="confirmed pickup date (default: as on the application form)"
    )
    p.add_argument("--as-of", type=_date, help="date the dossier is received and checked (default: today)")
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
    p.add_argument("--concurrency", type=_positive, help="worker processes (default: cpu count)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("beat", help="run Celery beat: deadline reminders, missing-information notices")
    p.set_defaults(func=cmd_beat)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """The review UI; without a broker, uploads are read by the embedded runner inside this process."""
    from review_ui import create_app
    from review_ui.jobs import resume_unfinished

    ctx = open_context(settings)
    app = create_app(ctx)
    resume_unfinished(ctx)
    try:
        from waitress import serve
    except ImportError:  # waitress is the production server; Flask's own is enough to try the UI
        app.run(host=args.host, port=args.port, threaded=True)
        return ExitCode.OK
    print(f"dossier: 审核界面 http://{args.host}:{args.port}/", file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=8)
    return ExitCode.OK


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("密码 (password): ")
        if first != getpass.getpass("再次输入 (again): "):
            raise ValueError("passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from review_ui.auth import add_user
    from storage.models import Role

    ctx = open_context(settings)
    try:
        password = _read_password()
        with ctx.sessions.begin() as s:
            add_user(s, args.name, password, Role(args.role), actor="cli")
    except ValueError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"用户 {args.name} 已创建 ({args.role})")
    return ExitCode.OK


def _add_ui_commands(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the review UI (and, without a broker, the embedded workers)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("user", help="manage review UI users")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create a user; the password is read from a prompt or stdin")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["administrator", "reviewer", "staff", "auditor"])
    add.set_defaults(func=cmd_user)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.maintenance import back_up
    from storage.backup import BackupError

    try:
        summary = back_up(settings, Path(args.path))
    except BackupError as exc:
        print(f"dossier: 备份失败：{exc}", file=sys.stderr)
        return ExitCode.BACKUP_FAILED
    except OSError as exc:  # a full disk, a directory we may not write
        print(f"dossier: 备份失败：{exc.strerror or exc}：{exc.filename or args.path}", file=sys.stderr)
        return ExitCode.BACKUP_FAILED
    print(
        f"备份完成：{summary.path}  文件 {summary.files} 个（{summary.bytes} 字节，"
        f"其中硬链接 {summary.linked} 个），"
        f"数据库结构版本 {summary.schema_revision or '-'}"
    )
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.maintenance import restore
    from storage.backup import BackupError, BackupInvalidError, RestoreRefusedError

    try:
        summary = restore(settings, Path(args.path), force=args.force)
    except BackupInvalidError as exc:
        print(f"dossier: 备份无效，未做任何改动：{exc}", file=sys.stderr)
        return ExitCode.BACKUP_INVALID
    except RestoreRefusedError as exc:
        print(f"dossier: 拒绝恢复：{exc}", file=sys.stderr)
        return ExitCode.RESTORE_REFUSED
    except BackupError as exc:
        print(f"dossier: 恢复失败：{exc}", file=sys.stderr)
        return ExitCode.BACKUP_FAILED
    except OSError as exc:
        print(f"dossier: 恢复失败：{exc.strerror or exc}：{exc.filename or args.path}", file=sys.stderr)
        return ExitCode.BACKUP_FAILED
    aside = f"；原有目录已移至 {summary.set_aside}" if summary.set_aside else ""
    print(
        f"恢复完成并已校验：文件 {summary.files} 个（{summary.bytes} 字节），"
        f"数据表 {len(summary.tables)} 张{aside}"
    )
    return ExitCode.OK


def _print_sample(view: Any) -> None:
    from intake.vocabulary import sample_result_name

    counts = "，".join(f"{sample_result_name(k)} {v}" for k, v in view.counts.items())
    print(
        f"{view.quarter} 抽查：从 {view.population} 条归档记录中按 {view.rate:.0%} 抽取 {len(view.rows)} 条"
        f"（随机种子 {view.seed}，{view.drawn_by} 于 {view.drawn_at:%Y-%m-%d %H:%M} UTC 抽取）；{counts}"
    )
    for row in view.rows:
        checked = f"  {row.checked_by} {row.checked_at:%Y-%m-%d}" if row.checked_at else ""
        note = f"  说明：{row.note}" if row.note else ""
        print(
            f"  {row.position:>3}. {row.archive_no}  {row.customer_no}  {row.customer_name}  "
            f"归档日期 {row.archived_on:%Y-%m-%d}  {sample_result_name(row.result)}{checked}{note}"
        )


def cmd_sample_draw(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.maintenance import SampleError, draw_sample

    ctx = open_context(settings)
    try:
        view = draw_sample(ctx, args.quarter, rate=args.rate, seed=args.seed, actor=args.actor)
    except SampleError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    _print_sample(view)
    return ExitCode.OK


def cmd_sample_list(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.maintenance import SampleError, sample_of, samples

    ctx = open_context(settings)
    if args.quarter is None:
        for view in samples(ctx):
            _print_sample(view)
        return ExitCode.OK
    try:
        view = sample_of(ctx, args.quarter)
    except SampleError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if view is None:
        print(
            f"dossier: {args.quarter} 尚未抽样（dossier sample draw --quarter {args.quarter}）",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    _print_sample(view)
    return ExitCode.OK


def cmd_personal_data_erase(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """004: the consignee's personal data of a dossier erased, with requester, reason and operator."""
    import getpass

    from intake.lifecycle.maintenance import ErasureError, erase_personal_data
    from storage.repository import NotFoundError

    ctx = open_context(settings)
    operator = args.operator or f"cli:{getpass.getuser()}"
    try:
        done = erase_personal_data(
            ctx, args.dossier, requester=args.requester, reason=args.reason, operator=operator
        )
    except NotFoundError:
        print(f"dossier: 档案不存在：--dossier {args.dossier}", file=sys.stderr)
        return ExitCode.USAGE
    except ErasureError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(
        f"档案 {args.dossier} 收货人个人信息已删除（请求编号 {done.request_id}）：字段 {done.fields} 个，"
        f"身份证复印件页面 {done.pages} 页，原件 {len(done.originals)} 个，"
        f"归档文件 {done.filed_documents} 份，"
        f"审计记录脱敏 {done.audit_entries_redacted} 条"
    )
    for kept in done.kept_originals:
        print(f"  保留原件 {kept['file']}：{kept['why']}")
    return ExitCode.OK


def cmd_sample_record(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.maintenance import SampleError, record_sample_result_by_archive_no
    from intake.vocabulary import sample_result_name

    ctx = open_context(settings)
    try:
        record_sample_result_by_archive_no(
            ctx, args.quarter, args.archive_no, args.result, args.note, actor=args.actor
        )
    except SampleError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"{args.quarter} {args.archive_no}：{sample_result_name(args.result)}")
    return ExitCode.OK


def _add_maintenance_commands(sub: Any) -> None:
    p = sub.add_parser("personal-data", help="data-subject requests (004): erase a consignee's personal data")
    pd_sub = p.add_subparsers(dest="personal_data_command", required=True)
    erase = pd_sub.add_parser(
        "erase", help="erase the consignee's ID copy, fields and originals of a dossier"
    )
    erase.add_argument("--dossier", required=True, help="the dossier id")
    erase.add_argument("--requester", required=True, help="who asked (the data subject or their agent)")
    erase.add_argument("--reason", required=True, help="why (recorded with the request)")
    erase.add_argument("--operator", help="who carries it out (default: cli:<login name>)")
    erase.set_defaults(func=cmd_personal_data_erase)
    p = sub.add_parser("sample", help="the quarterly audit sample (10-20 %% of the quarter's records)")
    sample_sub = p.add_subparsers(dest="sample_command", required=True)
    draw = sample_sub.add_parser("draw", help="draw and store a quarter's sample, reproducible by its seed")
    draw.add_argument("--quarter", required=True, help="e.g. 2026-Q4")
    draw.add_argument("--rate", help="0.1-0.2 (default 0.1)")
    draw.add_argument("--seed", help="an integer (default: random, printed and stored)")
    draw.add_argument("--actor", default="cli", help="who draws it (default: cli)")
    draw.set_defaults(func=cmd_sample_draw)
    listing = sample_sub.add_parser("list", help="list a quarter's sample with results (or every sample)")
    listing.add_argument("--quarter", help="e.g. 2026-Q4 (default: every quarter, without rows)")
    listing.set_defaults(func=cmd_sample_list)
    rec = sample_sub.add_parser("record", help="record the result of re-checking one sampled record")
    rec.add_argument("--quarter", required=True, help="e.g. 2026-Q4")
    rec.add_argument("--archive-no", required=True, help="the sampled record's archive number (归档编号)")
    rec.add_argument("--result", required=True, help="passed|failed, or 合格|不合格")
    rec.add_argument("--note", help="what was wrong (required when failed)")
    rec.add_argument("--actor", default="cli", help="who re-checked it (default: cli)")
    rec.set_defaults(func=cmd_sample_record)
    p = sub.add_parser("backup", help="back up the database and the data dir (consistent while running)")
    p.add_argument("path", metavar="PATH", help="a new or empty directory outside the data dir")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="verify a backup and restore it onto an empty data dir and database")
    p.add_argument("path", metavar="PATH", help="the backup directory (with its manifest.json)")
    p.add_argument("--force", action="store_true", help="restore over existing data (set aside under work/)")
    p.set_defaults(func=cmd_restore)


def _ledger_format(text: str) -> str:
    if text.lower() not in ("xlsx", "csv"):
        raise argparse.ArgumentTypeError(f"台账格式只能是 xlsx 或 csv，收到的是 {text!r}")
    return text.lower()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是日期（应为 YYYY-MM-DD）：{text!r}") from exc


def cmd_ledger_export(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Write the customer ledger; the format follows --format, else the file's suffix (default xlsx)."""
    from intake.lifecycle.customers import export_ledger

    target = Path(args.path).expanduser()
    fmt = args.format or ("csv" if target.suffix.lower() == ".csv" else "xlsx")
    if target.is_dir():
        print(f"dossier: PATH 是一个目录，请给出文件名：{target}", file=sys.stderr)
        return ExitCode.USAGE
    if not target.parent.is_dir():
        print(f"dossier: PATH 所在的目录不存在：{target.parent}", file=sys.stderr)
        return ExitCode.USAGE
    ctx = open_context(settings)
    try:
        count = export_ledger(ctx, target, fmt)
    except OSError as exc:
        print(f"dossier: 无法写入台账 {target}：{exc.strerror or exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"客户信息台账已导出：{target}（{count} 个客户，{fmt.upper()}）")
    return ExitCode.OK


def cmd_mark_dormant(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.customers import mark_dormant

    marked = mark_dormant(open_context(settings), args.as_of or date.today(), actor="cli")
    print(f"已标记为休眠的客户：{len(marked)} 个" + (f"（{'、'.join(marked)}）" if marked else ""))
    return ExitCode.OK


def _add_customer_commands(sub: Any) -> None:
    p = sub.add_parser("ledger", help="the customer ledger (客户信息台账)")
    ledger_sub = p.add_subparsers(dest="ledger_command", required=True)
    export = ledger_sub.add_parser("export", help="write every customer with its key fields as XLSX or CSV")
    export.add_argument("path", metavar="PATH", help="the file to write (replaced if it exists)")
    export.add_argument(
        "--format", type=_ledger_format, help="xlsx or csv (default: from PATH's suffix, else xlsx)"
    )
    export.set_defaults(func=cmd_ledger_export)
    p = sub.add_parser("customers", help="customers for life")
    customers_sub = p.add_subparsers(dest="customers_command", required=True)
    dormant = customers_sub.add_parser(
        "mark-dormant", help="mark customers without archiving or change for 3 years as dormant"
    )
    dormant.add_argument("--as-of", type=_day, help="the day to judge from (default: today)")
    dormant.set_defaults(func=cmd_mark_dormant)
    _add_history_command(customers_sub)


def cmd_archive_verify(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.filing import verify_archive

    check = verify_archive(open_context(settings))
    for problem in check.problems:
        print(problem)
    if check.damaged:
        print(f"归档文件校验未通过：{check.documents} 份中 {check.damaged} 份有问题", file=sys.stderr)
        return ExitCode.ARCHIVE_DAMAGED
    print(f"归档文件校验通过：{check.documents} 份 PDF、原件与清单齐全且未被改动")
    return ExitCode.OK


def _add_archive_commands(sub: Any) -> None:
    p = sub.add_parser("archive", help="the filed archive (archive/<客户编号>/<YYYY-Qn>/)")
    archive_sub = p.add_subparsers(dest="archive_command", required=True)
    verify = archive_sub.add_parser(
        "verify", help="re-hash every filed PDF, original and manifest against its archive record"
    )
    verify.set_defaults(func=cmd_archive_verify)


def _when(at: Any) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S} UTC" if at is not None else "-"


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Walk the audit chain; name the first entry that does not match (id, time, actor, action, what)."""
    from intake.lifecycle.audit import verify_audit_chain

    result = verify_audit_chain(open_context(settings))
    start = "无记录"
    if result.first_id is not None:
        start = f"自第 1 条（编号 {result.first_id}，{_when(result.first_at)}）起"
    if result.broken is None:
        print(f"审计链完整：{result.entries} 条记录（{start}；链尾哈希 {result.head_hash}）")
        return ExitCode.OK
    b = result.broken
    print(
        f"审计链已被破坏：第一条不符的记录 编号 {b.event_id if b.event_id is not None else '-'}"
        f"（链序号 {b.seq if b.seq is not None else '-'}），时间 {_when(b.at)}，操作人 {b.actor or '-'}，"
        f"动作 {b.action or '-'}：{b.problem}。此前 {result.entries} 条记录完好（{start}）",
        file=sys.stderr,
    )
    return ExitCode.AUDIT_BROKEN


def _add_audit_commands(sub: Any) -> None:
    p = sub.add_parser("audit", help="the tamper-evident audit trail")
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain and name the first broken entry")
    verify.set_defaults(func=cmd_audit_verify)


def cmd_customer_history(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Print a customer's change history, or write it as CSV (UTF-8 with BOM, Chinese headings)."""
    from intake.lifecycle.changes import CustomerNotFoundError, customer_history, export_history
    from intake.vocabulary import field_name

    ctx = open_context(settings)
    try:
        if args.csv:
            target = Path(args.csv).expanduser()
            if not target.parent.is_dir():
                print(f"dossier: --csv 的目录不存在：{target.parent}", file=sys.stderr)
                return ExitCode.USAGE
            count = export_history(ctx, args.customer_no, target)
            print(f"客户 {args.customer_no} 的变更历史已写入 {target}：{count} 条")
            return ExitCode.OK
        view = customer_history(ctx, args.customer_no, role=None, page=1)
    except CustomerNotFoundError:
        print(f"dossier: 客户不存在：{args.customer_no}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as exc:
        print(f"dossier: 无法写入 --csv {args.csv}：{exc.strerror or exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"客户 {view.customer_no} {view.name}：变更 {view.total} 条（最近 {len(view.rows)} 条如下）")
    for row in view.rows:
        print(
            f"  {row.local_time}  {field_name(row.field)}：{row.before or '（空）'} → "
            f"{row.after or '（空）'}  {row.actor}  原因：{row.reason or '-'}  {row.source}"
        )
    return ExitCode.OK


def _add_history_command(customers_sub: Any) -> None:
    p = customers_sub.add_parser("history", help="a customer's change history (every earlier value)")
    p.add_argument("customer_no", metavar="CUSTOMER_NO", help="客户编号, e.g. C20261120001")
    p.add_argument("--csv", metavar="PATH", help="write the whole history to PATH as CSV (replaced)")
    p.set_defaults(func=cmd_customer_history)


# ---- search (issue 11)
def cmd_search(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Search customers, dossiers and page text as /search does (values unmasked: the operator's console);
    `--reindex` rebuilds the index (after migration 0005 on a database that already holds dossiers)."""
    from storage import search

    ctx = open_context(settings)
    if args.reindex:
        with ctx.sessions.begin() as s:
            count = search.reindex_all(s)
        print(f"检索索引已重建：{count} 条（客户、档案记录、页面）")
        return ExitCode.OK
    if not args.query:
        print("dossier: 请给出检索词 QUERY，或用 --reindex 重建索引", file=sys.stderr)
        return ExitCode.USAGE
    try:
        with ctx.sessions() as s:
            results = search.search(s, " ".join(args.query), page=args.page, parameter="QUERY")
    except search.SearchTimeout as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.SEARCH_TIMEOUT
    except search.SearchError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if args.json:
        out = {"q": results.query.text, "page": results.page, "has_next": results.has_next}
        out["results"] = [hit.as_json() for hit in results.hits]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return ExitCode.OK
    found = f"第 {results.page} 页，{len(results.hits)} 条（{results.elapsed_ms:.0f} 毫秒）"
    print(f"检索“{results.query.text}”：{found}")
    if not results.full_text:
        print("（检索词太短，只检索了客户和档案的名称，没有检索页面全文；请多输入几个字）")
    for hit in results.hits:
        where = hit.as_json()["kind_name"]
        if hit.kind == "page":
            where += f"：{hit.file_name} 第 {hit.page_no} 页"
        customer = f"{hit.customer_name or '（未识别名称）'} {hit.customer_no or '（尚未归档）'}"
        print(f"  {customer}  [{where}]" + ("  精确匹配" if hit.exact else ""))
        print(f"      {hit.snippet}" + (f"  档案 {hit.dossier_id}" if hit.dossier_id else ""))
    if results.has_next:
        print(f"（还有更多结果：--page {results.page + 1}）")
    return ExitCode.OK


def _search_page(text: str) -> int:
    from storage.search import SearchError, parse_page

    try:
        return parse_page(text, parameter="--page")
    except SearchError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_search_command(sub: Any) -> None:
    p = sub.add_parser("search", help="search customers, dossiers and the text of read pages")
    p.add_argument("query", nargs="*", metavar="QUERY", help="name (part), number, tax number, account, text")
    p.add_argument("--page", type=_search_page, default=1, help="result page (20 a page, 1-50)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--reindex", action="store_true", help="rebuild the search index from the database")
    p.set_defaults(func=cmd_search)


# ---- end search


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dossier", description="客户建档资料 — Dossier Intake")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress and errors to stderr")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="read a dossier (files or folders) and check it, in this process")
    _dossier_options(p)
    p.add_argument(
        "--workers",
        type=_positive,
        help="processes reading pages (default: $DOSSIER_WORKERS or min(2, cpus))",
    )
    p.set_defaults(func=cmd_process)
    _add_worker_commands(sub)
    _add_ui_commands(sub)
    _add_customer_commands(sub)
    _add_archive_commands(sub)
    _add_audit_commands(sub)
    _add_maintenance_commands(sub)
    _add_search_command(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)  # a usage error exits with ExitCode.USAGE (argparse's 2)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    settings = Settings.from_env()  # the one read of the environment; every command gets this object
    return int(args.func(args, settings))


if __name__ == "__main__":
    sys.exit(main())
