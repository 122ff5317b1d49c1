"""The customer pages: the list of customers, one customer's page, and the ledger (客户信息台账) as XLSX/CSV.

Thin: each view checks the role, reads through intake.lifecycle.customers and renders. Every signed-in role
reads customers; a dormant customer (002: kept, narrower access) only administrators and auditors, and the
others do not see it listed. Staff see level-1 values (bank accounts, ID numbers) masked, on the page and in
the ledger alike. Bad parameters and unknown numbers get a Chinese error page, never a server error.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request, send_file, stream_with_context
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from intake.lifecycle import customers as lifecycle
from review_ui import access_log, actions, queries
from review_ui.auth import EVERYONE, role_required
from review_ui.errors import error_page
from review_ui.masking import LEVEL1_FIELDS, mask
from storage.models import Role

customers = Blueprint("customers", __name__, url_prefix="/customers")
CUSTOMER_NO = re.compile(r"C\d{11}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@customers.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    """A Chinese page for the refusals of these views (the description says what was wrong)."""
    return error_page(exc, [("customers.index", "返回客户列表")])


def _staff() -> bool:
    return bool(current_user.role == Role.STAFF)


def _level1(name: str, value: str | None) -> str | None:
    return mask(value) if _staff() and name in LEVEL1_FIELDS else value


def _page_arg() -> int:
    """The page number, through the review UI's one bounded parser (a Chinese 400 when bad)."""
    return queries.page_arg(request.args)


@customers.get("")
@role_required(*EVERYONE)
def index() -> Any:
    listing = lifecycle.customer_listing(actions.ctx(), _page_arg(), role=current_user.role)
    return render_template("customers.html", listing=listing)


@customers.get("/<customer_no>")
@role_required(*EVERYONE)
def page(customer_no: str) -> Any:
    if not CUSTOMER_NO.fullmatch(customer_no):
        abort(404, f"客户编号“{customer_no[:40]}”格式不对：应为 C + 8 位日期 + 3 位序号，例如 C20240315001")
    try:
        data = lifecycle.customer_page(actions.ctx(), customer_no, role=current_user.role)
    except lifecycle.CustomerNotFoundError:
        abort(404, f"没有客户编号为 {customer_no} 的客户")
    except lifecycle.CustomerAccessError:
        abort(403, f"客户 {customer_no} 已休眠（三年无归档或变更），只有档案管理员和审计员可以查看")
    values = [(name, _level1(name, value)) for name, value in data.values]
    access_log.level1_viewed(f"customer:{customer_no}")  # unmasked for all but staff
    return render_template("customer.html", c=data.summary, values=values, dossiers=data.dossiers)


def _download_name(extension: str) -> str:
    return f"客户信息台账_{actions.today().isoformat()}.{extension}"


@customers.get("/ledger.xlsx")
@role_required(*EVERYONE)
def ledger_xlsx() -> Response:
    """Written to a temporary file in the data directory, unlinked at once and sent from the open handle."""
    c = actions.ctx()
    folder = c.settings.work_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="ledger-", suffix=".xlsx")
    os.close(fd)
    target = Path(name)
    try:
        lifecycle.export_ledger(c, target, "xlsx", level1=_ledger_mask(), role=current_user.role)
        handle = target.open("rb")
    finally:
        target.unlink(missing_ok=True)
    access_log.level1_downloaded("ledger:xlsx")  # accounts in clear (staff: masked, not logged)
    return send_file(handle, mimetype=XLSX, as_attachment=True, download_name=_download_name("xlsx"))


@customers.get("/ledger.csv")
@role_required(*EVERYONE)
def ledger_csv() -> Response:
    """Streamed: rows are read and sent a batch at a time."""
    chunks = lifecycle.ledger_csv(actions.ctx(), level1=_ledger_mask(), role=current_user.role)
    access_log.level1_downloaded("ledger:csv")  # staff's ledger is masked: not logged
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _attachment(_download_name("csv"))
    return response


def _attachment(name: str) -> str:
    """An ASCII fallback name, and the Chinese one for browsers (RFC 6266)."""
    return f"attachment; filename=ledger.csv; filename*=UTF-8''{quote(name)}"


def _ledger_mask() -> lifecycle.Mask | None:
    return mask if _staff() else None


def comparison_json(comparison: lifecycle.Comparison | None, *, staff: bool) -> dict[str, Any] | None:
    """The dossier against its customer's archived values for /api/dossiers/<id>; level-1 masked for staff."""
    if comparison is None:
        return None

    def shown(name: str, value: str | None) -> str | None:
        return mask(value) if staff and name in LEVEL1_FIELDS else value

    return {
        "customer_no": comparison.customer_no,
        "name": comparison.customer_name,
        "status": comparison.status,
        "differences": [
            {
                "field": d.field,
                "name": d.name,
                "archived": shown(d.field, d.archived),
                "current": shown(d.field, d.current),
            }
            for d in comparison.differences
        ],
    }
