"""Level-1 data at rest (issue 12): after a dossier is read, corrected and archived, no bank account, ID
number or consignee phone is in clear in the database file (its WAL included) nor in any file of the data
dir — not as UTF-8, UTF-16 or with its printed spaces; searching the full account still finds the customer;
`dossier keys rotate` onto a new key keeps every value, after which the old key can be dropped and the audit
chain and the archive still verify.

The dossier is registered from real uploads and read without OCR (the readings the reader would return),
as tests/storage/maintenance_kit.py does; the originals and page images are real files in the data dir.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from sqlalchemy import select

from intake.cli import ExitCode, main
from intake.identifiers.codes import id_check_char, uscc_check_char
from intake.lifecycle.audit import verify_audit_chain
from intake.lifecycle.context import Context, data_ring, open_context
from intake.lifecycle.filing import verify_archive
from intake.lifecycle.finishing import finish_dossier
from intake.lifecycle.keys import key_status, rotate_keys
from intake.lifecycle.reading import claim, save_read_page
from intake.lifecycle.register import register_uploads
from intake.lifecycle.review import (
    correct_field,
    page_image_data,
)
from intake.settings import Settings
from ocr.types import DocType
from storage import repository as repo
from storage import search
from storage.crypto import CLEAR, FILE_MAGIC, CryptoError, generate_key
from storage.models import Customer, Field, Page
from storage.sealed_files import read_file
from tests.intake.test_lifecycle_customers import archive_overriding_blockers
from tests.storage.builders import bank_permit, reading
from tests.workers.pages import tiny_page

RECEIVED = date(2026, 11, 20)
NAME = "杭州明达贸易有限公司"
TAX = "91330100MA2AB3C4D" + uscc_check_char("91330100MA2AB3C4D")
ACCOUNT = "6222020200112233445"
MISREAD = "6222020200112233999"  # the form's reading, corrected to ACCOUNT by the reviewer
ID_NUMBER = "11010119900307123" + id_check_char("11010119900307123")
PHONE = "13912345678"
SECRETS = (ACCOUNT, MISREAD, ID_NUMBER, PHONE)


def _readings() -> list:  # type: ignore[type-arg]
    return [
        reading(DocType.BUSINESS_LICENSE, {"customer_name": (NAME, 0.97), "tax_id": (TAX, 0.95)}),
        bank_permit(NAME, ACCOUNT),
        reading(
            DocType.APPLICATION_FORM,
            {
                "customer_name": (NAME, 0.95),
                "bank_name": ("中国工商银行杭州分行", 0.93),
                "bank_account": (MISREAD, 0.71),
                "consignee_name": ("张三", 0.9),
                "consignee_phone": (PHONE, 0.9),
            },
        ),
        reading(
            DocType.CONSIGNEE_ID, {"consignee_name": ("张三", 0.9), "consignee_id_number": (ID_NUMBER, 0.9)}
        ),
    ]


def _settings(data_dir: Path, *keys: str) -> Settings:
    return Settings.for_data_dir(data_dir, data_keys=",".join(keys) if keys else None)


def _archived(ctx: Context, folder: Path) -> str:
    """Upload, read (readings as the reader returns them), correct the misread account, approve."""
    folder.mkdir(parents=True, exist_ok=True)
    readings = _readings()
    pages = [tiny_page(folder / f"p{n}.png", f"第{n}页") for n in range(len(readings))]
    uploads = [(p.name, io.BytesIO(p.read_bytes())) for p in pages]
    dossier_id = register_uploads(ctx, uploads, as_of=RECEIVED, pickup_date=date(2026, 12, 10), actor="admin")
    with ctx.sessions() as s:
        page_ids = repo.page_ids(s, dossier_id)
    for page_id, page_reading in zip(page_ids, readings, strict=True):  # what a worker saves, image included
        claimed = claim(ctx, page_id)
        assert claimed is not None
        save_read_page(ctx, claimed, page_reading, np.full((175, 124, 3), 255, dtype=np.uint8))
    finish_dossier(ctx, dossier_id)  # what the finish step does: index, record, checks, to review
    with ctx.sessions() as s:
        rows = s.execute(select(Field.id, Field.value).where(Field.dossier_id == dossier_id)).all()
        misread = next(field_id for field_id, value in rows if value == MISREAD)  # sealed: no SQL equality
    correct_field(ctx, misread, ACCOUNT, actor="reviewer", reason=f"原为 {MISREAD}，按开户许可证更正")
    archive_overriding_blockers(ctx, dossier_id, RECEIVED, reason=f"原件已核对 {ID_NUMBER}")
    return dossier_id


def _forms(secret: str) -> list[bytes]:
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    out = []
    for text in (secret, spaced):
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return out


def _leaks(data_dir: Path) -> list[str]:
    """Every (file, secret) where the secret is readable in the file's raw bytes."""
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        squeezed = raw.replace(b" ", b"").replace(b"\x00", b"")
        for secret in SECRETS:
            if any(form in raw for form in _forms(secret)) or secret.encode() in squeezed:
                found.append(f"{path.relative_to(data_dir)}: {secret}")
    return found


