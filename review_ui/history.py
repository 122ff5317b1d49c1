"""A customer's change history and change requests: the page, the CSV, the request form and the decisions.

Thin: each view checks the role, translates the form into an intake.lifecycle.changes call and renders.
- /customers/<客户编号>/history (everyone; dormant customers only administrators and auditors): every change
  with date (Asia/Shanghai), person, reason, field, before → after, and the requests with their state;
  staff see level-1 values (bank accounts, ID numbers) masked, here and in the CSV, also where a reason
  quotes one.
- /customers/<客户编号>/history.csv: the whole history, streamed, UTF-8 with BOM, Chinese headings.
- POST …/changes (administrators): a request with new values, reason and evidence scans (the app's upload
  limits apply); POST …/changes/<id>/approve|reject (reviewers; never the requester, the lifecycle checks).
- …/changes/<id>/evidence/<id> (administrators, reviewers, auditors): an evidence scan as stored.
Bad input gets a Chinese message naming the parameter or file, never a server error.
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO, NoReturn, cast
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from intake.lifecycle import changes as lifecycle
from intake.lifecycle.customers import CustomerAccessError, CustomerNotFoundError
from review_ui import access_log, actions, queries
from review_ui.auth import ADMIN, EVERYONE, READERS, role_required
from review_ui.errors import error_page
from review_ui.masking import LEVEL1_FIELDS, Masker
from storage.models import Role

history = Blueprint("history", __name__, url_prefix="/customers")
CUSTOMER_NO = re.compile(r"C\d{11}")
MIMETYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "pdf": "application/pdf",
}


@history.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    """A Chinese page for the refusals of these views (the description says what was wrong)."""
    message = None  # error_page: the description when Chinese, else the Chinese text of the code
    if isinstance(exc, RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = f"上传的证明材料过大：一次最多 {limit // 2**20} MB"
    return error_page(exc, [("customers.index", "返回客户列表")], message)


def _number(customer_no: str) -> str:
    if not CUSTOMER_NO.fullmatch(customer_no):
        abort(404, f"客户编号“{customer_no[:40]}”格式不对：应为 C + 8 位日期 + 3 位序号，例如 C20240315001")
    return customer_no


def _refused(customer_no: str, exc: Exception) -> NoReturn:
    if isinstance(exc, CustomerAccessError):
        abort(403, f"客户 {customer_no} 已休眠（三年无归档或变更），只有档案管理员和审计员可以查看")
    abort(404, f"没有客户编号为 {customer_no} 的客户")


def _masker(customer_no: str) -> Masker:
    """Staff see level-1 values masked, by field and wherever free text (a reason) quotes one of them."""
    staff = current_user.role == Role.STAFF
    known = lifecycle.known_values(actions.ctx(), customer_no, LEVEL1_FIELDS) if staff else set()
    return Masker(known, active=staff)


def _page_arg() -> int:
    """The page number, through the review UI's one bounded parser (a Chinese 400 when bad)."""
    return queries.page_arg(request.args)


def _render(customer_no: str, page: int = 1, status: int = 200) -> Any:
    try:
        view = lifecycle.customer_history(actions.ctx(), customer_no, role=current_user.role, page=page)
    except (CustomerNotFoundError, CustomerAccessError) as exc:
        _refused(customer_no, exc)
    access_log.level1_viewed(f"customer_history:{customer_no}")  # staff see them masked: not logged
    return (
        render_template(
            "history.html",
            v=view,
            m=_masker(customer_no),
            changeable=lifecycle.CHANGEABLE,
            can_request=current_user.role == Role.ADMINISTRATOR,
            can_decide=current_user.role == Role.REVIEWER,
            can_see_evidence=current_user.role in READERS,
        ),
        status,
    )


@history.get("/<customer_no>/history")
@role_required(*EVERYONE)
def page(customer_no: str) -> Any:
    return _render(_number(customer_no), _page_arg())


