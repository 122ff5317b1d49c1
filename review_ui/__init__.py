"""The review UI: a Flask app where reviewers check and correct dossiers and staff watch the deadlines.

`create_app(ctx)` builds the app around the lifecycle's Context (database, file store, rules); `dossier serve`
runs it. Server-rendered Jinja pages in Chinese (Flask-Babel), light vanilla JavaScript, and a JSON API
(/api/..., described in static/openapi.json) over the same operations.
"""

from review_ui.app import create_app

__all__ = ["create_app"]
