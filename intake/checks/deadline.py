"""The dossier deadline (pickup date − 7 calendar days) and the missing-information notice.

`deadline_at_risk` (warning) when the dossier is still incomplete or has an open blocker within the at-risk
window before the deadline; `deadline_overdue` (blocker) once the deadline has passed. Whether the 7 days
are calendar or working days is a business rule to confirm (domain-rules §8.3); the count is configurable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from intake.checks import messages as msg
from intake.checks.dossier import Dossier
from intake.checks.outcome import MissingInfoNotice
from intake.types import Completeness, Evidence, Finding, Severity

__all__ = ["deadline_findings", "dossier_deadline", "dossier_on_time", "missing_info_notice"]


def dossier_deadline(pickup: date | None, days: int = 7) -> date | None:
    return None if pickup is None else pickup - timedelta(days=days)


def dossier_on_time(received: date, pickup: date, days: int = 7) -> bool:
    """Received on or before the deadline (the deadline day itself is on time)."""
    deadline = dossier_deadline(pickup, days)
    assert deadline is not None
    return received <= deadline


def deadline_findings(
    d: Dossier, deadline: date | None, completeness: Completeness, findings: Sequence[Finding]
) -> list[Finding]:
    if deadline is None:
        return []
    open_problem = not completeness.complete or any(f.severity == Severity.BLOCKER for f in findings)
    if not open_problem:
        return []
    as_of = d.ctx.as_of
    ev = [
        Evidence(field="pickup_date", value=(deadline + timedelta(days=d.config.deadline_days)).isoformat())
    ]
    if as_of > deadline:
        return [
            d.finding("deadline_overdue", msg.deadline_overdue(deadline.isoformat(), as_of.isoformat()), ev)
        ]
    if deadline - timedelta(days=d.config.at_risk_days) <= as_of:
        text = msg.deadline_at_risk(deadline.isoformat(), as_of.isoformat(), d.config.deadline_days)
        return [d.finding("deadline_at_risk", text, ev)]
    return []


def missing_info_notice(
    d: Dossier, completeness: Completeness, findings: Sequence[Finding]
) -> MissingInfoNotice | None:
    """Missing documents and unreadable required fields, to be requested from the customer."""
    items: list[str] = list(completeness.missing)
    labels: list[str] = [msg.doc_label(t) for t in completeness.missing]
    for f in findings:
        if f.rule != "field_unreadable":
            continue
        for ev in f.evidence[:1]:
            key = f"{ev.doc_type}.{ev.field}"
            if key not in items:
                items.append(key)
                labels.append(msg.where(ev.doc_type or "", ev.field or ""))
    if not items:
        return None
    hours = d.config.notice_due_hours
    return MissingInfoNotice(
        items=tuple(items), due_hours=hours, message=msg.missing_info_notice(labels, hours)
    )
