"""/metrics and /healthz: scraped after a real (text-layer, so fast) dossier is read through the pipeline;
the values are those of the database, reachable without a session only from allowed addresses or with the
token, and they carry no customer data."""

from __future__ import annotations

import dataclasses
import io
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from intake.files import ingest
from intake.lifecycle import logs
from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from review_ui import create_app
from storage.db import make_engine, make_session_factory
from storage.filestore import FileStore
from tests.ocr.textpdf import PAGES, TAX_ID, text_pdf
from workers.embedded import process_embedded

TODAY = date(2026, 11, 20)
TOKEN = "metrics-token-for-the-test"
BROKEN = b"%PDF-1.4\n1 0 obj\n"  # a truncated PDF: refused at intake


@pytest.fixture(scope="module")
def read_dossier(tmp_path_factory: pytest.TempPathFactory) -> Context:
    tmp = tmp_path_factory.mktemp("metrics")
    ctx = open_context(Settings.for_data_dir(tmp / "data", metrics_token=TOKEN))
    pdf = text_pdf(tmp / "申请表.pdf")
    broken = tmp / "broken.pdf"
    broken.write_bytes(BROKEN)
    # the deadline (pickup - 7 days) is tomorrow: urgent
    process_embedded(ctx, [pdf, broken], as_of=TODAY, pickup_date=TODAY + timedelta(days=8), workers=1)
    return ctx


def _client(ctx: Context, address: str = "127.0.0.1") -> FlaskClient:
    app = create_app(ctx, today=lambda: TODAY, config={"TESTING": True})
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def test_metrics_after_a_dossier_is_read(read_dossier: Context) -> None:
    answer = _client(read_dossier).get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    samples = _samples(answer.get_data(as_text=True))
    form = (("doc_type", "application_form"), ("engine", "pdfplumber"))
    contract = (("doc_type", "logistics_contract"), ("engine", "pdfplumber"))
    assert samples[("dossier_pages_read_total", form)] == 1
    assert samples[("dossier_pages_read_total", contract)] == 1
    read = sum(v for (name, _), v in samples.items() if name == "dossier_pages_read_total")
    assert read == len(PAGES)
    timed = sum(v for (name, _), v in samples.items() if name == "dossier_page_read_seconds_count")
    assert timed == len(PAGES)
    seconds = samples[("dossier_page_read_seconds_sum", form)]
    assert 0 < seconds < 60
    assert samples[("dossier_dossiers", (("status", "awaiting_review"), ("urgency", "urgent")))] == 1
    assert samples[("dossier_pages_waiting", ())] == 0
    body = answer.get_data(as_text=True)
    assert TAX_ID not in body and "宁波" not in body  # counts only, no customer data


def test_failures_are_counted_by_reason(read_dossier: Context, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(BROKEN)
    refused = ingest([broken], FileStore(tmp_path / "store")).rejected
    samples = _samples(_client(read_dossier).get("/metrics").get_data(as_text=True))
    failures = {labels: v for (name, labels), v in samples.items() if name == "dossier_failures_total"}
    assert failures == {(("kind", "file"), ("reason", refused[0].code)): 1}


def test_only_allowed_addresses_or_the_token(read_dossier: Context) -> None:
    outsider = _client(read_dossier, address="203.0.113.9")
    for path in ("/metrics", "/healthz"):
        refused = outsider.get(path)
        assert refused.status_code == 403
        assert "DOSSIER_METRICS_TOKEN" in refused.get_data(as_text=True)
        assert outsider.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert outsider.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_healthz_says_whether_the_database_answers(read_dossier: Context) -> None:
    client = _client(read_dossier)
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.get_json() == {"status": "ok", "database": "ok"}
    gone = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    client.application.extensions["dossier"]["ctx"] = dataclasses.replace(read_dossier, sessions=gone)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["status"] == "error" and "数据库" in down.get_json()["database"]


def test_without_a_token_setting_only_the_allowed_addresses(tmp_path: Path) -> None:
    ctx = open_context(Settings.for_data_dir(tmp_path, metrics_allow=("10.0.0.5",)))
    assert _client(ctx, address="10.0.0.5").get("/healthz").status_code == 200
    assert _client(ctx, address="127.0.0.1").get("/healthz").status_code == 403
    assert (
        _client(ctx, address="127.0.0.1").get("/healthz", headers={"Authorization": "Bearer "}).status_code
        == 403
    )


def test_log_lines_of_a_request_name_its_dossier(read_dossier: Context) -> None:
    app = create_app(read_dossier, today=lambda: TODAY, config={"TESTING": True})

    @app.get("/probe/<dossier_id>")
    def probe(dossier_id: str) -> str:
        logging.getLogger("tests.probe").warning("looked at it")
        return "ok"

    stream = io.StringIO()
    logs.install(logging.INFO, stream=stream)
    try:
        assert app.test_client().get("/probe/d0551e7").status_code == 200
        logging.getLogger("tests.probe").warning("after the request")
    finally:
        logs.install(logging.WARNING)
    inside, after = stream.getvalue().splitlines()
    assert "dossier=d0551e7" in inside and "looked at it" in inside
    assert "dossier=-" in after
