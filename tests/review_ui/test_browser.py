"""The real UI in headless Chromium: sign in, upload, wait for OCR, correct a field, approve, find the record.

Runs the real reader on two generated pages (a bank permit and an application form whose account number
differs by one digit), so it takes a minute; marked `browser` and skipped when Chromium is not installed.
Screenshots of the review page and the dashboard are saved in the test's tmp dir and /tmp/ui-shots/.
"""

from __future__ import annotations

import copy
import random
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from review_ui import create_app
from tests.review_ui.chromium import needs_chromium, serving, start_chromium
from tests.review_ui.conftest import PASSWORD, make_context
from tests.synth.dossier import render_document
from tests.synth.identity import make_identity

SHOTS = Path("/tmp/ui-shots")
AS_OF = date(2026, 11, 20)

pytestmark = [*needs_chromium, pytest.mark.ocr]


def _pages(out: Path) -> tuple[list[Path], str]:
    """A bank permit and a form misprinting its account number; returns the files and the true number."""
    who = make_identity(random.Random(11), AS_OF, sole_trader=False)
    who.pickup_date = date(2026, 12, 18)
    wrong = copy.deepcopy(who)
    last = wrong.bank_account[-1]
    wrong.bank_account = wrong.bank_account[:-1] + ("1" if last != "1" else "2")
    files = []
    for doc_type, identity in (("bank_permit", who), ("application_form", wrong)):
        images, _truth = render_document(doc_type, 5, identity=identity, as_of=AS_OF)
        path = out / f"{doc_type}.png"
        images[0].save(path)
        files.append(path)
    return files, who.bank_account


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    ctx = make_context(tmp_path / "data")
    from werkzeug.security import generate_password_hash

    from storage import users
    from storage.models import Role

    with ctx.sessions.begin() as s:  # the fixtures' short password predates the policy: stored directly
        users.add(s, "admin", generate_password_hash(PASSWORD), Role.ADMINISTRATOR)
    app = create_app(ctx, today=lambda: AS_OF)
    with serving(app) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    driver = start_chromium(tmp_path / "chromium-profile")
    yield driver
    driver.quit()  # type: ignore[attr-defined]


def _shot(driver: object, tmp_path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    shutil.copy(path, SHOTS / path.name)


def test_upload_correct_approve_archive(server: str, browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser
    files, true_account = _pages(tmp_path)
    d.get(server + "/login")  # type: ignore[attr-defined]
    d.find_element(By.ID, "name").send_keys("admin")  # type: ignore[attr-defined]
    d.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    d.find_element(By.ID, "sign-in").click()  # type: ignore[attr-defined]
    # the click only starts the form's submission: wait for the page it leads to
    WebDriverWait(d, 30).until(lambda drv: "待审核队列" in drv.page_source)

    d.get(server + "/upload")  # type: ignore[attr-defined]
    d.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in files))  # type: ignore[attr-defined]
    d.find_element(By.ID, "reference").send_keys("浏览器测试")  # type: ignore[attr-defined]
    d.find_element(By.ID, "upload-submit").click()  # type: ignore[attr-defined]
    started = time.monotonic()
    WebDriverWait(d, 240).until(ec.visibility_of_element_located((By.ID, "to-review")))
    assert d.find_element(By.ID, "pages-done").text == "2", f"read in {time.monotonic() - started:.0f}s"  # type: ignore[attr-defined]
    d.find_element(By.ID, "to-review").click()  # type: ignore[attr-defined]

    mismatch = '[data-rule="bank_account_mismatch"]'
    assert d.find_elements(By.CSS_SELECTOR, mismatch), "the misprinted account should raise a finding"  # type: ignore[attr-defined]
    field = next(
        li
        for li in d.find_elements(By.CSS_SELECTOR, 'li.field[data-field-name="bank_account"]')  # type: ignore[attr-defined]
        if true_account not in li.text
    )
    field.click()
    WebDriverWait(d, 10).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#boxes .box"))
    _shot(d, tmp_path, "review-page")
    field.find_element(By.CSS_SELECTOR, ".edit-btn").click()
    value = field.find_element(By.CSS_SELECTOR, ".edit-value")
    value.clear()
    value.send_keys(true_account)
    field.find_element(By.CSS_SELECTOR, ".edit-reason").send_keys("对照开户许可证更正")
    field.find_element(By.CSS_SELECTOR, ".save-btn").click()
    WebDriverWait(d, 20).until(lambda drv: not drv.find_elements(By.CSS_SELECTOR, mismatch))
    _shot(d, tmp_path, "review-page-corrected")
    review_url = d.current_url  # type: ignore[attr-defined]
    d.get(server + "/dashboard")  # type: ignore[attr-defined]
    _shot(d, tmp_path, "dashboard")
    assert "浏览器测试" in d.find_element(By.ID, "dashboard").text  # type: ignore[attr-defined]
    d.get(review_url)  # type: ignore[attr-defined]

    # The two-page dossier misses documents: the administrator overrides each blocker with a reason.
    for _ in range(30):
        forms = d.find_elements(By.CSS_SELECTOR, "li.finding.blocker.open form")  # type: ignore[attr-defined]
        if not forms:
            break
        forms[0].find_element(By.NAME, "reason").send_keys("纸质资料已补交")
        forms[0].find_element(By.CSS_SELECTOR, "button").click()
        WebDriverWait(d, 10).until(ec.staleness_of(forms[0]))
    assert d.find_element(By.ID, "blocker-count").text == "0"  # type: ignore[attr-defined]
    # Every doubtful field is looked at before approval: n to the next one, Enter to confirm it (in place).
    count = d.find_element(By.ID, "doubt-count")  # type: ignore[attr-defined]
    for _ in range(40):
        left = int(count.text)
        if left == 0:
            break
        ActionChains(d).send_keys("n").send_keys(Keys.ENTER).perform()  # type: ignore[arg-type]
        WebDriverWait(d, 10).until(lambda _, n=left: int(count.text) < n)
    d.find_element(By.ID, "approve").click()  # type: ignore[attr-defined]
    table = WebDriverWait(d, 30).until(ec.presence_of_element_located((By.ID, "archive"))).text
    assert "C20261120001" in table and "GD20261120001" in table and "电子" in table
    d.get(server + "/queue")  # type: ignore[attr-defined]
    assert "浏览器测试" not in d.find_element(By.ID, "queue").text  # type: ignore[attr-defined]
