"""The security headers of every answer (issue 12): a strict Content-Security-Policy, no referrer, and no
caching of anything but the static assets.

Why these: the pages and the API show level-1 data (bank accounts, ID numbers, tax numbers) in clear to every
role but staff, so no shared or browser cache may keep a copy (`no-store, private`), no other site may frame
or script them, and no link may leak a dossier's URL to another origin. The templates carry no inline script,
no `on…=` handler and no style attribute (review_ui/static/app.js and app.css do all of it), which is what
lets the policy forbid inline code altogether; the review page's data travels in a
`<script type="application/json">` block, which browsers never execute, so the policy needs no exception.
"""

from __future__ import annotations

from flask import Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
NO_STORE = "private, no-store"  # the order the filing downloads already used; same meaning
CACHEABLE_ENDPOINTS = frozenset({"static", "api.openapi"})  # the app's own code and description: no data


def secure_headers(response: Response) -> Response:
    """Set the headers on one answer; one with data (any endpoint but the static ones) is never cached,
    which also replaces send_file's `public, max-age` on page images and downloads.
    """
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        headers["Cache-Control"] = NO_STORE
        headers["Pragma"] = "no-cache"
        headers.pop("Expires", None)
    return response