@history.get("/<customer_no>/history.csv")
@role_required(*EVERYONE)
def history_csv(customer_no: str) -> Response:
    """Streamed: rows are read and sent a batch at a time."""
    number = _number(customer_no)
    try:
        masker = _masker(number)
        chunks = lifecycle.history_csv(
            actions.ctx(), number, role=current_user.role, mask=masker.field if masker.active else None
        )
    except (CustomerNotFoundError, CustomerAccessError) as exc:
        _refused(number, exc)
    access_log.level1_downloaded(f"customer_history:{number}")  # staff's CSV is masked: not logged
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"客户变更历史_{number}_{actions.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=history-{number}.csv; filename*=UTF-8''{quote(name)}"
    )
    return response


@history.post("/<customer_no>/changes")
@role_required(*ADMIN)
def request_change(customer_no: str) -> Any:
    number = _number(customer_no)
    changes = {
        name: value for name in lifecycle.CHANGEABLE if (value := request.form.get(f"new_{name}", "")).strip()
    }
    files = request.files.getlist("evidence")
    evidence = [(f.filename or "upload", cast(BinaryIO, f.stream)) for f in files if f.filename]
    try:
        done = lifecycle.request_change(
            actions.ctx(),
            number,
            changes,
            reason=request.form.get("reason", ""),
            evidence=evidence,
            actor=current_user.name,
        )
    except (CustomerNotFoundError, CustomerAccessError) as exc:
        _refused(number, exc)
    except lifecycle.ChangeError as exc:
        flash(f"变更申请未提交：{exc}", "error")
        return _render(number, status=400)
    flash(f"变更申请 #{done.request_id} 已提交，等待另一位审核员审批。", "ok")
    for refused in done.rejected_files:
        flash(f"未采用的文件：{refused}", "error")
    return redirect(url_for("history.page", customer_no=number), 303)


def _decide(customer_no: str, request_id: int, decision: str) -> Any:
    number = _number(customer_no)
    queries.record_id(request_id)
    reason = request.form.get("reason", "")
    try:
        if decision == "approve":
            lifecycle.approve_change(
                actions.ctx(), number, request_id, actor=current_user.name, reason=reason
            )
            flash(f"变更申请 #{request_id} 已批准，客户信息已更新。", "ok")
        else:
            lifecycle.reject_change(actions.ctx(), number, request_id, actor=current_user.name, reason=reason)
            flash(f"变更申请 #{request_id} 已驳回。", "ok")
    except (CustomerNotFoundError, CustomerAccessError) as exc:
        _refused(number, exc)
    except lifecycle.RequestNotFoundError:
        abort(404, f"客户 {number} 没有编号为 {request_id} 的变更申请")
    except lifecycle.ChangeError as exc:
        flash(f"无法处理变更申请 #{request_id}：{exc}", "error")
        return _render(number, status=400)
    return redirect(url_for("history.page", customer_no=number), 303)


@history.post("/<customer_no>/changes/<int:request_id>/approve")
@role_required(Role.REVIEWER)
def approve(customer_no: str, request_id: int) -> Any:
    return _decide(customer_no, request_id, "approve")


@history.post("/<customer_no>/changes/<int:request_id>/reject")
@role_required(Role.REVIEWER)
def reject(customer_no: str, request_id: int) -> Any:
    return _decide(customer_no, request_id, "reject")


@history.get("/<customer_no>/changes/<int:request_id>/evidence/<int:evidence_id>")
@role_required(*READERS)  # staff never see scans: they show level-1 data in clear
def evidence(customer_no: str, request_id: int, evidence_id: int) -> Response:
    number = _number(customer_no)
    queries.record_id(request_id)
    queries.record_id(evidence_id)
    try:
        found = lifecycle.evidence_file(
            actions.ctx(), number, request_id, evidence_id, role=current_user.role
        )
    except (CustomerNotFoundError, CustomerAccessError) as exc:
        _refused(number, exc)
    if found is None:
        abort(404, f"变更申请 #{request_id} 没有编号为 {evidence_id} 的证明材料")
    data, kind, name = found
    access_log.level1_downloaded(f"change_evidence:{number}/{request_id}/{evidence_id}")  # a scan, in clear
    mimetype = MIMETYPES.get(kind, "application/octet-stream")
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
