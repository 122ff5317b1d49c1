"""The request's view of the application: its Context, its day, and an upload registered then read.

The pages and the API call intake.lifecycle with `ctx()`; only the upload needs this layer's runner too
(app.extensions["dossier"]["start_reading"]: the embedded thread or Celery, see review_ui.jobs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, BinaryIO

from flask import current_app

from intake.lifecycle.context import Context
from intake.lifecycle.register import register_uploads


def ctx() -> Context:
    context: Context = current_app.extensions["dossier"]["ctx"]
    return context


def today() -> date:
    day: date = current_app.extensions["dossier"]["today"]()
    return day


def store_upload(
    uploads: Iterable[tuple[str, BinaryIO]],
    *,
    reference: str | None,
    pickup_date: date | None,
    actor: str,
) -> str:
    """Register the uploaded files as a new dossier received today and start reading it; returns its id."""
    c = ctx()
    dossier_id = register_uploads(
        c, uploads, as_of=today(), pickup_date=pickup_date, reference=reference, actor=actor
    )
    current_app.extensions["dossier"]["start_reading"](c, dossier_id)
    return dossier_id


def unreadable_upload(rejected: Iterable[Mapping[str, Any]]) -> str:
    """What to say when not one uploaded file could be read: plainly, with each file's reason."""
    reasons = "；".join(f"{r['file']}：{r['reason']}" for r in rejected)
    return f"上传的文件都无法读取，需要重新上传。{reasons}" if reasons else "没有可读取的文件，需要重新上传。"
