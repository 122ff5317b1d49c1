"""Where Dossier Intake keeps its data: the data directory and the database URL, read from the environment.

Nothing here reads `os.environ` at import time; callers build a `Settings` once (CLI start, worker boot, app
factory) and pass it on.

- `DOSSIER_DATA_DIR`: holds `dossier.db` (the default SQLite database), `files/` (the content-addressed file
  store) and `work/` (scratch space). Default: `./data`, relative to the working directory, so that a first
  run of the CLI keeps everything next to where it was started and nothing is hidden in the home directory.
- `DOSSIER_DATABASE_URL`: any SQLAlchemy URL, e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/dossier`.
  Default: `sqlite:///<data dir>/dossier.db`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        data_dir = Path(environ.get("DOSSIER_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().absolute()
        url = environ.get("DOSSIER_DATABASE_URL") or sqlite_url(data_dir / "dossier.db")
        return cls(data_dir=data_dir, database_url=url)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "dossier.db"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    def ensure_dirs(self) -> None:
        """Create the data directory tree; called by entry points, never on import."""
        for path in (self.data_dir, self.files_dir, self.work_dir):
            path.mkdir(parents=True, exist_ok=True)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
