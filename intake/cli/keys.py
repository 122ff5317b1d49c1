"""`dossier keys status` and `dossier keys rotate`: the data keys of level-1 data at rest."""

from __future__ import annotations

import argparse
from typing import Any

from intake.cli.common import ExitCode
from intake.lifecycle.context import open_context
from intake.settings import Settings


def cmd_keys_status(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.keys import key_status
    from storage.crypto import CLEAR

    status = key_status(open_context(settings))
    print(f"当前密钥：{status.current}；密钥环：{'、'.join(status.live)}")
    for kid, n in sorted(status.totals().items()):
        label = (
            "未加密（旧数据）"
            if kid == CLEAR
            else f"密钥 {kid}" + ("（当前）" if kid == status.current else "")
        )
        print(f"  {label}：{n} 个值")
    if args.detail:
        for column, counts in (*status.columns.items(), ("文件 pages/ archive/", status.files)):
            print(f"  {column}：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
    stale = sum(n for kid, n in status.totals().items() if kid != status.current)
    if stale:
        print(f"有 {stale} 个值不在当前密钥下：请运行 dossier keys rotate")
    return ExitCode.OK


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from intake.lifecycle.keys import rotate_keys

    ctx = open_context(settings)
    done = rotate_keys(ctx, actor=args.actor, batch=args.batch)
    print(
        f"已用当前密钥 {done.current} 重新加密数据库 {done.rows} 行、"
        f"文件 {done.files} 个（页面图像、归档 PDF 与原件副本）；"
        f"检索索引重建 {done.indexed} 条"
    )
    print("旧密钥现在可以从 DOSSIER_DATA_KEYS 或密钥文件中删除（请先确认 dossier keys status 无旧密钥）")
    return ExitCode.OK


def _batch(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--batch 必须是正整数，收到的是 {text!r}") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"--batch 必须在 1 到 100000 之间，收到的是 {value}")
    return value


def add_keys_commands(sub: Any) -> None:
    p = sub.add_parser("keys", help="一级数据加密密钥：查看状态、轮换密钥")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    status = keys_sub.add_parser("status", help="各密钥下加密的数据条数")
    status.add_argument("--detail", action="store_true", help="按数据表和字段分别列出")
    status.set_defaults(func=cmd_keys_status)
    rotate = keys_sub.add_parser("rotate", help="用当前密钥（第一个）重新加密全部数据")
    rotate.add_argument("--batch", type=_batch, default=500, help="每个事务处理的行数（默认 500）")
    rotate.add_argument("--actor", default="cli", help="执行轮换的人，记入审计记录（默认 cli）")
    rotate.set_defaults(func=cmd_keys_rotate)


__all__ = ["add_keys_commands"]
