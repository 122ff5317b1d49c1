"""Keeping the archive safe: `dossier backup`, `restore`, `sample` and `personal-data erase`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from intake.cli.common import ExitCode
from intake.lifecycle.context import open_context
from intake.settings import Settings


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


QUARTER_HELP = "季度，格式 YYYY-Qn，例如 2026-Q4"


def _add_maintenance_commands(sub: Any) -> None:
    p = sub.add_parser("personal-data", help="个人信息主体的请求（004）：删除收货人的个人信息")
    pd_sub = p.add_subparsers(dest="personal_data_command", required=True, title="子命令", metavar="子命令")
    erase = pd_sub.add_parser("erase", help="删除一份档案中收货人的身份证复印件、字段和原件")
    erase.add_argument("--dossier", required=True, metavar="ID", help="档案 ID")
    erase.add_argument("--requester", required=True, help="提出请求的人（本人或其代理人）")
    erase.add_argument("--reason", required=True, help="原因（随请求记录）")
    erase.add_argument("--operator", help="执行人；默认：cli:<登录名>")
    erase.set_defaults(func=cmd_personal_data_erase)
    p = sub.add_parser("sample", help="季度抽查（每季度归档记录的 10%%–20%%）")
    sample_sub = p.add_subparsers(dest="sample_command", required=True, title="子命令", metavar="子命令")
    draw = sample_sub.add_parser("draw", help="抽取并保存一个季度的抽查样本，同一随机种子结果相同")
    draw.add_argument("--quarter", required=True, help=QUARTER_HELP)
    draw.add_argument("--rate", help="抽查比例 0.1–0.2；默认：0.1")
    draw.add_argument("--seed", help="随机种子（整数）；默认：随机生成，输出并保存")
    draw.add_argument("--actor", default="cli", help="抽样人；默认：cli")
    draw.set_defaults(func=cmd_sample_draw)
    listing = sample_sub.add_parser("list", help="列出一个季度的样本及结果（或全部季度）")
    listing.add_argument("--quarter", help=f"{QUARTER_HELP}；默认：全部季度（不列明细）")
    listing.set_defaults(func=cmd_sample_list)
    rec = sample_sub.add_parser("record", help="记录一条抽中记录的复核结果")
    rec.add_argument("--quarter", required=True, help=QUARTER_HELP)
    rec.add_argument("--archive-no", required=True, help="抽中记录的归档编号（GD…）")
    rec.add_argument("--result", required=True, help="合格|不合格（或 passed|failed）")
    rec.add_argument("--note", help="问题说明（不合格时必填）")
    rec.add_argument("--actor", default="cli", help="复核人；默认：cli")
    rec.set_defaults(func=cmd_sample_record)
    p = sub.add_parser("backup", help="备份数据库和数据目录（运行中也能得到一致的备份）")
    p.add_argument("path", metavar="PATH", help="备份目录：新的或空的目录，不能在数据目录之内")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="校验备份，并恢复到空的数据目录和数据库")
    p.add_argument("path", metavar="PATH", help="备份目录（含 manifest.json）")
    p.add_argument("--force", action="store_true", help="覆盖已有数据（原有数据移到 work/ 下保留）")
    p.set_defaults(func=cmd_restore)
