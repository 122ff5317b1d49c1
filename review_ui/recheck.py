"""Re-running the rules inside the request that changed a field, so the reviewer sees the finding go at once.

The same steps as the end of the pipeline (documents_of → assemble_record → check_dossier → save_outcome),
without touching the dossier's status: a correction never moves a dossier through the workflow.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from intake.checks import RulesConfig, check_dossier
from intake.record import assemble_record
from intake.types import CheckContext
from storage import repository as repo


def rerun_rules(s: Session, dossier_id: str, rules: RulesConfig) -> int:
    """Check the dossier again as it now stands; returns the number of open blockers."""
    dossier = repo.get_dossier(s, dossier_id)
    documents = repo.documents_of(s, dossier_id)
    record = assemble_record(documents)
    context = CheckContext(as_of=dossier.as_of, pickup_date=dossier.pickup_date)
    outcome = check_dossier(documents, record, context, rules)
    notice = None
    if outcome.notice is not None:
        # Keep the promise already made to the customer; start the 24 hours only for new gaps.
        notice = dossier.notice_due_at or datetime.now(UTC) + timedelta(hours=outcome.notice.due_hours)
    repo.save_outcome(s, dossier_id, record, outcome.findings, outcome.completeness, outcome.deadline, notice)
    return dossier.blockers
