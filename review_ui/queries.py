"""How the review UI shows what storage.queries reads: query-string filters, urgency colours, who must act,
and the level-1 values to mask. The queries themselves (and the dataclasses they return) are storage's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from intake.vocabulary import role_name
from review_ui.masking import LEVEL1_FIELDS
from storage import queries as q
from storage.models import DossierStatus
from storage.queries import AT_RISK_DAYS, IN_PROGRESS, PageOf, QueueFilter, ReviewData


def queue_filter(args: Mapping[str, str]) -> QueueFilter:
    """From query-string arguments (the HTML queue and the JSON API take the same ones)."""
    return QueueFilter(
        status=args.get("status", DossierStatus.AWAITING_REVIEW.value),
        reviewer=args.get("reviewer", ""),
        days_left=parse_int(args.get("days_left")),
        page=parse_int(args.get("page"), 1) or 1,
    )


def parse_int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


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
        "urgency": urgency(row["days_left"]),
        "who_must_act": who_must_act(DossierStatus(row["status"]), row["assigned_reviewer"]),
    }


def review_queue(s: Session, f: QueueFilter, today: date) -> PageOf:
    """The queue's rows as the pages and the API show them."""
    listing = q.review_queue(s, f, today)
    return PageOf([_shown(row) for row in listing.rows], listing.total, listing.page, listing.per_page)


def dashboard(s: Session, today: date, page: int = 1) -> dict[str, Any]:
    data = q.dashboard(s, today, page)
    return {**data, "dossiers": [_shown(row) for row in data["dossiers"]]}


def level1_values(data: ReviewData) -> list[str]:
    return [f.value for doc in data.documents for f in doc.fields if f.name in LEVEL1_FIELDS]
