"""The review page in headless Chromium, keyboard only (issue 13): led from one doubtful field to the next,
✓ with Enter updates the page in place (no reload, the field list keeps its scroll position), approval waits
until every doubtful field is confirmed and then `a` archives; a quarter-turned page fits its stage.

The dossier is the review UI tests' seeded one (readings saved without OCR), so this takes seconds, not the
minute of test_browser.py's real reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from intake.lifecycle.context import Context
from intake.lifecycle.review import doubts, override_finding
from review_ui import create_app
from storage import users
from storage.models import FindingRow, Role
from tests.review_ui.chromium import needs_chromium, serving, start_chromium
from tests.review_ui.conftest import PASSWORD, TODAY, Seeded, make_context, seed_dossier

pytestmark = needs_chromium


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Context, Seeded]]:
    ctx = make_context(tmp_path / "data")
    with ctx.sessions.begin() as s:
        users.add(s, "rev", generate_password_hash(PASSWORD), Role.REVIEWER)
    seeded = seed_dossier(ctx)
    with ctx.sessions() as s:
        blockers = s.scalars(select(FindingRow.id).where(FindingRow.severity == "blocker")).all()
    for finding_id in blockers:  # an administrator's earlier work: what is left is the doubtful fields
        override_finding(ctx, finding_id, actor="administrator", reason="纸质件已核")
    app = create_app(ctx, start_reading=lambda _ctx, _id: None, today=lambda: TODAY)
    with serving(app) as url:
        yield url, ctx, seeded


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    # short: the field list scrolls
    driver = start_chromium(tmp_path / "chromium-profile", window="1300,560", wait_s=1)
    yield driver
    driver.quit()  # type: ignore[attr-defined]


def _keys(driver: object, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()  # type: ignore[arg-type]


def _js(driver: object, script: str) -> object:
    return driver.execute_script(script)  # type: ignore[attr-defined]


def test_doubtful_fields_confirmed_by_keyboard_in_place_then_approved(
    served: tuple[str, Context, Seeded], browser: object
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    server, ctx, seeded = served
    d = browser
    d.get(server + f"/dossiers/{seeded.dossier_id}")  # type: ignore[attr-defined]
    assert "/login" in d.current_url  # type: ignore[attr-defined]
    d.find_element(By.ID, "name").send_keys("rev")  # type: ignore[attr-defined]
    d.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)  # type: ignore[attr-defined]
    WebDriverWait(d, 10).until(lambda drv: drv.find_elements(By.ID, "doubt-count"))  # ?next= brought us back

    waiting = len(doubts(ctx, seeded.dossier_id))
    count = d.find_element(By.ID, "doubt-count")  # type: ignore[attr-defined]
    assert int(count.text) == waiting > 1
    assert d.find_element(By.ID, "approve").get_attribute("disabled") is not None  # type: ignore[attr-defined]

    # `a` while fields wait: refused on the page, led to a doubtful one
    _keys(d, "a")
    live = d.find_element(By.ID, "live-message")  # type: ignore[attr-defined]
    WebDriverWait(d, 5).until(lambda _: live.is_displayed() and "存疑字段未确认" in live.text)

    _js(d, "window.notReloaded = true;")
    for left in range(waiting, 0, -1):
        selected = d.find_element(By.CSS_SELECTOR, "li.field.selected")  # type: ignore[attr-defined]
        assert "doubtful" in (selected.get_attribute("class") or "")
        _js(d, "document.getElementById('fields').scrollTop = 40;")
        before = _js(d, "return document.getElementById('fields').scrollTop;")
        _keys(d, Keys.ENTER)
        WebDriverWait(d, 10).until(lambda _, n=left: count.text == str(n - 1))
        # in place: no reload, the list did not jump to the top
        assert _js(d, "return window.notReloaded === true;")
        after = _js(d, "return document.getElementById('fields').scrollTop;")
        assert after and (before == 0 or after > 0)
    assert d.find_element(By.ID, "approve").get_attribute("disabled") is None  # type: ignore[attr-defined]
    assert doubts(ctx, seeded.dossier_id) == []

    _keys(d, "a")
    WebDriverWait(d, 20).until(lambda drv: "/archive" in drv.current_url)
    assert "C20261120001" in d.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]


def test_a_quarter_turned_page_fits_its_stage(served: tuple[str, Context, Seeded], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    server, _ctx, seeded = served
    d = browser
    d.get(server + f"/login?next=/dossiers/{seeded.dossier_id}")  # type: ignore[attr-defined]
    d.find_element(By.ID, "name").send_keys("rev")  # type: ignore[attr-defined]
    d.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)  # type: ignore[attr-defined]
    WebDriverWait(d, 10).until(
        lambda drv: drv.execute_script("return document.getElementById('page-img').naturalWidth > 0;")
    )
    d.find_element(By.ID, "rotate").click()  # type: ignore[attr-defined]
    WebDriverWait(d, 5).until(
        lambda drv: "rotate(90deg)" in drv.find_element(By.ID, "sheet").get_attribute("style")
    )
    box = _js(
        d,
        """var st = document.getElementById('stage'), sh = document.getElementById('sheet');
        st.scrollTop = 0; st.scrollLeft = 0;
        var s = st.getBoundingClientRect(), p = sh.getBoundingClientRect(), cs = getComputedStyle(st);
        return {top: p.top - s.top, left: p.left - s.left, width: p.width, height: p.height,
                room: st.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
                scrollH: st.scrollHeight, clientH: st.clientHeight,
                scrollW: st.scrollWidth, clientW: st.clientWidth};""",
    )
    assert isinstance(box, dict)
    # the turned page starts inside the stage (nothing above or left of it is out of reach) …
    assert box["top"] >= 0 and box["left"] >= 0, box
    # … is as wide as the stage, landscape now, and the stage scrolls over its whole height, not beyond
    assert abs(box["width"] - box["room"]) <= 2 and box["width"] > box["height"], box
    assert box["scrollW"] <= box["clientW"] + 1, box
    assert box["scrollH"] >= box["height"], box
