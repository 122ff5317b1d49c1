"""The review UI's maintenance pages (Flask test client): the quarterly audit sample (/samples) and the
administrator's erasure of a consignee's personal data (/dossiers/<id>/personal-data).

Dossiers are archived without OCR through tests/storage/maintenance_kit.py, signed-in users as in conftest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.lifecycle.context import Context
from storage.models import ArchiveRecord, AuditEvent, Field
from storage.sampling import Quarter
from tests.review_ui.conftest import csrf_of
from tests.storage.maintenance_kit import archived_dossier

Login = Callable[[str], FlaskClient]


@pytest.fixture
def quarter(ctx: Context, tmp_path: Path) -> str:
    """Twelve archived dossiers; the quarter they were archived in."""
    for n in range(12):
        archived_dossier(ctx, tmp_path / "in", f"R-{n}")
    with ctx.sessions() as s:
        archived_at = s.scalars(select(ArchiveRecord.archived_at)).first()
    assert archived_at is not None
    return Quarter.of(archived_at.date()).label


def _token(client: FlaskClient, path: str) -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_only_auditors_and_administrators_see_samples(login: Login, role: str) -> None:
    client = login(role)
    assert client.get("/samples").status_code == 403
    assert "抽查" not in client.get("/archive").get_data(as_text=True)


def test_an_auditor_draws_a_sample_and_records_results(login: Login, quarter: str, ctx: Context) -> None:
    client = login("auditor")
    page = client.get("/samples").get_data(as_text=True)
    assert "季度抽查" in page and 'href="/samples"' in page
    token = _token(client, "/samples")

    refused = client.post("/samples", data={"quarter": quarter, "rate": "0.3", "csrf_token": token})
    assert refused.status_code == 400 and "10%–20%" in refused.get_data(as_text=True)
    drawn = client.post(
        "/samples", data={"quarter": quarter, "rate": "0.2", "seed": "5", "csrf_token": token}
    )
    assert drawn.status_code == 302 and drawn.headers["Location"].endswith(f"/samples/{quarter}")
    again = client.post("/samples", data={"quarter": quarter, "csrf_token": token})
    assert again.status_code == 400 and "已抽样" in again.get_data(as_text=True)

    html = client.get(f"/samples/{quarter}").get_data(as_text=True)
    assert (
        "随机种子 5" in html
        and "杭州明达贸易有限公司" in html
        and html.count('class="sample-item pending"') == 3
    )
    first = html.split('id="item-', 1)[1].split('"', 1)[0]
    url = f"/samples/{quarter}/items/{first}"
    missing_note = client.post(url, data={"result": "failed", "note": "", "csrf_token": token})
    assert missing_note.status_code == 400 and "须填写说明" in missing_note.get_data(as_text=True)
    bad_result = client.post(url, data={"result": "<script>", "csrf_token": token})
    assert bad_result.status_code == 400 and "抽查结果无效" in bad_result.get_data(as_text=True)
    saved = client.post(url, data={"result": "failed", "note": "份数不符", "csrf_token": token})
    assert saved.status_code == 302
    html = client.get(f"/samples/{quarter}").get_data(as_text=True)
    assert "不合格" in html and "份数不符" in html and "auditor" in html
    with ctx.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("sample.%")))]
    assert actions == ["sample.drawn", "sample.checked"]


def test_bad_quarters_and_items_are_answered_in_chinese(login: Login, quarter: str) -> None:
    client = login("administrator")
    bad = client.get("/samples/2026-Q9")
    assert bad.status_code == 400 and "季度格式不正确" in bad.get_data(as_text=True)
    missing = client.get("/samples/2020-Q1")
    assert missing.status_code == 404 and "尚未抽样" in missing.get_data(as_text=True)
    token = _token(client, "/samples")
    client.post("/samples", data={"quarter": quarter, "csrf_token": token})
    unknown = client.post(f"/samples/{quarter}/items/999999", data={"result": "passed", "csrf_token": token})
    assert unknown.status_code == 400 and "没有编号" in unknown.get_data(as_text=True)
    unsampled = client.post("/samples/2020-Q1/items/1", data={"result": "passed", "csrf_token": token})
    assert unsampled.status_code == 404 and "尚未抽样" in unsampled.get_data(as_text=True)
    no_csrf = client.post(f"/samples/{quarter}/items/1", data={"result": "passed"})
    assert no_csrf.status_code == 400


def test_an_administrator_erases_a_consignees_personal_data(
    login: Login, ctx: Context, tmp_path: Path
) -> None:
    dossier_id = archived_dossier(ctx, tmp_path / "in", "R-pd")
    reviewer = login("reviewer")
    assert reviewer.get(f"/dossiers/{dossier_id}/personal-data").status_code == 403
    assert "删除收货人个人信息" not in reviewer.get(f"/dossiers/{dossier_id}").get_data(as_text=True)

    admin = login("administrator")
    assert "personal-data-link" in admin.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    page = admin.get(f"/dossiers/{dossier_id}/personal-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="preview-fields">2<' in html
    token = csrf_of(html)
    url = f"/dossiers/{dossier_id}/personal-data"
    refused = admin.post(url, data={"requester": "张三", "reason": " ", "csrf_token": token})
    assert refused.status_code == 400 and "请填写删除原因" in refused.get_data(as_text=True)
    done = admin.post(url, data={"requester": "张三", "reason": "本人申请", "csrf_token": token})
    assert done.status_code == 302
    after = admin.get(url).get_data(as_text=True)
    assert "收货人个人信息已删除" in after and "本人申请" in after and 'id="preview-fields">0<' in after
    with ctx.sessions() as s:
        names = set(s.scalars(select(Field.name).where(Field.dossier_id == dossier_id)))
        erased = s.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.erased")).one()
    assert not names & {"consignee_name", "consignee_id_number"} and erased.actor == "administrator"

    assert admin.get("/dossiers/not-a-dossier/personal-data").status_code == 404
    unknown = admin.get(f"/dossiers/{'0' * 32}/personal-data")
    assert unknown.status_code == 404 and "档案不存在" in unknown.get_data(as_text=True)
