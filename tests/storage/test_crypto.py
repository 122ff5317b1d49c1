"""storage/crypto.py: the key ring (AES-GCM with the key id in each value, legacy clear values, tampering,
malformed keys named in Chinese), the search tokens, and — on SQLite and PostgreSQL — sealed columns as
stored: an archived dossier's values are ciphertext in the database, read back in clear, and survive a
rotation onto a new key after which the old key can be dropped."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import JSON, Text, select, type_coerce

from intake.lifecycle.audit import verify_audit_chain
from intake.lifecycle.context import open_context
from intake.lifecycle.keys import key_status, rotate_keys
from intake.settings import Settings
from storage import search
from storage.crypto import (
    CLEAR,
    CryptoError,
    KeyRing,
    generate_key,
    load_ring,
    parse_keys,
    sealed_key_id,
)
from storage.db import make_engine
from storage.models import Customer, Field
from tests.review_ui.conftest import ACCOUNT, CONSIGNEE_ID
from tests.storage.maintenance_kit import SettingsFor, archived_dossier, settings_for

__all__ = ["settings_for"]  # the fixture, imported for pytest


def _ring(*keys: str) -> KeyRing:
    return KeyRing(parse_keys(",".join(keys), source="test"))


def test_a_value_round_trips_names_its_key_and_differs_each_time() -> None:
    ring = _ring(generate_key())
    first, second = ring.seal_text(ACCOUNT), ring.seal_text(ACCOUNT)
    assert first != second and ACCOUNT not in first  # random nonce: equal values do not look equal
    assert sealed_key_id(first) == ring.current_id
    assert ring.open_text(first) == ACCOUNT
    assert ring.open_bytes(ring.seal_bytes(b"\xff\xd8 jpeg")) == b"\xff\xd8 jpeg"


def test_legacy_clear_values_read_as_they_are() -> None:
    ring = _ring(generate_key())
    assert ring.open_text("杭州明达") == "杭州明达"
    assert sealed_key_id("杭州明达") == CLEAR
    assert ring.open_bytes(b"\xff\xd8 clear") == b"\xff\xd8 clear"


def test_an_old_key_still_opens_while_the_new_one_seals() -> None:
    old, new = generate_key(), generate_key()
    sealed_by_old = _ring(old).seal_text(CONSIGNEE_ID)
    both = _ring(new, old)
    assert both.open_text(sealed_by_old) == CONSIGNEE_ID
    assert sealed_key_id(both.seal_text(CONSIGNEE_ID)) == both.current_id != sealed_key_id(sealed_by_old)
    with pytest.raises(CryptoError, match="密钥环"):
        _ring(new).open_text(sealed_by_old)


def test_tampered_values_and_files_are_refused() -> None:
    ring = _ring(generate_key())
    head, _, payload = ring.seal_text(ACCOUNT).rpartition(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1  # one bit of the tag (a base64 letter may only touch padding bits)
    flipped = f"{head}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(CryptoError, match="解密失败"):
        ring.open_text(flipped)
    blob = bytearray(ring.seal_bytes(b"page"))
    blob[-1] ^= 1
    with pytest.raises(CryptoError, match="解密失败"):
        ring.open_bytes(bytes(blob), name="1.jpg")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "没有密钥"), ("not base64!", "base64"), (base64.b64encode(b"short").decode(), "长度为 5 字节")],
)
def test_malformed_keys_are_named_in_chinese(text: str, reason: str) -> None:
    with pytest.raises(CryptoError, match=reason) as refused:
        parse_keys(text, source="DOSSIER_DATA_KEYS")
    assert "DOSSIER_DATA_KEYS" in str(refused.value)


def test_a_key_file_is_read_and_a_missing_one_is_a_clear_error(tmp_path: Path) -> None:
    key = generate_key()
    (tmp_path / "keys").write_text(f"{key}\n")
    ring = load_ring(Settings.for_data_dir(tmp_path / "data", data_key_file=tmp_path / "keys"))
    assert ring.current_id == _ring(key).current_id
    with pytest.raises(CryptoError, match="无法读取数据密钥文件"):
        load_ring(Settings.for_data_dir(tmp_path / "data", data_key_file=tmp_path / "absent"))


def test_search_tokens_ignore_separators_and_depend_on_the_key() -> None:
    ring = _ring(generate_key())
    assert ring.blind("6222 0202-0011 2233 445") == ring.blind(ACCOUNT)
    assert ACCOUNT not in ring.blind(ACCOUNT)
    assert _ring(generate_key()).blind(ACCOUNT) != ring.blind(ACCOUNT)


def _stored_values(url: str) -> tuple[list[str], list[object]]:
    """fields.value and customers.values as the database holds them (no key ring on this engine)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            values = list(conn.scalars(select(type_coerce(Field.value, Text()))))
            customers = list(conn.scalars(select(type_coerce(Customer.values, JSON()))))
    finally:
        engine.dispose()
    return values, customers


def test_sealed_columns_on_both_backends_and_rotation(tmp_path: Path, settings_for: SettingsFor) -> None:
    old, new = generate_key(), generate_key()
    base = settings_for(tmp_path / "data")
    with_keys = lambda *keys: Settings.for_data_dir(  # noqa: E731
        base.data_dir, database_url=base.database_url, data_keys=",".join(keys)
    )
    ctx = open_context(with_keys(old))
    archived_dossier(ctx, tmp_path / "scans", "R-1")
    values, customers = _stored_values(base.database_url)
    assert values and all(sealed_key_id(v) == key_status(ctx).current for v in values)
    assert customers and all(isinstance(c, str) and ACCOUNT not in c for c in customers)  # one sealed string
    with ctx.sessions() as s:
        before = sorted(s.scalars(select(Field.value)))
        assert ACCOUNT in before
        assert {h.kind for h in search.search(s, ACCOUNT).hits} >= {"customer", "page"}

    rotated = rotate_keys(open_context(with_keys(new, old)), actor="admin")
    after = open_context(with_keys(new))
    assert set(key_status(after).totals()) == {rotated.current}
    with after.sessions() as s:
        assert sorted(s.scalars(select(Field.value))) == before
        assert "customer" in {h.kind for h in search.search(s, ACCOUNT).hits}
    assert verify_audit_chain(after).intact
