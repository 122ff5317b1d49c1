"""The archive: `dossier ledger`, `customers`, `archive verify`, `audit verify`, `search`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from intake.cli.common import DATE_HELP, ExitCode, date_arg
from intake.lifecycle.context import open_context
from intake.settings import Settings
from intake.vocabulary import field_name


def _ledger_format(text: str) -> str:
    if text.lower() not in ("xlsx", "csv"):
        raise argparse.ArgumentTypeError(f"台账格式只能是 xlsx 或 csv，收到的是 {text!r}")
    return text.lower()


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
    p = sub.add_parser("ledger", help="客户信息台账")
    ledger_sub = p.add_subparsers(dest="ledger_command", required=True, title="子命令", metavar="子命令")
    export = ledger_sub.add_parser("export", help="导出全部客户及其关键字段（XLSX 或 CSV）")
    export.add_argument("path", metavar="PATH", help="要写入的文件，例如 台账.xlsx（已存在则覆盖）")
    export.add_argument(
        "--format",
        type=_ledger_format,
        metavar="xlsx|csv",
        help="文件格式：xlsx 或 csv；默认：按 PATH 的扩展名，否则 xlsx",
    )
    export.set_defaults(func=cmd_ledger_export)
    p = sub.add_parser("customers", help="客户（终身客户编号）：变更历史、休眠")
    customers_sub = p.add_subparsers(
        dest="customers_command", required=True, title="子命令", metavar="子命令"
    )
    dormant = customers_sub.add_parser("mark-dormant", help="把 3 年内没有归档或变更的客户标记为休眠")
    dormant.add_argument(
        "--as-of", type=date_arg, metavar="YYYY-MM-DD", help=f"按这一天判断（{DATE_HELP}）；默认：今天"
    )
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
    erased = f"（其中 {check.erased} 份已按个人信息删除申请删除）" if check.erased else ""
    print(f"归档文件校验通过：{check.documents} 份 PDF、原件与清单齐全且未被改动{erased}")
    return ExitCode.OK


def _add_archive_commands(sub: Any) -> None:
    p = sub.add_parser("archive", help="已归档的文件（archive/<客户编号>/<YYYY-Qn>/）")
    archive_sub = p.add_subparsers(dest="archive_command", required=True, title="子命令", metavar="子命令")
    verify = archive_sub.add_parser("verify", help="重新计算每份归档 PDF、原件和清单的哈希，与归档记录核对")
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
    p = sub.add_parser("audit", help="防篡改的审计记录")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, title="子命令", metavar="子命令")
    verify = audit_sub.add_parser("verify", help="核对审计记录的哈希链，指出第一条不符的记录")
    verify.set_defaults(func=cmd_audit_verify)


def cmd_customer_history(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """Print a customer's change history, or write it as CSV (UTF-8 with BOM, Chinese headings)."""
    from intake.lifecycle.changes import CustomerNotFoundError, customer_history, export_history

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
    p = customers_sub.add_parser("history", help="客户的变更历史（每一个旧值）")
    p.add_argument("customer_no", metavar="CUSTOMER_NO", help="客户编号，例如 C20261120001")
    p.add_argument("--csv", metavar="PATH", help="把全部历史写入 CSV 文件 PATH（已存在则覆盖）")
    p.set_defaults(func=cmd_customer_history)


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
    p = sub.add_parser("search", help="检索客户、档案和已读取页面的文字")
    p.add_argument(
        "query", nargs="*", metavar="QUERY", help="检索词：名称（部分）、客户编号、税号、账号或页面上的文字"
    )
    p.add_argument(
        "--page", type=_search_page, default=1, metavar="N", help="结果页码（每页 20 条，1–50）；默认：1"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.add_argument("--reindex", action="store_true", help="根据数据库重建检索索引（升级后运行一次）")
    p.set_defaults(func=cmd_search)