def _values(ctx: Context) -> dict[str, object]:
    with ctx.sessions() as s:
        return {
            "fields": sorted((f.name, f.value, f.raw) for f in s.scalars(select(Field))),
            "customers": [c.values for c in s.scalars(select(Customer))],
            "lines": [p.lines for p in s.scalars(select(Page).order_by(Page.id))],
        }


def _found(ctx: Context, query: str) -> set[str]:
    with ctx.sessions() as s:
        return {h.kind for h in search.search(s, query).hits}


def test_nothing_level1_in_clear_in_the_database_and_search_still_finds_the_account(tmp_path: Path) -> None:
    ctx = open_context(_settings(tmp_path / "data"))
    _archived(ctx, tmp_path / "scans")
    with ctx.sessions() as s:  # the values read back in clear through the ORM
        customer = s.scalars(select(Customer)).one()
        assert customer.values["bank_account"] == ACCOUNT
    assert {"customer", "dossier", "page"} <= _found(ctx, ACCOUNT)
    assert "customer" in _found(ctx, "6222 0202 0011 2233 445")
    assert "page" in _found(ctx, ID_NUMBER)
    assert _found(ctx, NAME)  # names stay searchable
    with ctx.sessions() as s:  # a snippet shows the number searched for, any other as ［已加密号码］
        by_account = [h.snippet for h in search.search(s, ACCOUNT).hits]
        by_id = [h.snippet for h in search.search(s, ID_NUMBER).hits]
    assert any(ACCOUNT in text for text in by_account) and not any("L1H" in t for t in by_account + by_id)
    assert not any(ACCOUNT in text for text in by_id)
    db_files = [p.name for p in ctx.settings.data_dir.glob("dossier.db*")]
    assert "dossier.db" in db_files
    assert _leaks(ctx.settings.data_dir) == []
    images = sorted((ctx.settings.data_dir / "pages").rglob("*.jpg"))
    assert images and all(p.read_bytes().startswith(FILE_MAGIC) for p in images)  # sealed on disk
    originals = [p for p in ctx.settings.files_dir.glob("??/??/*") if p.is_file()]
    assert originals and all(p.read_bytes().startswith(FILE_MAGIC) for p in originals)
    assert all(ctx.store.verify(p.name.split(".")[0]) for p in originals)
    filed = [p for p in (ctx.settings.data_dir / "archive").rglob("*") if p.is_file()]
    pdfs = [p for p in filed if p.suffix == ".pdf"]
    assert pdfs and all(p.read_bytes().startswith(FILE_MAGIC) for p in filed if not p.name.endswith(".json"))
    clear_text = ""
    for pdf in pdfs:  # opened with the key, the filed PDFs do carry the numbers: sealing them matters
        with pdfplumber.open(io.BytesIO(read_file(pdf, data_ring(ctx)))) as doc:
            clear_text += "".join(page.extract_text() or "" for page in doc.pages)
    assert ACCOUNT in clear_text.replace(" ", "")
    with ctx.sessions() as s:
        page = s.scalars(select(Page).order_by(Page.id)).first()
        assert page is not None
    shown = page_image_data(ctx, page.dossier_id, page.id)  # what the image route sends
    assert shown is not None and shown.startswith(b"\xff\xd8")  # a JPEG again


