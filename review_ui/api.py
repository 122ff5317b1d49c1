"""The JSON API: the same operations as the pages, for scripts (HTTP basic auth) and the page scripts.

Described by hand in static/openapi.json (served at /api/openapi.json). Level-1 values are masked for staff.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, request, send_file
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake.lifecycle import customers as customer_lifecycle
from intake.lifecycle import review as lifecycle
from intake.lifecycle.backlog import backlog
from intake.lifecycle.review import Corrected, Decided, DecisionError, UnconfirmedDoubtsError
from review_ui import access_log, actions, queries
from review_ui.auth import ADMIN, DECIDERS, EVERYONE, READERS, role_required
from review_ui.customers import comparison_json
from review_ui.errors import chinese_reason, page_error_text
from review_ui.masking import Masker
from review_ui.views import _date
from storage import queries as stored
from storage import repository as repo
from storage.contract_json import dossier_json
from storage.models import DossierStatus, Role

api = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "static" / "openapi.json"


@api.errorhandler(HTTPException)
def _json_error(exc: HTTPException) -> tuple[Response, int]:
    """{"error": Chinese reason, "detail": the same}: scripts and the page scripts show `error` as it is."""
    text = chinese_reason(exc)
    return jsonify(error=text, detail=text), exc.code or 500


@api.errorhandler(repo.NotFoundError)
def _not_found(exc: repo.NotFoundError) -> tuple[Response, int]:
    # storage.repository says which row in English for the log; a script or page reads the Chinese
    return jsonify(error="找不到该记录", detail="找不到该记录：编号不存在，或不属于此档案"), 404


@api.errorhandler(DecisionError)
def _refused(exc: DecisionError) -> tuple[Response, int]:
    if isinstance(exc, UnconfirmedDoubtsError):  # the fields to confirm, in the page's order
        return jsonify(error=str(exc), detail=str(exc), doubtful_field_ids=exc.field_ids), 409
    return jsonify(error=str(exc), detail=str(exc)), 409


def _body() -> dict[str, Any]:
    """The JSON object of a write request: absent is {}, anything else (not JSON, a list, a number) a 400."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        abort(400, '请求内容应为 JSON 对象，例如 {"value": "…"}')
    return body


def _staff() -> bool:
    return bool(current_user.role == Role.STAFF)


@api.get("/openapi.json")
def openapi() -> Response:
    return send_file(OPENAPI, mimetype="application/json")


@api.post("/dossiers")
@role_required(*ADMIN)
def upload() -> tuple[Response, int]:
    files = [(f.filename or "upload", f.stream) for f in request.files.getlist("files") if f.filename]
    if not files:
        abort(400, "请至少选择一个文件")
    dossier_id = actions.store_upload(
        files,
        reference=request.form.get("reference", "").strip(),
        pickup_date=_date(request.form.get("pickup_date")),
        actor=current_user.name,
    )
    with actions.ctx().sessions() as s:
        out = stored.status_of(s, dossier_id)
    assert out is not None
    if out["status"] == DossierStatus.FAILED.value:  # not one file could be read: the real state, and why
        return jsonify({**out, "error": actions.unreadable_upload(out["rejected_files"])}), 422
    return jsonify(out), 201


@api.get("/dossiers/<dossier_id>/status")
@role_required(*EVERYONE)
def status(dossier_id: str) -> Response:
    with actions.ctx().sessions() as s:
        out = stored.status_of(s, dossier_id)
    if out is None:
        abort(404)
    for page in out["pages"]:  # the progress page shows it as it is: a Chinese reason, not a traceback line
        page["error"] = page_error_text(page["error"]) or None
    return jsonify(out)


@api.get("/dossiers/<dossier_id>")
@role_required(*EVERYONE)
def dossier(dossier_id: str) -> Response:
    """The contract JSON of `dossier process --json`."""
    with actions.ctx().sessions() as s:
        try:
            out = dossier_json(s, dossier_id)
        except LookupError:
            abort(404)
        data = stored.review_data(s, dossier_id)
    assert data is not None
    comparison = customer_lifecycle.customer_comparison(actions.ctx(), dossier_id)
    access_log.level1_viewed(f"dossier:{dossier_id}", dossier_id=dossier_id)
    out = Masker(queries.level1_values(data), active=_staff()).json(out)
    return jsonify({**out, "customer": comparison_json(comparison, staff=_staff())})  # an extra key


