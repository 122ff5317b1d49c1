"""The ``dossier`` command: ``dossier process PATH... [--pickup-date] [--as-of] [--json]`` and friends.

Thin: reads the Settings once (main), opens the context (intake.lifecycle), calls the lifecycle or a worker
runner, prints. One module per group of commands; nothing but the console script imports this package.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from intake.cli import archive, health, keys, maintenance, reading, ui, watch
from intake.cli.common import ChineseArgumentParser, ExitCode, accept_verbose_everywhere
from intake.lifecycle import logs
from intake.settings import Settings
from storage.crypto import CryptoError

__all__ = ["ExitCode", "main", "parser"]


def parser() -> argparse.ArgumentParser:
    ap = ChineseArgumentParser(
        prog="dossier",
        description="客户建档资料 — Dossier Intake：读取、检查、审核并归档客户建档资料。",
        epilog="每个子命令的参数：dossier 子命令 -h（例如 dossier process -h）",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="把进度和错误写到标准错误输出（stderr）")
    sub = ap.add_subparsers(dest="command", required=True, title="子命令", metavar="子命令")
    reading.add_process_command(sub)
    reading._add_worker_commands(sub)
    ui._add_ui_commands(sub)
    archive._add_customer_commands(sub)
    archive._add_archive_commands(sub)
    archive._add_audit_commands(sub)
    maintenance._add_maintenance_commands(sub)
    archive._add_search_command(sub)
    watch.add_watch_command(sub)
    keys.add_keys_commands(sub)
    health.add_health_command(sub)
    accept_verbose_everywhere(ap)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)  # a usage error exits with ExitCode.USAGE (argparse's 2)
    settings = Settings.from_env()  # the one read of the environment; every command gets this object
    # every line names its dossier (dossier=…), as text or JSON (DOSSIER_LOG_JSON)
    logs.install(logging.INFO if args.verbose else logging.WARNING, json_lines=settings.log_json)
    try:
        return int(args.func(args, settings))
    except CryptoError as exc:  # storage/crypto.py: names the setting or the key, in Chinese
        print(f"dossier: 数据密钥错误：{exc}", file=sys.stderr)
        return ExitCode.DATA_KEY
