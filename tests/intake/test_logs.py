"""Log lines name their dossier: `dossier=…` in text, a `dossier` key in JSON (DOSSIER_LOG_JSON)."""

from __future__ import annotations

import io
import json
import logging

from intake.lifecycle import logs


def _lines(json_lines: bool) -> list[str]:
    stream = io.StringIO()
    logs.install(logging.INFO, json_lines=json_lines, stream=stream)
    log = logging.getLogger("tests.logs")
    try:
        with logs.dossier_context("d0551e7"):
            log.warning("page %s failed", 3)
        log.info("between dossiers")
    finally:
        logs.install(logging.WARNING)  # back to stderr for the other tests
    return stream.getvalue().splitlines()


def test_text_lines_carry_the_dossier() -> None:
    inside, outside = _lines(json_lines=False)
    assert "dossier=d0551e7" in inside and inside.endswith("page 3 failed")
    assert "dossier=-" in outside


def test_json_lines_carry_the_dossier() -> None:
    inside, outside = (json.loads(line) for line in _lines(json_lines=True))
    assert inside["dossier"] == "d0551e7" and inside["message"] == "page 3 failed"
    assert inside["level"] == "WARNING" and inside["logger"] == "tests.logs"
    assert outside["dossier"] == "-"
