"""The interface language: English msgids in code and templates, Chinese (zh_CN) in a .po file.

The compiled catalogue (.mo) is binary and not kept in the repository: it is compiled from the .po at app
start into the data directory's work area whenever it is missing or older than the .po.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def compile_catalogs(target: Path, source: Path = SOURCE_DIR) -> Path:
    """Compile every locale's .po under `source` into `target/<locale>/LC_MESSAGES`; returns `target`."""
    for po in source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        locale = po.parent.parent.name
        # Flask-Babel looks the catalogue up under the parsed locale's name (zh_CN → zh_Hans_CN).
        for name in {locale, str(Locale.parse(locale))}:
            _compile(po, target / name / "LC_MESSAGES" / f"{DOMAIN}.mo", locale)
    return target


def _compile(po: Path, mo: Path, locale: str) -> None:
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    mo.parent.mkdir(parents=True, exist_ok=True)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    tmp = mo.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog)
    tmp.replace(mo)
