"""One Chinese error page for the blueprints' refusals: the code, what was wrong, and where to go back to."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, url_for
from werkzeug.exceptions import HTTPException


def error_page(
    exc: HTTPException, back: Sequence[tuple[str, str]], message: str | None = None
) -> tuple[str, int]:
    """`back`: (endpoint, label) pairs offered as links; `message` replaces the exception's description."""
    links = [(url_for(endpoint), label) for endpoint, label in back]
    code = exc.code or 500
    text = message if message is not None else exc.description
    return render_template("error.html", code=code, message=text, back=links), code
