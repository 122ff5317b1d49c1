"""The quarterly audit sample in the review UI (002): auditors and administrators draw a quarter's sample and
record the result of re-checking each sampled record.

Thin: each view checks the role, calls intake.lifecycle.maintenance and renders. A bad quarter, rate, seed,
result or item (from a form or the URL) is answered with a Chinese message naming it and 400, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake.lifecycle import maintenance
from intake.lifecycle.maintenance import SampleError
from intake.vocabulary import SAMPLE_RESULTS, sample_result_name
from review_ui import actions, queries
from review_ui.auth import AUDIT, role_required
from review_ui.errors import error_page
from storage.sampling import DEFAULT_RATE, Quarter

samples = Blueprint("samples", __name__, url_prefix="/samples")


@samples.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    return error_page(exc, [("samples.index", "返回抽查列表")])


def _previous_quarter(today: date) -> str:
    """The quarter most often sampled: the one just finished."""
    current = Quarter.of(today)
    return f"{current.year - 1}-Q4" if current.number == 1 else f"{current.year}-Q{current.number - 1}"


def _index(error: str | None = None, form: dict[str, str] | None = None) -> Any:
    views = maintenance.samples(actions.ctx())
    defaults = {"quarter": _previous_quarter(actions.today()), "rate": str(DEFAULT_RATE), "seed": ""}
    return render_template(
        "samples.html", samples=views, form={**defaults, **(form or {})}, error=error,
        result_names=list(SAMPLE_RESULTS.items()),
    )  # fmt: skip


@samples.get("")
@role_required(*AUDIT)
def index() -> Any:
    return _index()


@samples.post("")
@role_required(*AUDIT)
def draw() -> Any:
    form = {k: request.form.get(k, "").strip()[:40] for k in ("quarter", "rate", "seed")}
    try:
        view = maintenance.draw_sample(
            actions.ctx(), form["quarter"], rate=form["rate"], seed=form["seed"], actor=current_user.name
        )
    except SampleError as exc:
        return _index(str(exc), form), 400
    flash(f"已抽取 {view.quarter} 的样本：{len(view.rows)} 条（随机种子 {view.seed}）", "ok")
    return redirect(url_for("samples.sample", quarter=view.quarter))


def _view_or_404(quarter: str) -> maintenance.SampleView:
    try:
        view = maintenance.sample_of(actions.ctx(), quarter)
    except SampleError as exc:
        abort(400, str(exc))
    if view is None:
        abort(404, f"{quarter[:20]} 尚未抽样")
    return view


@samples.get("/<quarter>")
@role_required(*AUDIT)
def sample(quarter: str, error: str | None = None) -> Any:
    return render_template(
        "sample.html", view=_view_or_404(quarter), error=error, results=SAMPLE_RESULTS,
        result_name=sample_result_name,
    )  # fmt: skip


@samples.post("/<quarter>/items/<int:item_id>")
@role_required(*AUDIT)
def record(quarter: str, item_id: int) -> Response | tuple[Any, int]:
    queries.record_id(item_id)
    result = request.form.get("result", "")
    note = request.form.get("note", "")
    try:
        maintenance.record_sample_result(
            actions.ctx(), quarter, item_id, result, note, actor=current_user.name
        )
    except SampleError as exc:
        return sample(quarter, error=str(exc)), 400
    flash(f"已记录抽查结果：{sample_result_name(result)}", "ok")
    return redirect(url_for("samples.sample", quarter=quarter) + f"#item-{item_id}")
