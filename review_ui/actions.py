"""The write operations shared by the HTML views and the JSON API, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, BinaryIO

from flask import current_app

from intake.files import ingest_uploads
from intake.pipeline import Context
from review_ui import decisions
from review_ui.recheck import rerun_rules
from storage import repository as repo
from storage.models import DossierStatus, Field


def ctx() -> Context:
    context: Context = current_app.extensions["dossier"]["ctx"]
    return context


def today() -> date:
    day: date = current_app.extensions["dossier"]["today"]()
    return day


def store_upload(
    uploads: Iterable[tuple[str, BinaryIO]],
    *,
    reference: str | None,
    pickup_date: date | None,
    actor: str,
) -> str:
    """Store the uploaded files as a new dossier and start reading it; returns the dossier id.

    The client's file names are only display names: the store keeps files by content hash.
    """
    c = ctx()
    result = ingest_uploads(uploads, c.store, c.limits)
    with c.sessions.begin() as s:
        dossier = repo.create_dossier(
            s, reference=reference or None, pickup_date=pickup_date, as_of=today(), actor=actor
        )
        for f in result.files:
            repo.add_file(
                s, dossier.id, name=f.name, sha256=f.sha256, kind=f.kind, size=f.size,
                page_count=f.page_count, duplicate_of=f.duplicate_of,
            )  # fmt: skip
        for r in result.rejected:
            repo.add_rejected_file(s, dossier.id, name=r.file, code=r.code, reason=r.reason)
        repo.set_status(s, dossier.id, DossierStatus.READING, actor=actor)
        dossier_id = dossier.id
    current_app.extensions["dossier"]["start_reading"](c, dossier_id)
    return dossier_id


def correct(field_id: int, value: str, *, actor: str, reason: str | None) -> tuple[str, int]:
    """Correct (or confirm) a field and re-run the rules at once; returns (dossier id, open blockers)."""
    c = ctx()
    with c.sessions.begin() as s:
        field = s.get(Field, field_id)
        if field is None:
            raise repo.NotFoundError(f"no field {field_id}")
        repo.correct_field(s, field_id, value.strip(), actor=actor, reason=reason or None)
        blockers = rerun_rules(s, field.dossier_id, c.rules)
        return field.dossier_id, blockers


def decide(
    dossier_id: str, decision: str, *, actor: str, reason: str | None, copies: int = 1
) -> dict[str, Any]:
    c = ctx()
    with c.sessions.begin() as s:
        if decision == "approve":
            record = decisions.approve(s, dossier_id, actor=actor, on=today(), copies=copies)
            return {"status": "archived", "archive_no": record.archive_no, "customer_no": record.customer_no}
        if decision == "send_back":
            due = decisions.send_back(s, dossier_id, actor=actor, reason=reason)
            return {"status": "sent_back", "notice_due_at": due.isoformat()}
        if decision == "reject":
            decisions.reject(s, dossier_id, actor=actor, reason=reason or "")
            return {"status": "rejected"}
    raise decisions.DecisionError(f"unknown decision {decision!r}")


def override(finding_id: int, *, actor: str, reason: str) -> str:
    with ctx().sessions.begin() as s:
        return decisions.override(s, finding_id, actor=actor, reason=reason)


def assign(dossier_id: str, reviewer: str | None, *, actor: str) -> None:
    with ctx().sessions.begin() as s:
        dossier = repo.get_dossier(s, dossier_id)
        before = dossier.assigned_reviewer
        dossier.assigned_reviewer = reviewer or None
        repo.audit(
            s, actor, "dossier.assigned", dossier_id=dossier_id, entity=f"dossier:{dossier_id}",
            before={"assigned_reviewer": before}, after={"assigned_reviewer": reviewer or None},
        )  # fmt: skip
