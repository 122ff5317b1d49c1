"""How the review UI shows what storage.queries reads: query-string filters, urgency colours, who must act,
and the level-1 values to mask. The queries themselves (and the dataclasses they return) are storage's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy.orm import Session

from intake.vocabulary import role_name
from review_ui import actions
from review_ui.masking import LEVEL1_FIELDS
from storage import queries as q
from storage.models import DossierStatus
from storage.queries import (
    AT_RISK_DAYS,
    BUCKET_LABELS,
    IN_PROGRESS,
    MAX_QUERY_CHARS,
    PageOf,
    QueueFilter,
    ReviewData,
)

MAX_PAGE = 10_000  # no list has that many pages; a bigger number is a typo or a probe
MAX_DAYS = 3650  # ten years either way: beyond that a deadline filter means nothing
MAX_ID = 2**63 - 1  # SQLite's integer range: a larger id would overflow in the driver (a 500), not miss
MAX_COPIES = 20
CLOSED_VALUES = frozenset(s.value for s in q.CLOSED)


def queue_filter(args: Mapping[str, str]) -> QueueFilter:
    """From query-string arguments (the HTML queue and the JSON API take the same ones); bad ones: a 400."""
    status = args.get("status", DossierStatus.AWAITING_REVIEW.value)
    if status and status not in {s.value for s in DossierStatus}:
        abort(400, f"参数 status 不是已知的档案状态：“{status[:40]}”")
    return QueueFilter(
        status=status,
        reviewer=args.get("reviewer", "")[:200],
        days_left=parse_int(args.get("days_left"), None, name="days_left", low=-MAX_DAYS, high=MAX_DAYS),
        page=page_arg(args),
        q=search_arg(args),
    )


def search_arg(args: Mapping[str, str], name: str = "q") -> str:
    """A customer search of the lists (name fragment, tax/customer number): at most MAX_QUERY_CHARS
    characters, no control characters; anything else is a Chinese 400 naming the parameter."""
    value = args.get(name, "")
    if not isinstance(value, str):
        abort(400, f"参数 {name} 应为文本")
    value = value.strip()
    if len(value) > MAX_QUERY_CHARS:
        abort(400, f"参数 {name} 过长：最多 {MAX_QUERY_CHARS} 个字符，收到 {len(value)} 个")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        abort(400, f"参数 {name} 含有控制字符，请只输入客户名称、税务登记号或编号")
    return value


def bucket_arg(args: Mapping[str, str], name: str = "bucket") -> str:
    """A deadline bucket of the dashboard (逾期, ≤ 2 天, 本周, 更晚, 无截止日期) or empty for all."""
    value = args.get(name, "")
    if value and value not in BUCKET_LABELS:
        abort(400, f"参数 {name} 不是已知的截止日期分组：“{str(value)[:40]}”")
    return value


def parse_int(
    value: object, default: int | None = None, *, name: str = "参数", low: int = 1, high: int = MAX_PAGE
) -> int | None:
    """The one integer parser of the review UI: empty means `default`, anything else must be an integer in
    [low, high] or the request is refused with a Chinese 400 — a silent fallback hid typos, and an unbounded
    number reached SQLite as an overflow (a 500).
    """
    if value is None or value == "":
        return default
    wanted = f"正整数（1 到 {high}）" if low == 1 else f"{low} 到 {high} 之间的整数"
    if isinstance(value, bool) or not isinstance(value, int | str):
        abort(400, f"参数 {name} 必须是{wanted}")
    raw = value.strip() if isinstance(value, str) else str(value)
    if len(raw) > 12 or not raw.removeprefix("-").isdigit():
        abort(400, f"参数 {name} 必须是{wanted}，收到的是“{raw[:20]}”")
    number = int(raw)
    if not low <= number <= high:
        abort(400, f"参数 {name} 必须是{wanted}，收到的是 {number}")
    return number


def page_arg(args: Mapping[str, str], name: str = "page") -> int:
    """A 1-based page number from the query string (1 when absent), at most MAX_PAGE."""
    return parse_int(args.get(name), 1, name=name, low=1, high=MAX_PAGE) or 1


def record_id(value: int) -> int:
    """A database id from the URL: beyond SQLite's 64-bit range it cannot exist, so a 404, not an overflow."""
    if not 0 < value <= MAX_ID:
        abort(404, f"没有编号为 {str(value)[:24]} 的记录")
    return value


def text_arg(value: object, name: str, *, required: bool = False, limit: int = 2000) -> str | None:
    """A free-text value from a JSON body or form: a string (or absent), never a list or an object."""
    if value is None or value == "":
        if required:
            abort(400, f"缺少参数 {name}（文本）")
        return None
    if not isinstance(value, str):
        abort(400, f"参数 {name} 应为文本")
    if len(value) > limit:
        abort(400, f"参数 {name} 过长：最多 {limit} 个字符")
    return value


def urgency(days: int | None) -> str:
    """overdue (red), at_risk (amber) or ok, as the dashboard colours it."""
    if days is None:
        return "none"
    if days < 0:
        return "overdue"
    return "at_risk" if days <= AT_RISK_DAYS else "ok"


def who_must_act(status: DossierStatus, assigned_reviewer: str | None) -> str:
    """The party the dossier waits for, named as staff say it."""
    if status in IN_PROGRESS:
        return "系统（读取中）"
    if status == DossierStatus.AWAITING_REVIEW:
        return assigned_reviewer or f"{role_name('reviewer')}（未分配）"
    if status == DossierStatus.SENT_BACK:
        return "客户（补充资料）"
    if status in (DossierStatus.APPROVED, DossierStatus.FAILED):
        return role_name("administrator")  # archives what was approved; uploads again what failed
    return "-"


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        # a decided dossier has no deadline left to miss: no red row for an archive of last year
        "urgency": "closed" if row["status"] in CLOSED_VALUES else urgency(row["days_left"]),
        "who_must_act": who_must_act(DossierStatus(row["status"]), row["assigned_reviewer"]),
    }


def review_queue(s: Session, f: QueueFilter, today: date) -> PageOf:
    """The queue's rows as the pages and the API show them."""
    listing = q.review_queue(s, f, today)
    return PageOf([_shown(row) for row in listing.rows], listing.total, listing.page, listing.per_page)


def zone() -> ZoneInfo:
    """The configured time zone (DOSSIER_TIMEZONE): calendar days of the clerks, not of UTC."""
    return ZoneInfo(actions.ctx().settings.timezone)


def dashboard(s: Session, today: date, page: int = 1, bucket: str = "") -> dict[str, Any]:
    """The dashboard's data; the week's intake counted in days of the configured time zone."""
    data = q.dashboard(s, today, page, bucket, zone())
    return {**data, "dossiers": [_shown(row) for row in data["dossiers"]]}


def level1_values(data: ReviewData) -> list[str]:
    return [f.value for doc in data.documents for f in doc.fields if f.name in LEVEL1_FIELDS]
