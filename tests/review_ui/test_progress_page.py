"""The progress page says what is happening (issue 13): 正在读取 while pages are read, 读取完成 after, the
document types by their Chinese names; the polling script swaps the heading from the same data attributes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from intake import vocabulary
from intake.lifecycle.context import Context
from storage import repository as repo
from storage.models import DossierStatus, Page, PageStatus
from tests.review_ui.conftest import READINGS, Seeded
from tests.review_ui.visible import stray_english, visible_text

Login = Callable[[str], FlaskClient]
APP_JS = Path(__file__).resolve().parents[2] / "review_ui" / "static" / "app.js"


def test_finished_reading_is_not_called_reading(seeded: Seeded, login: Login) -> None:
    html = login("administrator").get(f"/dossiers/{seeded.dossier_id}/progress").get_data(as_text=True)
    text = visible_text(html)
    assert "档案读取完成" in text and "正在读取档案" not in text
    for r in READINGS:
        assert vocabulary.doc_name(r.doc_type) in text
    files = [f"{n}-{r.doc_type}.jpg" for n, r in enumerate(READINGS, 1)]
    assert stray_english(text, data=[*files, "administrator", "R-1"]) == []


def test_while_reading_it_says_so(ctx: Context, seeded: Seeded, login: Login) -> None:
    with ctx.sessions.begin() as s:
        repo.set_status(s, seeded.dossier_id, DossierStatus.READING)
    html = login("administrator").get(f"/dossiers/{seeded.dossier_id}/progress").get_data(as_text=True)
    assert "正在读取档案" in visible_text(html)
    # the script that polls swaps the heading to these when the status endpoint says finished
    assert 'data-done-title="档案读取完成"' in html and 'data-failed-title="档案读取失败"' in html
    script = APP_JS.read_text(encoding="utf-8")
    assert "progress-title" in script and "doneTitle" in script and "failedTitle" in script


def test_failed_pages_are_explained_in_chinese(ctx: Context, seeded: Seeded, login: Login) -> None:
    errors = {0: "gave up after 3 attempts (the worker stopped)", 1: "ValueError: cannot identify image file"}
    with ctx.sessions.begin() as s:  # as the reading step leaves them (a read page is never downgraded)
        for n, error in errors.items():
            page = s.get_one(Page, seeded.page_ids[n])
            page.status, page.error = PageStatus.FAILED, error
    client = login("administrator")
    text = visible_text(client.get(f"/dossiers/{seeded.dossier_id}/progress").get_data(as_text=True))
    assert "读取进程中途停止" in text and "本页无法读取" in text
    assert "ValueError" not in text and "gave up" not in text
    polled = client.get(
        f"/api/dossiers/{seeded.dossier_id}/status"
    ).get_json()  # what the page's script shows
    errors = [p["error"] for p in polled["pages"] if p["error"]]
    assert len(errors) == 2 and all(stray_english(e) == [] for e in errors), errors
    with ctx.sessions() as s:  # stored as it was: the metrics sort failures by the technical text
        stored = s.get(Page, seeded.page_ids[1])
        assert stored is not None and stored.error == "ValueError: cannot identify image file"
