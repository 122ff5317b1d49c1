"""The archive: `dossier ledger`, `customers`, `archive verify`, `audit verify`, `search`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from intake.cli.common import ExitCode, date_arg
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
    dormant.add_argument("--as-of", type=date_arg, help="the day to judge from (default: today)")
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
