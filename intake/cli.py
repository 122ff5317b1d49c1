"""The ``dossier`` command: ``dossier process PATH... [--pickup-date] [--as-of] [--json]`` and friends.

Thin: parses arguments, builds the context from the environment, calls intake.pipeline, prints.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from intake.pipeline import Context, process
from ocr.engines import DEFAULT_ENGINE, ENGINES
from storage.config import Settings
from storage.contract_json import dossier_json
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore

DOC_NAMES = {
    "business_license": "营业执照",
    "tax_registration": "税务登记证",
    "bank_permit": "开户许可证/基本存款账户信息",
    "passbook": "存折/银行卡",
    "seal_card": "客户印鉴卡",
    "application_form": "客户建档申请表",
    "distribution_contract": "经销合同",
    "logistics_contract": "物流配送合同",
    "consignee_id": "收货人身份证复印件",
    "pos_binding": "POS绑定申请",
    "unknown": "未识别",
}
RECORD_NAMES = {
    "customer_name": "客户名称",
    "tax_id": "税务登记号",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "tax_address": "税务地址",
    "tax_phone": "税务电话",
}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def build_context(settings: Settings, engine: str | None = None) -> Context:
    settings.ensure_dirs()
    db = make_engine(settings.database_url)
    migrate(db)
    name = engine or os.environ.get("DOSSIER_OCR_ENGINE") or DEFAULT_ENGINE
    return Context(settings, make_session_factory(db), FileStore(settings.files_dir), engine=name)


def _progress_bar(enabled: bool) -> Any:
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
        f"档案 {d['id']}  状态: {d['status']}  提货日期: {d.get('pickup_date') or '-'}  "
        f"截止日期: {d.get('deadline') or '-'}",
        "",
        "页面:",
    ]
    for p in out["pages"]:
        kind = DOC_NAMES.get(p.get("doc_type") or "unknown", p.get("doc_type"))
        err = f"  错误: {p['error']}" if p.get("error") else ""
        lines.append(
            f"  {p['file']} 第{p['page']}页  {kind}  ({p.get('source') or '-'}, "
            f"{len(p.get('fields') or {})} 个字段){err}"
        )
    lines += ["", "开票六要素:"]
    for key, label in RECORD_NAMES.items():
        lines.append(f"  {label}: {out['record'].get(key) or '（未读取）'}")
    comp = out["completeness"]
    missing = "、".join(DOC_NAMES.get(m, m) for m in comp["missing"]) or "无"
    lines += ["", f"资料齐全: {'是' if comp['complete'] else '否'}  缺少: {missing}"]
    if out["findings"]:
        lines += ["", "检查结果:"]
        lines += [f"  [{f['severity']}] {f['rule']}: {f['message']}" for f in out["findings"]]
    if out["rejected_files"]:
        lines += ["", "未能读取的文件:"]
        lines += [f"  {r['file']}: {r['reason']}" for r in out["rejected_files"]]
    return "\n".join(lines)


def cmd_process(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            print(f"dossier: 文件或目录不存在: {p}", file=sys.stderr)
            return 2
    ctx = build_context(Settings.from_env(), args.engine)
    dossier_id = process(
        ctx,
        paths,
        as_of=args.as_of or date.today(),
        pickup_date=args.pickup_date,
        progress=_progress_bar(not args.json and sys.stderr.isatty()),
    )
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(_summary(out))
    read_ok = any(p.get("doc_type") and not p.get("error") for p in out["pages"])
    return 0 if read_ok else 1


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dossier", description="客户建档资料 — Dossier Intake")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress and errors to stderr")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="read a dossier (files or folders) and check it, in this process")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--pickup-date", type=_date, help="confirmed pickup date (default: as on the application form)"
    )
    p.add_argument("--as-of", type=_date, help="date the dossier is received and checked (default: today)")
    p.add_argument("--json", action="store_true", help="print the contract JSON instead of a summary")
    p.add_argument(
        "--engine", choices=ENGINES, help=f"OCR engine (default: $DOSSIER_OCR_ENGINE or {DEFAULT_ENGINE})"
    )
    p.set_defaults(func=cmd_process)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
