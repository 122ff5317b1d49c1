"""What `check_dossier` returns: findings, completeness, the deadline and a missing-information notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from intake.types import Completeness, Finding, Severity

__all__ = ["CheckOutcome", "MissingInfoNotice"]


@dataclass(frozen=True, slots=True)
class MissingInfoNotice:
    """Ask the customer for what is missing; the business answers within `due_hours`."""

    items: tuple[str, ...]  # doc_type ("seal_card") or doc_type.field ("business_license.tax_id")
    due_hours: int = 24
    message: str = ""

    def as_json(self) -> dict[str, object]:
        return {"items": list(self.items), "due_hours": self.due_hours, "message": self.message}


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    findings: tuple[Finding, ...]
    completeness: Completeness
    deadline: date | None
    notice: MissingInfoNotice | None

    @property
    def blockers(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.BLOCKER)

    def as_json(self) -> dict[str, object]:
        return {
            "findings": [f.as_json() for f in self.findings],
            "completeness": self.completeness.as_json(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "notice": self.notice.as_json() if self.notice else None,
        }
