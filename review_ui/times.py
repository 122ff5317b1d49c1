"""Times as the clerks read them: in the configured time zone (DOSSIER_TIMEZONE, default Asia/Shanghai).

The database keeps UTC (SQLite hands it back naive, PostgreSQL aware); every template prints a time through
the `local` filter installed here, never with strftime on the stored value, so one setting moves every page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"


def to_zone(at: datetime, zone: ZoneInfo) -> datetime:
    """A stored time (naive means UTC) in `zone`."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone)


def local(value: datetime | date | str | None, fmt: str = MINUTES) -> str:
    """The Jinja filter: a datetime in the app's zone as `fmt`; a date as YYYY-MM-DD; an ISO string parsed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if len(value) <= len("YYYY-MM-DD"):
            return value  # a calendar day has no zone
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return value.isoformat()
    zone: ZoneInfo = current_app.extensions["dossier_timezone"]
    return to_zone(value, zone).strftime(fmt)


def install(app: Flask, timezone: str) -> None:
    """`{{ at|local }}` (to the minute) or `{{ at|local(SECONDS) }}`; SECONDS/MINUTES are template globals."""
    app.extensions["dossier_timezone"] = ZoneInfo(timezone)
    app.add_template_filter(local, "local")
    app.jinja_env.globals.update(SECONDS=SECONDS, MINUTES=MINUTES)
