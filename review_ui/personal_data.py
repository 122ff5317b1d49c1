"""Data-subject requests in the review UI (004): an administrator erases a consignee's personal data.

One small page per dossier: what an erasure would remove, the requests already carried out, and the form
(who asked, why). Administrators only; thin over intake.lifecycle.maintenance. A bad dossier id or a missing
field is answered in Chinese (404 / 400), never a 500.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from intake.lifecycle import maintenance
from intake.lifecycle.maintenance import ErasureError
from review_ui import actions
from review_ui.auth import ADMIN, role_required
from review_ui.errors import error_page
from storage.repository import NotFoundError

personal_data = Blueprint("personal_data", __name__)
DOSSIER_ID = re.compile(r"[0-9a-f]{32}")


@personal_data.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    return error_page(exc, [("samples.index", "返回抽查列表")])


def _preview(dossier_id: str) -> dict[str, int]:
    if not DOSSIER_ID.fullmatch(dossier_id):
        abort(404, f"档案编号格式不正确：{dossier_id[:40]}")
    try:
        return maintenance.personal_data_preview(actions.ctx(), dossier_id)
    except NotFoundError:
        abort(404, f"档案不存在：{dossier_id}")


def _page(dossier_id: str, error: str | None = None, form: dict[str, str] | None = None) -> Any:
    return render_template(
        "personal_data.html",
        dossier_id=dossier_id,
        preview=_preview(dossier_id),
        requests=maintenance.personal_data_requests(actions.ctx(), dossier_id),
        error=error,
        form=form or {"requester": "", "reason": ""},
    )


@personal_data.get("/dossiers/<dossier_id>/personal-data")
@role_required(*ADMIN)
def page(dossier_id: str) -> Any:
    return _page(dossier_id)


@personal_data.post("/dossiers/<dossier_id>/personal-data")
@role_required(*ADMIN)
def erase(dossier_id: str) -> Any:
    _preview(dossier_id)
    form = {k: request.form.get(k, "") for k in ("requester", "reason")}
    try:
        done = maintenance.erase_personal_data(
            actions.ctx(), dossier_id, requester=form["requester"], reason=form["reason"],
            operator=current_user.name,
        )  # fmt: skip
    except ErasureError as exc:
        return _page(dossier_id, str(exc), form), 400
    kept = "；".join(f"保留原件 {k['file']}：{k['why']}" for k in done.kept_originals)
    flash(
        f"收货人个人信息已删除：字段 {done.fields} 个，身份证复印件页面 {done.pages} 页，"
        f"原件 {len(done.originals)} 个，审计记录脱敏 {done.audit_entries_redacted} 条"
        + (f"。{kept}" if kept else ""),
        "ok",
    )
    return redirect(url_for("personal_data.page", dossier_id=dossier_id))
