"""The application factory: configuration, sessions, sign-in, CSRF, translations and the blueprints."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask, abort, g, request
from flask_babel import Babel
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from intake import vocabulary
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from review_ui import auth, errors, times
from review_ui.headers import secure_headers
from review_ui.i18n import compile_catalogs
from review_ui.jobs import start_reading as default_start_reading

StartReading = Callable[[Context, str], Any]
csrf = CSRFProtect()
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _secret_key(ctx: Context) -> str:
    """A stable key per data directory, so sessions survive a restart; DOSSIER_SECRET_KEY (settings) wins."""
    if ctx.settings.secret_key:
        return ctx.settings.secret_key
    path = ctx.settings.work_dir / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def create_app(
    ctx: Context | None = None,
    *,
    start_reading: StartReading | None = None,
    today: Callable[[], date] = date.today,
    config: dict[str, Any] | None = None,
) -> Flask:
    """Build the app around the process's Context (without one: from the environment, schema upgraded).

    `start_reading(ctx, dossier_id)` starts OCR of an upload (default: review_ui.jobs, embedded or Celery);
    `today` is the app's clock, passed to the lifecycle as a plain date.
    """
    if ctx is None:
        ctx = open_context(Settings.from_env())
    app = Flask(__name__)
    if ctx.settings.trusted_proxies:  # the client's address and scheme as the TLS proxy saw them
        n = ctx.settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    translations = compile_catalogs(ctx.settings.work_dir / "translations")
    app.config.update(
        SECRET_KEY=_secret_key(ctx),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _csrf below: cookie-less basic-auth API calls are exempt
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=str(translations),
        MAX_CONTENT_LENGTH=ctx.limits.max_total_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=ctx.settings.secure_cookies,  # DOSSIER_SECURE_COOKIES: behind TLS
        REMEMBER_COOKIE_SECURE=ctx.settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    app.config.update(config or {})
    app.extensions["dossier"] = {
        "ctx": ctx,
        "start_reading": start_reading or default_start_reading,
        "today": today,
    }
    Babel(app, locale_selector=lambda: "zh_CN")
    csrf.init_app(app)
    errors.install(app)  # every refusal in Chinese: routing 404/405, CSRF, 413, 500 (review_ui.errors)
    times.install(app, ctx.settings.timezone)  # `{{ at|local }}`: every time in DOSSIER_TIMEZONE
    auth.install(
        app,
        ctx.sessions,
        idle=timedelta(minutes=ctx.settings.session_idle_minutes),
        max_age=timedelta(hours=ctx.settings.session_max_hours),
    )

    @app.before_request
    def _csrf() -> None:
        if request.method not in WRITE_METHODS:
            return
        if (
            request.path.startswith("/api/")
            and not auth.has_session_cookie(app)
            and auth.basic_credentials() is not None
        ):
            # A script with HTTP basic auth and no cookie: no browser session to ride, so no CSRF token;
            # with a cookie, the token is required whatever other headers say.
            if current_user.is_authenticated and g.get("basic_auth"):
                return
            abort(401)
        csrf.protect()

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "csrf_token": generate_csrf,
            # every Chinese name of a code comes from the one vocabulary (intake.vocabulary)
            "doc_name": vocabulary.doc_name,
            "field_name": vocabulary.field_name,
            "status_name": vocabulary.status_name,
            "role_name": vocabulary.role_name,
            "rule_name": vocabulary.rule_name,
            "severity_name": vocabulary.severity_name,
            "source_name": vocabulary.source_name,
            "intake_source_name": vocabulary.intake_source_name,
            "seal_name": vocabulary.seal_name,
            "value_text": vocabulary.value_text,
            "page_error_text": errors.page_error_text,
            "audit_action_name": vocabulary.audit_action_name,
            "status_names": dict(vocabulary.STATUSES),  # for the page that updates itself (app.js)
            "doc_names": dict(vocabulary.DOC_TYPES),
            "me": current_user,
        }

    @app.after_request
    def _headers(response: Any) -> Any:
        secure_headers(response)  # CSP, Referrer-Policy, no-store on data (review_ui.headers)
        g.pop("basic_auth", None)
        return response

    from review_ui.api import api
    from review_ui.customers import customers
    from review_ui.filing import filing
    from review_ui.views import ui

    app.register_blueprint(ui)
    app.register_blueprint(api)
    app.register_blueprint(filing)
    app.register_blueprint(customers)
    from review_ui.search import search_ui

    app.register_blueprint(search_ui)
    from review_ui.personal_data import personal_data
    from review_ui.samples import samples

    app.register_blueprint(samples)
    app.register_blueprint(personal_data)
    from review_ui.history import history

    app.register_blueprint(history)
    from review_ui.metrics import monitoring

    app.register_blueprint(monitoring)  # /metrics, /healthz: no session, allowed addresses or a token
    return app