@api.get("/dossiers/<dossier_id>/fields")
@role_required(*EVERYONE)
def fields(dossier_id: str) -> Response:
    with actions.ctx().sessions() as s:
        data = stored.review_data(s, dossier_id)
    if data is None:
        abort(404)
    masker = Masker(queries.level1_values(data), active=_staff())
    access_log.level1_viewed(f"dossier:{dossier_id}", dossier_id=dossier_id)
    documents = [
        {
            "doc_type": doc.doc_type,
            "file": doc.file,
            "page_ids": doc.page_ids,
            "fields": [
                {**asdict(f), "value": masker.field(f.name, f.value), "doubtful": f.doubtful}
                for f in doc.fields
            ],
        }
        for doc in data.documents
    ]
    return jsonify({"dossier_id": dossier_id, "documents": documents, "findings": masker.json(data.findings)})


@api.post("/fields/<int:field_id>/correction")
@role_required(*DECIDERS)
def correction(field_id: int) -> Response:
    queries.record_id(field_id)
    body = _body()
    value = body.get("value")
    if not isinstance(value, str) or len(value) > 2000:
        abort(400, "缺少参数 value（文本，最多 2000 个字符）")
    corrected = lifecycle.correct_field(
        actions.ctx(),
        field_id,
        value,
        actor=current_user.name,
        reason=queries.text_arg(body.get("reason"), "reason"),
    )
    return jsonify(_after_change(corrected))


@api.post("/fields/<int:field_id>/confirmation")
@role_required(*DECIDERS)
def confirmation(field_id: int) -> Response:
    """✓: the value as read is right; the field is no longer doubtful (who and when are recorded)."""
    queries.record_id(field_id)
    return jsonify(_after_change(lifecycle.confirm_field(actions.ctx(), field_id, actor=current_user.name)))


def _after_change(corrected: Corrected) -> dict[str, Any]:
    """What a page script needs after ✓ or a correction to update in place: blockers, findings, doubts."""
    with actions.ctx().sessions() as s:
        data = stored.review_data(s, corrected.dossier_id)
    assert data is not None
    doubtful = [f.id for doc in data.documents for f in doc.fields if f.doubtful]
    return {
        "dossier_id": corrected.dossier_id,
        "blockers": corrected.blockers,
        "findings": data.findings,  # deciders only: never masked
        "doubtful_field_ids": doubtful,
    }


@api.post("/dossiers/<dossier_id>/decision")
@role_required(*DECIDERS)
def decision(dossier_id: str) -> Response:
    body = _body()
    out = lifecycle.decide(
        actions.ctx(),
        dossier_id,
        queries.text_arg(body.get("decision"), "decision", limit=40) or "",
        actor=current_user.name,
        today=actions.today(),
        reason=queries.text_arg(body.get("reason"), "reason"),
        copies=queries.parse_int(body.get("copies"), 1, name="copies", high=queries.MAX_COPIES) or 1,
    )
    return jsonify(_decided_json(out))


def _decided_json(out: Decided) -> dict[str, str | None]:
    if out.status == DossierStatus.ARCHIVED:
        return {"status": out.status.value, "archive_no": out.archive_no, "customer_no": out.customer_no}
    if out.status == DossierStatus.SENT_BACK:
        assert out.notice_due_at is not None
        return {"status": out.status.value, "notice_due_at": out.notice_due_at.isoformat()}
    return {"status": out.status.value}


@api.post("/findings/<int:finding_id>/override")
@role_required(*ADMIN)
def override(finding_id: int) -> Response:
    queries.record_id(finding_id)
    body = _body()
    reason = queries.text_arg(body.get("reason"), "reason") or ""
    dossier_id = lifecycle.override_finding(actions.ctx(), finding_id, actor=current_user.name, reason=reason)
    return jsonify({"dossier_id": dossier_id, "finding_id": finding_id, "status": "overridden"})


@api.get("/queue")
@role_required(*READERS)
def queue() -> Response:
    f = queries.queue_filter(request.args)
    with actions.ctx().sessions() as s:
        listing = queries.review_queue(s, f, actions.today())
    return jsonify(
        {
            "page": listing.page,
            "pages": listing.pages,
            "total": listing.total,
            "dossiers": listing.rows,
            "backlog": backlog(actions.ctx()).as_json(),  # {pages_waiting, est_wait_seconds, over_limit}
        }
    )


@api.get("/dashboard")
@role_required(*EVERYONE)
def dashboard() -> Response:
    with actions.ctx().sessions() as s:
        page, bucket = queries.page_arg(request.args), queries.bucket_arg(request.args)
        return jsonify(queries.dashboard(s, actions.today(), page, bucket))


@api.get("/archive")
@role_required(*EVERYONE)
def archive() -> Response:
    with actions.ctx().sessions() as s:
        listing = stored.archive_records(
            s, queries.search_arg(request.args), queries.page_arg(request.args), queries.zone()
        )
    return jsonify({"page": listing.page, "total": listing.total, "records": listing.rows})
