"""The HTML pages: sign-in, upload, review queue, review page, decisions, dashboard, archive, audit, users."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake.lifecycle import customers as customer_lifecycle
from intake.lifecycle import review as lifecycle
from intake.lifecycle.backlog import backlog
from intake.lifecycle.review import DecisionError, UnconfirmedDoubtsError
from review_ui import access_log, actions, audit_view, auth, charts, queries
from review_ui.auth import ADMIN, AUDIT, DECIDERS, EVERYONE, READERS, role_required
from review_ui.errors import chinese_reason, error_page
from review_ui.masking import Masker
from storage import queries as stored
from storage import repository as repo
from storage import users as user_store
from storage.models import Dossier, DossierStatus, Role, utcnow

ui = Blueprint("ui", __name__)
# A decided dossier is a record: the lifecycle refuses changes to approved/archived ones, and the page offers
# none for those or for rejected ones; a later change to the customer's data is a change request (history).
FROZEN_IN_UI = frozenset({DossierStatus.APPROVED, DossierStatus.ARCHIVED, DossierStatus.REJECTED})


_int = queries.parse_int  # the one bounded parser (a bad value is a Chinese 400)


@ui.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    """A Chinese page for every refusal of these views, with the reason; never Werkzeug's English page."""
    return error_page(exc, [("ui.home", "返回首页")], chinese_reason(exc))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@ui.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        user = None
        with actions.ctx().sessions.begin() as s:
            try:  # caught inside the transaction: a refusal's counted failure is committed
                user = auth.authenticate(
                    s,
                    str(request.form.get("name", "")),
                    str(request.form.get("password", "")),
                    address=request.remote_addr,
                )
            except auth.SignInRefused as refused:
                error = str(refused)
        if user is not None:
            session.clear()  # a fresh session: nothing from before sign-in carries over
            login_user(user)
            auth.start_session(user)
            return redirect(auth.safe_next(request.values.get("next")) or url_for("ui.home"))
    next_page = auth.safe_next(request.values.get("next"))  # only a path of this site, never //evil
    return render_template("login.html", error=error, next_page=next_page), 401 if error else 200


@ui.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out everywhere: the user's session version moves on, so a copied cookie stops working too."""
    if current_user.is_authenticated:
        auth.end_session(actions.ctx().sessions, current_user.user_id)
    logout_user()
    session.clear()
    return redirect(url_for("ui.login"))


@ui.route("/")
@role_required(*EVERYONE)
def home() -> Response:
    if current_user.role == Role.STAFF:
        return redirect(url_for("ui.dashboard"))
    return redirect(url_for("ui.queue"))


@ui.route("/upload", methods=["GET", "POST"])
@role_required(*ADMIN)
def upload() -> Any:
    if request.method == "GET":
        return render_template("upload.html")
    files = [(f.filename or "upload", f.stream) for f in request.files.getlist("files") if f.filename]
    if not files:
        flash(_("Choose at least one file."), "error")
        return render_template("upload.html"), 400
    dossier_id = actions.store_upload(
        files,
        reference=request.form.get("reference", "").strip(),
        pickup_date=_date(request.form.get("pickup_date")),
        actor=current_user.name,
    )
    with actions.ctx().sessions() as s:
        status = stored.status_of(s, dossier_id)
    if status is not None and status["status"] == DossierStatus.FAILED.value:  # nothing could be read
        flash(actions.unreadable_upload(status["rejected_files"]), "error")
        return redirect(url_for("ui.review", dossier_id=dossier_id))
    return redirect(url_for("ui.progress", dossier_id=dossier_id))


@ui.route("/dossiers/<dossier_id>/progress")
@role_required(*EVERYONE)
def progress(dossier_id: str) -> Any:
    with actions.ctx().sessions() as s:
        status = stored.status_of(s, dossier_id)
    if status is None:
        abort(404)
    return render_template("progress.html", status=status)


@ui.route("/queue")
@role_required(*READERS)
def queue() -> Any:
    f = queries.queue_filter(request.args)
    with actions.ctx().sessions() as s:
        listing = queries.review_queue(s, f, actions.today())
        reviewers = user_store.reviewer_names(s)
    waiting = backlog(actions.ctx())  # pages not read yet and the wait a new upload can expect
    return render_template("queue.html", listing=listing, f=f, reviewers=reviewers, backlog=waiting)


@ui.route("/dashboard")
@role_required(*EVERYONE)
def dashboard() -> Any:
    """Open dossiers against their deadlines (one bucket of them with ?bucket=…), with the three charts."""
    bucket = queries.bucket_arg(request.args)
    with actions.ctx().sessions() as s:
        data = queries.dashboard(s, actions.today(), queries.page_arg(request.args), bucket)
    pictures = {
        "deadlines": charts.deadline_chart(
            data["by_deadline"], lambda key: url_for("ui.dashboard", bucket=key)
        ),
        "intake": charts.intake_chart(data["intake"]["days"]),
        "first": charts.first_submission_chart(data["intake"]),
    }
    return render_template("dashboard.html", data=data, charts=pictures, buckets=stored.BUCKET_LABELS)


