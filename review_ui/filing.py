"""The customer's archived documents (002 filing): the list with every version, and downloads of the filed
PDF, its originals and its manifest.

Thin: each view checks the role and the parameters, asks intake.lifecycle.filing and renders or sends.
Administrators, reviewers and auditors read the archive (staff do not: the PDFs and originals carry level-1
data in clear); a dormant customer only administrators and auditors (intake.lifecycle.customers). Files are
sent only from inside the data dir's archive folder (storage.filing.filed_path) and never cached by browsers
or proxies. Bad parameters and unknown numbers get a Chinese error page, never a server error.
"""

from __future__ import annotations

import io
import re
from typing import Any, NoReturn

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake import vocabulary
from intake.lifecycle import customers as customer_lifecycle
from intake.lifecycle import filing as lifecycle
from review_ui import access_log, actions
from review_ui.auth import READERS, role_required
from review_ui.errors import error_page

filing = Blueprint("filing", __name__, url_prefix="/customers/<customer_no>/documents")
CUSTOMER_NO = re.compile(r"C\d{11}")
WHAT = {"pdf": "归档 PDF", "manifest": "清单"}


@filing.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    """A Chinese page for the refusals of these views (the description says what was wrong)."""
    return error_page(exc, [("customers.index", "返回客户列表"), ("ui.archive", "归档记录")])


def _checked(customer_no: str) -> str:
    if not CUSTOMER_NO.fullmatch(customer_no):
        abort(404, f"客户编号“{customer_no[:40]}”格式不对：应为 C + 8 位日期 + 3 位序号，例如 C20240315001")
    return customer_no


def _refusals(customer_no: str, exc: Exception) -> NoReturn:
    if isinstance(exc, customer_lifecycle.CustomerNotFoundError):
        abort(404, f"没有客户编号为 {customer_no} 的客户")
    abort(403, f"客户 {customer_no} 已休眠（三年无归档或变更），只有档案管理员和审计员可以查看其归档文件")


@filing.get("")
@role_required(*READERS)
def documents(customer_no: str) -> Any:
    customer_no = _checked(customer_no)
    try:
        rows = lifecycle.customer_documents(actions.ctx(), customer_no, role=current_user.role)
    except (customer_lifecycle.CustomerNotFoundError, customer_lifecycle.CustomerAccessError) as exc:
        _refusals(customer_no, exc)
    for row in rows:
        row["doc_name"] = vocabulary.doc_name(row["doc_type"])
    response = Response(render_template("filing_documents.html", customer_no=customer_no, rows=rows))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _send(customer_no: str, document_id: int, what: str, index: int = 0) -> Response:
    customer_no = _checked(customer_no)
    try:
        found = lifecycle.download(
            actions.ctx(), customer_no, document_id, what, role=current_user.role, index=index
        )
    except (customer_lifecycle.CustomerNotFoundError, customer_lifecycle.CustomerAccessError) as exc:
        _refusals(customer_no, exc)
    if found is None:
        wanted = WHAT.get(what, f"第 {index + 1} 个原件")
        abort(404, f"客户 {customer_no} 没有编号为 {document_id} 的归档文件的{wanted}")
    if what == "pdf":  # page images and their text: level-1 values in clear (the manifest holds only hashes)
        access_log.level1_downloaded(f"archive_pdf:{customer_no}/{document_id}")
    elif what == "original":
        access_log.level1_downloaded(f"archive_original:{customer_no}/{document_id}/{index + 1}")
    response = send_file(  # the clear content: the file is sealed on disk
        io.BytesIO(found.data), mimetype=found.mimetype, as_attachment=True, download_name=found.name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@filing.get("/<int:document_id>/pdf")
@role_required(*READERS)
def pdf(customer_no: str, document_id: int) -> Response:
    return _send(customer_no, document_id, "pdf")


@filing.get("/<int:document_id>/manifest")
@role_required(*READERS)
def manifest(customer_no: str, document_id: int) -> Response:
    return _send(customer_no, document_id, "manifest")


@filing.get("/<int:document_id>/originals/<int:number>")
@role_required(*READERS)
def original(customer_no: str, document_id: int, number: int) -> Response:
    """The `number`-th original (from 1, as listed)."""
    if number < 1:
        abort(404, f"原件序号必须从 1 开始，收到的是 {number}")
    return _send(customer_no, document_id, "original", number - 1)
