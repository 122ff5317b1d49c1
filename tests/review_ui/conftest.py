"""A review UI over a temporary SQLite database, with one user per role and a dossier read without OCR.

The dossier's pages are tiny synthetic readings saved through storage.repository, so the server-side tests
are fast; only the browser test (test_browser.py) runs the real reader.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.security import generate_password_hash

from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.reading import page_image_path
from intake.settings import Settings
from ocr.types import DocType
from review_ui import create_app
from storage import repository as repo
from storage.models import DossierStatus, Page, Role, User
from tests.storage.builders import reading

TODAY = date(2026, 11, 20)
PASSWORD = "s3cret-pw"
ACCOUNT = "6222020200112233445"
FORM_ACCOUNT = "6222020200112233999"  # misread on the form: bank_account_mismatch until corrected
CONSIGNEE_ID = "110101199003071234"


@dataclass(frozen=True)
class Seeded:
    dossier_id: str
    page_ids: list[int]
    field_ids: dict[str, int]  # "<doc_type>.<field>" → field id


def make_context(tmp: Path) -> Context:
    return open_context(Settings.for_data_dir(tmp))


READINGS = [  # a business licence, a bank permit, the form (its account misread), an ID card
    reading(
        DocType.BUSINESS_LICENSE,
        {"customer_name": ("杭州明达贸易有限公司", 0.97), "tax_id": ("91330100MA27XXXX1N", 0.55)},
    ),
    reading(
        DocType.BANK_PERMIT,
        {
            "account_holder": ("杭州明达贸易有限公司", 0.95),
            "bank_name": ("中国工商银行杭州分行", 0.96),
            "bank_account": (ACCOUNT, 0.96),
        },
    ),
    reading(
        DocType.APPLICATION_FORM,
        {
            "customer_name": ("杭州明达贸易有限公司", 0.95),
            "bank_name": ("中国工商银行杭州分行", 0.93),
            "bank_account": (FORM_ACCOUNT, 0.71),
        },
    ),
    reading(
        DocType.CONSIGNEE_ID,
        {"consignee_name": ("张三", 0.9), "consignee_id_number": (CONSIGNEE_ID, 0.9)},
    ),
]


def seed_dossier(ctx: Context, *, reference: str = "R-1", pickup: date = date(2026, 12, 10)) -> Seeded:
    readings = READINGS
    with ctx.sessions.begin() as s:
        d = repo.create_dossier(s, reference=reference, pickup_date=pickup, as_of=TODAY, actor="admin")
        page_ids = []
        for n, r in enumerate(readings, 1):
            original = _original_scan(n)  # kept in the file store, as an upload is: approval files it
            sha = ctx.store.put_bytes(original, "jpg")
            repo.add_file(
                s, d.id, name=f"{n}-{r.doc_type}.jpg", sha256=sha, kind="jpeg", size=len(original),
                page_count=1,
            )  # fmt: skip
            page_id = repo.page_ids(s, d.id)[-1]
            repo.save_page_reading(s, page_id, r)
            page_ids.append(page_id)
        check_and_save(s, d.id, ctx.rules, as_of=d.as_of, notice=NoticePolicy.KEEP_OR_START)
        repo.set_status(s, d.id, DossierStatus.AWAITING_REVIEW)
        field_ids = {}
        for r, page_id in zip(readings, page_ids, strict=True):
            for row in s.get_one(Page, page_id).fields:
                field_ids[f"{r.doc_type}.{row.name}"] = row.id
        dossier_id = d.id
    for page_id in page_ids:
        target = page_image_path(ctx.settings, dossier_id, page_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1240, 1754), "white").save(target, format="JPEG")
    return Seeded(dossier_id, page_ids, field_ids)


@functools.cache
def _original_scan(n: int) -> bytes:
    """A small JPEG standing in for the n-th original scan (distinct per n: uploads are stored by content)."""
    out = io.BytesIO()
    Image.new("RGB", (124 + n, 175), "white").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    context = make_context(tmp_path)
    with context.sessions.begin() as s:
        s.add_all(User(name=role.value, password_hash=_password_hash(), role=role) for role in Role)
    return context


@functools.cache
def _password_hash() -> str:
    """Hashing is deliberately slow: hash the shared test password once per run."""
    return generate_password_hash(PASSWORD)


@pytest.fixture
def started() -> list[str]:
    return []


@pytest.fixture
def app(ctx: Context, started: list[str]) -> Flask:
    return create_app(
        ctx, start_reading=lambda _ctx, dossier_id: started.append(dossier_id), today=lambda: TODAY
    )


@pytest.fixture
def seeded(ctx: Context) -> Seeded:
    return seed_dossier(ctx)


@pytest.fixture
def login(app: Flask) -> Callable[[str], FlaskClient]:
    """A signed-in test client for a role (the CSRF token is taken from the sign-in form)."""

    def sign_in(role: str) -> FlaskClient:
        client = app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"name": role, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


def csrf_of(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
