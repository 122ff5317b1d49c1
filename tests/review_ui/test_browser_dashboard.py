"""The dashboard's charts in headless Chromium, as staff see them (issue 13, "Done when").

The charts are drawn under the strict CSP with their colours from app.css, the deadline chart's counts equal
the page's figures and the rows its bars link to, every dossier links to its page, and the customer is named
in every row. Dossiers are made by storage calls (no OCR), so this takes seconds; marked `browser`, skipped
without Chromium. A screenshot is saved in /tmp/ui-shots/dashboard-charts.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from intake.lifecycle.context import Context
from review_ui import create_app
from storage import users
from storage.models import Role
from tests.review_ui.chromium import needs_chromium, serving
from tests.review_ui.conftest import PASSWORD, TODAY, make_context
from tests.review_ui.test_browser import SHOTS, browser  # noqa: F401 - fixture
from tests.review_ui.test_lists import add_dossier

pytestmark = needs_chromium

DAYS = [-12, -1, 0, 1, 2, 5, 20, None, None]  # days to the deadline of each open dossier
EXPECTED = {"逾期": 2, "≤ 2 天": 3, "本周": 1, "更晚": 1, "无截止日期": 2}  # by the buckets' definition


def fill(ctx: Context) -> None:
    for n, days in enumerate(DAYS):
        deadline = None if days is None else TODAY + timedelta(days=days)
        add_dossier(ctx, f"佛山市第{n}贸易有限公司", f"9144060{n}MA4W0000{n}X", deadline=deadline)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    ctx = make_context(tmp_path / "data")
    with ctx.sessions.begin() as s:
        users.add(s, "staff", generate_password_hash(PASSWORD), Role.STAFF)
    fill(ctx)
    app = create_app(ctx, today=lambda: TODAY)
    with serving(app) as url:
        yield url


def test_staff_see_the_deadline_chart_agree_with_the_dashboard(
    server: str,
    browser: object,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d: object = browser
    d.get(server + "/login")  # type: ignore[attr-defined]
    d.find_element(By.ID, "name").send_keys("staff")  # type: ignore[attr-defined]
    d.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    d.find_element(By.ID, "sign-in").click()  # type: ignore[attr-defined]
    WebDriverWait(d, 30).until(lambda drv: "charts" in drv.page_source)

    bars = d.find_elements(By.CSS_SELECTOR, "#chart-deadlines g.bar")  # type: ignore[attr-defined]
    counts = {bar.get_attribute("data-label"): int(bar.get_attribute("data-count")) for bar in bars}
    assert counts == EXPECTED
    for bar in bars:  # drawn: a bar has the height its count asks for, and its colour from app.css
        rect = bar.find_element(By.TAG_NAME, "rect")
        assert (rect.size["height"] > 0) == (int(bar.get_attribute("data-count")) > 0)
    none_rect = d.find_element(By.CSS_SELECTOR, "#chart-deadlines g.bar.none rect")  # type: ignore[attr-defined]
    assert none_rect.value_of_css_property("fill") == "rgb(106, 27, 154)"  # the stylesheet applied under CSP
    assert int(d.find_element(By.ID, "total-open").text) == sum(EXPECTED.values())  # type: ignore[attr-defined]
    alarm = d.find_element(By.ID, "no-deadline-alarm").text  # type: ignore[attr-defined]
    assert f"有 {EXPECTED['无截止日期']} 份未结档案没有截止日期" in alarm

    rows = d.find_elements(By.CSS_SELECTOR, "#dashboard tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == len(DAYS)
    for row in rows:  # every row names its customer and links to the dossier's page
        assert "贸易有限公司" in row.text and "税务登记号 9144" in row.text
        assert "/dossiers/" in row.find_element(By.CSS_SELECTOR, "a").get_attribute("href")
    SHOTS.mkdir(parents=True, exist_ok=True)
    d.save_screenshot(str(tmp_path / "dashboard-charts.png"))  # type: ignore[attr-defined]
    shutil.copy(tmp_path / "dashboard-charts.png", SHOTS / "dashboard-charts.png")

    # the 无截止日期 bar leads to exactly the dossiers it counts
    d.find_element(By.CSS_SELECTOR, "#chart-deadlines g.bar.none a").click()  # type: ignore[attr-defined]
    WebDriverWait(d, 30).until(lambda drv: "bucket=none" in drv.current_url)
    listed = d.find_elements(By.CSS_SELECTOR, "#dashboard tbody tr")  # type: ignore[attr-defined]
    assert len(listed) == EXPECTED["无截止日期"]
    assert all("无截止日期" in row.text for row in listed)