def test_rotation_onto_a_new_key_round_trips_and_the_old_key_can_go(tmp_path: Path) -> None:
    old, new = generate_key(), generate_key()
    data_dir = tmp_path / "data"
    ctx = open_context(_settings(data_dir, old))
    _archived(ctx, tmp_path / "scans")
    before = _values(ctx)
    old_id = key_status(ctx).current

    both = open_context(_settings(data_dir, new, old))
    assert both.sessions.kw["bind"] is not ctx.sessions.kw["bind"]
    done = rotate_keys(both, actor="admin")
    assert done.rows > 0 and done.current != old_id
    assert rotate_keys(both, actor="admin").rows == 0  # idempotent: nothing left to re-seal

    only_new = open_context(_settings(data_dir, new))
    assert _values(only_new) == before
    status = key_status(only_new)
    assert set(status.totals()) == {done.current}
    assert verify_audit_chain(only_new).intact
    checked = verify_archive(only_new)
    assert checked.documents > 0 and checked.damaged == 0, checked.problems
    assert "customer" in _found(only_new, ACCOUNT)
    assert set(status.files) == {done.current} and done.files == sum(status.files.values())
    with pytest.raises(CryptoError, match="密钥"):  # the old key alone no longer opens anything
        _values(open_context(_settings(data_dir, old)))


def test_legacy_clear_rows_still_read_and_rotation_seals_them(tmp_path: Path) -> None:
    from storage.crypto import attach

    data_dir = tmp_path / "data"
    key = generate_key()
    ctx = open_context(_settings(data_dir, key))
    attach(ctx.sessions.kw["bind"], None)  # as before encryption: values and files written in clear
    ctx.store.ring = None
    _archived(ctx, tmp_path / "scans")
    sealed = open_context(_settings(data_dir, key))
    before = _values(sealed)
    assert set(key_status(sealed).totals()) == {CLEAR}
    rotate_keys(sealed, actor="admin")
    assert set(key_status(sealed).totals()) == {key_status(sealed).current}
    assert _values(sealed) == before
    assert verify_audit_chain(sealed).intact
    assert [leak for leak in _leaks(data_dir) if leak.startswith("dossier.db")] == []
    assert set(key_status(sealed).files) == {key_status(sealed).current}  # the clear page images too


def test_the_default_key_is_made_once_private_and_the_cli_reports_and_rotates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    ctx = open_context(_settings(data_dir))
    key_file = data_dir / "work" / "data_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(key_file.read_text().strip())) == 32
    _archived(ctx, tmp_path / "scans")
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DOSSIER_DATA_KEYS", raising=False)
    assert main(["keys", "status"]) == 0
    assert "当前密钥" in capsys.readouterr().out
    new_file = tmp_path / "keys"
    new_file.write_text(generate_key() + "\n" + key_file.read_text())
    new_file.chmod(0o600)
    monkeypatch.setenv("DOSSIER_DATA_KEY_FILE", str(new_file))
    assert main(["keys", "rotate", "--batch", "3"]) == 0
    assert "重新加密" in capsys.readouterr().out
    assert main(["keys", "status"]) == 0
    assert "keys rotate" not in capsys.readouterr().out  # nothing left under the old key
    with pytest.raises(SystemExit) as refused:
        main(["keys", "rotate", "--batch", "0"])
    assert refused.value.code == 2
    assert "--batch 必须在" in capsys.readouterr().err


def test_a_malformed_or_wrong_key_is_a_chinese_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    _archived(open_context(_settings(data_dir, generate_key())), tmp_path / "scans")
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DOSSIER_DATA_KEYS", "not-a-key!")
    assert main(["keys", "status"]) == ExitCode.DATA_KEY
    assert "DOSSIER_DATA_KEYS" in capsys.readouterr().err
    monkeypatch.setenv("DOSSIER_DATA_KEYS", generate_key())  # a valid key, but not the one that sealed
    assert main(["ledger", "export", str(tmp_path / "台账.csv")]) == ExitCode.DATA_KEY
    assert "密钥环" in capsys.readouterr().err