@ui.route("/dossiers/<dossier_id>")
@role_required(*EVERYONE)
def review(dossier_id: str) -> Any:
    with actions.ctx().sessions() as s:
        data = stored.review_data(s, dossier_id)
        if data is None:
            abort(404)
        reviewers = user_store.reviewer_names(s)
        status = stored.status_of(s, dossier_id)
    masker = Masker(queries.level1_values(data), active=current_user.role == Role.STAFF)
    frozen = data.dossier.status in FROZEN_IN_UI  # approved/archived/rejected: no ✓/✎, no override
    access_log.level1_viewed(f"dossier:{dossier_id}", dossier_id=dossier_id)
    return render_template(
        "review.html",
        d=data.dossier,
        data=data,
        customer=customer_lifecycle.customer_comparison(actions.ctx(), dossier_id),  # 与已归档信息的差异
        m=masker,
        reviewers=reviewers,
        frozen=frozen,
        can_edit=current_user.role in DECIDERS and not frozen,
        can_override=current_user.role in ADMIN and not frozen,
        show_images=current_user.role != Role.STAFF,
        today=actions.today(),  # the heading's days left
        rejected=status["rejected_files"] if status else [],  # files refused at upload, with the reason
    )


@ui.route("/dossiers/<dossier_id>/pages/<int:page_id>/image")
@role_required(*READERS)  # staff never see page images: they show level-1 data in clear
def page_image(dossier_id: str, page_id: int) -> Response:
    queries.record_id(page_id)
    data = lifecycle.page_image_data(actions.ctx(), dossier_id, page_id)  # sealed on disk: opened in memory
    if data is None:
        abort(404)
    access_log.level1_viewed(f"page:{page_id}", dossier_id=dossier_id)  # the image shows values in clear
    return send_file(io.BytesIO(data), mimetype="image/jpeg", max_age=0)  # level-1 data: no-store, headers.py


@ui.route("/fields/<int:field_id>/correct", methods=["POST"])
@role_required(*DECIDERS)
def correct(field_id: int) -> Response:
    queries.record_id(field_id)
    try:
        corrected = lifecycle.correct_field(
            actions.ctx(),
            field_id,
            request.form.get("value", ""),
            actor=current_user.name,
            reason=request.form.get("reason", "").strip() or None,
        )
    except repo.NotFoundError:
        abort(404)
    except DecisionError as exc:  # the dossier is archived: frozen
        flash(_("Not possible: %(why)s", why=str(exc)), "error")
        back = request.referrer or ""
        same_site = back.startswith(request.host_url) or (back.startswith("/") and not back.startswith("//"))
        return redirect(back if same_site else url_for("ui.queue"))
    return _back_to_field(corrected.dossier_id, field_id)


@ui.route("/fields/<int:field_id>/confirm", methods=["POST"])
@role_required(*DECIDERS)
def confirm(field_id: int) -> Response:
    """✓ without the page script: the value as read is right; back to the same field, not the page top."""
    queries.record_id(field_id)
    try:
        confirmed = lifecycle.confirm_field(actions.ctx(), field_id, actor=current_user.name)
    except repo.NotFoundError:
        abort(404)
    except DecisionError as exc:  # the dossier is archived: frozen
        flash(_("Not possible: %(why)s", why=str(exc)), "error")
        return redirect(url_for("ui.queue"))
    return _back_to_field(confirmed.dossier_id, field_id)


def _back_to_field(dossier_id: str, field_id: int) -> Response:
    """POST-redirect to the review page at the field just confirmed or corrected (anchor + ?field=)."""
    return redirect(url_for("ui.review", dossier_id=dossier_id, field=field_id, _anchor=f"field-{field_id}"))


@ui.route("/dossiers/<dossier_id>/decide", methods=["POST"])
@role_required(*DECIDERS)
def decide(dossier_id: str) -> Response:
    decision = request.form.get("decision", "")
    try:
        out = lifecycle.decide(
            actions.ctx(),
            dossier_id,
            decision,
            actor=current_user.name,
            today=actions.today(),
            reason=request.form.get("reason", "").strip() or None,
            copies=_int(request.form.get("copies"), 1, name="copies", high=queries.MAX_COPIES) or 1,
        )
    except repo.NotFoundError:
        abort(404)
    except UnconfirmedDoubtsError as exc:  # to the first field still to confirm
        flash(_("Not possible: %(why)s", why=str(exc)), "error")
        return _back_to_field(dossier_id, exc.field_ids[0])
    except DecisionError as exc:
        flash(_("Not possible: %(why)s", why=str(exc)), "error")
        return redirect(url_for("ui.review", dossier_id=dossier_id))
    if decision == "approve":
        flash(_("Archived as %(no)s (customer number %(cno)s).", no=out.archive_no, cno=out.customer_no))
        return redirect(url_for("ui.archive", q=out.customer_no))
    flash(_("Decision saved."))
    return redirect(url_for("ui.queue"))


