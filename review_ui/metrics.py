"""`/metrics` (Prometheus text format) and `/healthz` for the operators' monitoring, without a session.

Neither needs a signed-in user, so neither shows any customer's data: only counts (dossiers by status and
urgency, pages read and their seconds by engine and document type, pages waiting, failures by reason) and
whether the database answers. (The blueprint also tags each request's log lines with the dossier it is about.)
Who may ask: a client address listed in DOSSIER_METRICS_ALLOW (default the
machine itself), or anyone sending `Authorization: Bearer <DOSSIER_METRICS_TOKEN>` when a token is set.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from intake.lifecycle import logs
from intake.lifecycle.context import Context
from intake.lifecycle.metrics import Snapshot, database_ok, snapshot

log = logging.getLogger(__name__)
monitoring = Blueprint("monitoring", __name__)


def _ctx() -> Context:
    ctx: Context = current_app.extensions["dossier"]["ctx"]
    return ctx


def _allowed() -> None:
    """Refuse (403, in Chinese) a client neither listed nor holding the token."""
    settings = _ctx().settings
    token = settings.metrics_token
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token):
        return
    if request.remote_addr in settings.metrics_allow:
        return
    abort(403, "监控接口只对 DOSSIER_METRICS_ALLOW 中的地址或持有 DOSSIER_METRICS_TOKEN 的请求开放")


class _SnapshotCollector:
    """One scrape's values as Prometheus families (built per request: nothing is counted in memory)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[Any]:
        snap = self.snap
        dossiers = GaugeMetricFamily(
            "dossier_dossiers", "档案数：按状态和紧急程度", labels=["status", "urgency"]
        )
        for status, urgency, n in snap.dossiers:
            dossiers.add_metric([status, urgency], n)
        yield dossiers
        yield GaugeMetricFamily(
            "dossier_pages_waiting", "等待读取的页数（队列长度）", value=snap.pages_waiting
        )
        read = CounterMetricFamily(
            "dossier_pages_read", "已读取的页数：按引擎和文件类型", labels=["engine", "doc_type"]
        )
        seconds = SummaryMetricFamily(
            "dossier_page_read_seconds", "每页读取耗时（秒）：按引擎和文件类型", labels=["engine", "doc_type"]
        )
        for t in snap.page_times:
            read.add_metric([t.engine, t.doc_type], t.pages)
            seconds.add_metric([t.engine, t.doc_type], count_value=t.pages, sum_value=t.seconds)
        yield read
        yield seconds
        failures = CounterMetricFamily(
            "dossier_failures", "失败数：页或文件，按原因", labels=["kind", "reason"]
        )
        for (kind, reason), n in sorted(snap.failures.items()):
            failures.add_metric([kind, reason], n)
        yield failures


@monitoring.before_app_request
def _log_dossier() -> None:
    """Log lines of a request about one dossier carry its id (intake.lifecycle.logs)."""
    args = request.view_args or {}
    g.dossier_log = logs.enter(str(args["dossier_id"]) if "dossier_id" in args else None)


@monitoring.teardown_app_request
def _log_dossier_done(_exc: BaseException | None) -> None:
    token = g.pop("dossier_log", None)
    if token is not None:
        logs.leave(token)


@monitoring.get("/metrics")
def metrics() -> Response:
    _allowed()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snapshot(_ctx(), current_app.extensions["dossier"]["today"]())))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


@monitoring.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the web process can reach its database, else 503 (the reason is logged, not shown)."""
    _allowed()
    problem = database_ok(_ctx())
    if problem is not None:
        log.error("health check: database unreachable: %s", problem)
        return jsonify(status="error", database="数据库无法连接"), 503
    return jsonify(status="ok", database="ok"), 200
