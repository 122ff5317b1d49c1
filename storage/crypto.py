"""Level-1 data at rest (security standard 004): AES-GCM under a key ring, and keyed hashes for exact search.

Bank accounts, ID numbers and phones travel inside free text (OCR lines, findings, audit payloads, history),
so whole columns that may carry them are sealed, not single fields: `SealedText` and `SealedJSON` encrypt on
the way into the database and decrypt on the way out, transparently to the ORM and to Core selects of the
column. A sealed value names the key that sealed it (``enc1:<key id>:<base64 nonce+ciphertext>``), so several
keys can be live while `dossier keys rotate` moves everything onto the current one; a value without the prefix
is a legacy clear one and reads as it is (rotation seals it). Files on disk use the same keys with a binary
header (`seal_bytes`/`open_bytes`).

Search cannot match ciphertext, so a level-1 number is indexed as a keyed hash token (`KeyRing.blind`,
HMAC-SHA256 under a key derived from the current key): searching the full number finds it, a part of it does
not. Rotation rebuilds those tokens.

Where the ring comes from (intake.settings): DOSSIER_DATA_KEYS (comma-separated base64 keys, the first is
current), else DOSSIER_DATA_KEY_FILE (the same, one or more lines), else `work/data_key` in the data dir,
generated once (0600) — fine for a demo, but production keeps the key file on another volume than the data.
The ring belongs to an engine (`attach`): the type decorators find it through the engine's dialect, so two
data dirs in one process (tests, restore) never share a key. An engine without a ring (bare storage tests,
tools) writes clear values and reads clear ones; reading a sealed value there is a clear error.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import JSON, Dialect, Engine, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

from intake.settings import Settings

TEXT_PREFIX = "enc1:"
"""Start of a sealed text value: ``enc1:<key id>:<urlsafe base64 of nonce + ciphertext + tag>``."""
FILE_MAGIC = b"DOSSIER-ENC1\n"
"""Start of a sealed file: magic, 8 ASCII bytes of key id, 12 bytes nonce, ciphertext + tag."""
NONCE_BYTES = 12
KEY_ID_CHARS = 8
KEY_BYTES = (16, 24, 32)
CLEAR = "clear"
"""The 'key id' of a legacy value stored before encryption (counted by `dossier keys status`)."""
DEFAULT_KEY_FILE = "data_key"
_RING_ATTR = "dossier_key_ring"
_BLIND_INFO = b"dossier-intake search blind index v1"
_KEY_ID_INFO = b"dossier-intake key id v1"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－_]+")


class CryptoError(RuntimeError):
    """A key is missing, malformed or wrong, or a sealed value was tampered with (Chinese message)."""


def key_id(key: bytes) -> str:
    """A short public name of a key (not a secret: an HMAC of a constant under the key)."""
    return hmac.new(key, _KEY_ID_INFO, hashlib.sha256).hexdigest()[:KEY_ID_CHARS]


def generate_key() -> str:
    """A new random 256-bit key, base64 (what DOSSIER_DATA_KEYS and the key file hold)."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def parse_keys(text: str, *, source: str) -> list[bytes]:
    """Base64 keys separated by commas or lines; a Chinese error naming `source` for a malformed one."""
    keys: list[bytes] = []
    for number, part in enumerate(re.split(r"[,\s]+", text.strip()), start=1):
        if not part:
            continue
        try:
            key = base64.b64decode(part, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError(f"{source} 的第 {number} 个密钥不是有效的 base64：{exc}") from None
        if len(key) not in KEY_BYTES:
            raise CryptoError(f"{source} 的第 {number} 个密钥长度为 {len(key)} 字节，应为 16、24 或 32 字节")
        keys.append(key)
    if not keys:
        raise CryptoError(f"{source} 中没有密钥")
    return keys


class KeyRing:
    """The live data keys: the first seals, every one opens (values name their key)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise CryptoError("密钥环为空：至少需要一个数据密钥")
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self.current_id = key_id(keys[0])
        self.ids = tuple(dict.fromkeys(key_id(k) for k in keys))
        blind_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_BLIND_INFO).derive(keys[0])
        self._blind_key = blind_key

    def _aead(self, kid: str) -> AESGCM:
        aead = self._keys.get(kid)
        if aead is None:
            raise CryptoError(
                f"数据由密钥 {kid} 加密，但当前密钥环（{', '.join(self.ids)}）中没有它："
                "请在 DOSSIER_DATA_KEYS 或密钥文件中保留旧密钥，直到 dossier keys rotate 完成"
            )
        return aead

    # -- bytes (files) -------------------------------------------------------------------------------

    def seal_bytes(self, data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead(self.current_id).encrypt(nonce, data, FILE_MAGIC)
        return FILE_MAGIC + self.current_id.encode("ascii") + nonce + sealed

    def open_bytes(self, blob: bytes, *, name: str = "文件") -> bytes:
        """The clear bytes of a sealed file; a file without the header is a legacy clear one."""
        if not blob.startswith(FILE_MAGIC):
            return blob
        start = len(FILE_MAGIC)
        kid = blob[start : start + KEY_ID_CHARS].decode("ascii", "replace")
        nonce = blob[start + KEY_ID_CHARS : start + KEY_ID_CHARS + NONCE_BYTES]
        try:
            return self._aead(kid).decrypt(nonce, blob[start + KEY_ID_CHARS + NONCE_BYTES :], FILE_MAGIC)
        except InvalidTag:
            raise CryptoError(f"{name} 解密失败：内容被改动或密钥不符（密钥 {kid}）") from None

    # -- text (database values) -----------------------------------------------------------------------

    def seal_text(self, value: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead(self.current_id).encrypt(nonce, value.encode("utf-8"), None)
        return f"{TEXT_PREFIX}{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open_text(self, value: str) -> str:
        """The clear text of a sealed value; a value without the prefix is a legacy clear one."""
        if not is_sealed(value):
            return value
        kid, _, payload = value[len(TEXT_PREFIX) :].partition(":")
        try:
            raw = base64.urlsafe_b64decode(payload.encode("ascii"))
            return self._aead(kid).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise CryptoError(f"数据库中的加密值解密失败：内容被改动或密钥不符（密钥 {kid}）") from None

    # -- search ----------------------------------------------------------------------------------------

    def blind(self, value: str) -> str:
        """The search token of a level-1 number: the same for the same number (separators ignored)."""
        normal = _SEPARATORS.sub("", value).upper()
        digest = hmac.new(self._blind_key, normal.encode("utf-8"), hashlib.sha256).digest()
        return "L1H" + base64.b32encode(digest).decode("ascii")[:24]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX)


def sealed_key_id(value: object) -> str | None:
    """The key id a stored value is sealed under, CLEAR for a legacy clear value, None for no value."""
    if value is None:
        return None
    if is_sealed(value):
        return str(value)[len(TEXT_PREFIX) :].split(":", 1)[0]
    return CLEAR


def file_key_id(head: bytes) -> str:
    """The key id a file is sealed under (from its first bytes), or CLEAR."""
    if not head.startswith(FILE_MAGIC):
        return CLEAR
    return head[len(FILE_MAGIC) : len(FILE_MAGIC) + KEY_ID_CHARS].decode("ascii", "replace")


# ------------------------------------------------------------------------------------------ the key ring


def default_key_file(settings: Settings) -> Path:
    return settings.work_dir / DEFAULT_KEY_FILE


def _generate_key_file(path: Path) -> None:
    """Create the key file once, mode 0600: written whole to a temporary file, then linked under its name
    only if that name is free, so two processes starting together keep one key and never read half of it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".data_key-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(generate_key() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: its key is the key
            os.link(name, path)
    finally:
        Path(name).unlink()


def load_ring(settings: Settings) -> KeyRing:
    """The ring: DOSSIER_DATA_KEYS, else DOSSIER_DATA_KEY_FILE, else work/data_key (made once)."""
    if settings.data_keys:
        return KeyRing(parse_keys(settings.data_keys, source="DOSSIER_DATA_KEYS"))
    path = settings.data_key_file
    if path is None:
        path = default_key_file(settings)
        _generate_key_file(path)
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CryptoError(f"无法读取数据密钥文件 {path}：{exc}") from None
    return KeyRing(parse_keys(text, source=f"密钥文件 {path}"))


def attach(engine: Engine, ring: KeyRing | None) -> Engine:
    """Give an engine its key ring: its sealed columns encrypt and decrypt with it from now on."""
    setattr(engine.dialect, _RING_ATTR, ring)
    return engine


def ring_of(dialect: Dialect) -> KeyRing | None:
    """The ring attached to an engine (through its dialect), or None: clear values only."""
    return getattr(dialect, _RING_ATTR, None)


def _open(dialect: Dialect, value: str) -> str:
    if not is_sealed(value):
        return value
    ring = ring_of(dialect)
    if ring is None:
        raise CryptoError("数据库中的值已加密，但此连接没有数据密钥（请通过 Settings 打开数据库）")
    return ring.open_text(value)


# ------------------------------------------------------------------------------------ column types


class SealedText(TypeDecorator[str]):
    """A text column encrypted at rest (AES-GCM under the engine's current key)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        ring = ring_of(dialect)
        if value is None or ring is None:
            return value
        return ring.seal_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _open(dialect, value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON column encrypted at rest: the sealed JSON text is stored as one JSON string, so the column
    keeps its type (JSON on SQLite, JSONB on PostgreSQL; no migration) and legacy clear rows still read."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        ring = ring_of(dialect)
        if value is None or ring is None:
            return value
        return ring.seal_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if is_sealed(value):
            return json.loads(_open(dialect, value))
        return value