@ui.route("/findings/<int:finding_id>/override", methods=["POST"])
@role_required(*ADMIN)
def override(finding_id: int) -> Response:
    queries.record_id(finding_id)
    try:
        dossier_id = lifecycle.override_finding(
            actions.ctx(), finding_id, actor=current_user.name, reason=request.form.get("reason", "")
        )
    except repo.NotFoundError:
        abort(404)
    except DecisionError as exc:
        flash(_("Not possible: %(why)s", why=str(exc)), "error")
        return redirect(request.referrer or url_for("ui.queue"))
    return redirect(url_for("ui.review", dossier_id=dossier_id))


@ui.route("/dossiers/<dossier_id>/assign", methods=["POST"])
@role_required(*ADMIN)
def assign(dossier_id: str) -> Response:
    try:
        lifecycle.assign_reviewer(
            actions.ctx(), dossier_id, request.form.get("reviewer", "").strip(), actor=current_user.name
        )
    except repo.NotFoundError:
        abort(404)
    return redirect(url_for("ui.review", dossier_id=dossier_id))


@ui.route("/archive")
@role_required(*EVERYONE)
def archive() -> Any:
    q = queries.search_arg(request.args)
    with actions.ctx().sessions() as s:
        listing = stored.archive_records(s, q, queries.page_arg(request.args), queries.zone())
    return render_template("archive.html", listing=listing, q=q)


@ui.route("/dossiers/<dossier_id>/audit")
@role_required(*AUDIT)
def audit(dossier_id: str) -> Any:
    with actions.ctx().sessions() as s:
        events = audit_view.readable(repo.audit_trail(s, dossier_id))
        dossier = s.get(Dossier, dossier_id)
        # the heading names the dossier as a clerk knows it: its customer, else its reference
        title = (getattr(dossier, "customer_name", None) or dossier.reference or "") if dossier else ""
    return render_template("audit.html", dossier_id=dossier_id, events=events, title=title)


@ui.route("/users", methods=["GET", "POST"])
@role_required(*ADMIN)
def users() -> Any:
    """The accounts (role, active, locked, last sign-in) and a form to add one; a refusal is a Chinese 400."""
    c = actions.ctx()
    if request.method == "POST":
        try:
            with c.sessions.begin() as s:
                auth.add_user(
                    s,
                    str(request.form.get("name", "")),
                    str(request.form.get("password", "")),
                    _role(request.form.get("role")),
                    actor=current_user.name,
                )
        except ValueError as exc:
            return _users_page(str(exc)), 400
        flash("用户已创建。")
        return redirect(url_for("ui.users"))
    return _users_page(None)


USER_ACTIONS = frozenset({"unlock", "deactivate", "activate", "password", "role"})


@ui.route("/users/<int:user_id>/<action>", methods=["POST"])
@role_required(*ADMIN)
def manage_user(user_id: int, action: str) -> Any:
    """An administrator's change to an account, audited; the user's open sessions end where it matters."""
    if action not in USER_ACTIONS:
        abort(404)
    c = actions.ctx()
    try:
        with c.sessions.begin() as s:
            target = user_store.by_id(s, user_id) if 0 < user_id < 2**63 else None
            if target is None:
                abort(404)
            name, actor = target.name, current_user.name
            if action == "unlock":
                auth.unlock(s, name, actor=actor)
            elif action in ("deactivate", "activate"):
                auth.set_active(s, name, active=action == "activate", actor=actor)
            elif action == "password":
                auth.reset_password(s, name, str(request.form.get("password", "")), actor=actor)
            else:
                auth.set_role(s, name, _role(request.form.get("role")), actor=actor)
    except ValueError as exc:
        return _users_page(str(exc)), 400
    flash(f"用户“{name}”已更新。")
    return redirect(url_for("ui.users"))


def _role(value: Any) -> Role:
    try:
        return Role(str(value or ""))
    except ValueError:
        raise ValueError("请选择有效的角色。") from None


def _users_page(error: str | None) -> str:
    with actions.ctx().sessions() as s:
        rows = user_store.everyone(s)
        return render_template(
            "users.html",
            users=rows,
            roles=list(Role),
            error=error,
            now=utcnow(),
            is_locked=user_store.is_locked,
        )
