"""What every step of the lifecycle needs, built once per process at an entry point and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from intake.checks import DEFAULT_RULES, RulesConfig
from intake.files import Limits
from intake.settings import Settings
from ocr.engines import DEFAULT_ENGINE
from storage.crypto import KeyRing, attach, load_ring, ring_of
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore


@dataclass(frozen=True, slots=True)
class Context:
    """Where things are stored, which engine reads, which limits and rules apply."""

    settings: Settings
    sessions: sessionmaker[Session]
    store: FileStore
    engine: str = DEFAULT_ENGINE
    limits: Limits = field(default_factory=Limits)
    rules: RulesConfig = DEFAULT_RULES

    def __post_init__(self) -> None:
        """Level-1 data is sealed with the settings' data keys (storage/crypto.py) whoever built the context:
        its engine gets the ring unless it has one, so every process of one data dir uses the same keys."""
        engine = self.sessions.kw.get("bind")
        if engine is not None and ring_of(engine.dialect) is None:
            attach(engine, load_ring(self.settings))
        if engine is not None and self.store.ring is None:  # the originals are sealed with the same keys
            self.store.ring = ring_of(engine.dialect)


def open_context(settings: Settings, engine: str | None = None, *, upgrade: bool = True) -> Context:
    """Create the data directories, connect, and (`upgrade`) bring the schema up to date.

    `engine` overrides the settings' OCR engine (`dossier process --engine`). Worker processes pass
    upgrade=False: the command that starts them migrates once, before any runs.
    """
    settings.ensure_dirs()
    db = make_engine(settings.database_url)
    if upgrade:
        migrate(db)
    name = engine or settings.ocr_engine
    return Context(settings, make_session_factory(db), FileStore(settings.files_dir), engine=name)


def data_ring(ctx: Context) -> KeyRing | None:
    """The data keys of the context's database (storage/crypto.py): files are sealed with the same ring."""
    return ring_of(ctx.sessions.kw["bind"].dialect)


_per_process: dict[tuple[Settings, str], Context] = {}


def process_context(settings: Settings, engine: str | None = None) -> Context:
    """The context of a worker process, built on first use: one database pool and one engine per process."""
    key = (settings, engine or settings.ocr_engine)
    if key not in _per_process:
        _per_process[key] = open_context(settings, key[1], upgrade=False)
    return _per_process[key]
