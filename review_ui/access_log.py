"""Access logging of unmasked level-1 data (issue 12, security standard 004): who saw which dossier's or
customer's bank accounts, ID numbers and tax numbers in clear, and when.

Written to the tamper-evident audit trail (storage.repository.audit_once / audit) with the entity seen and no
values at all: the log must not become a second copy of the data it watches. Staff see these values masked,
so their views are not logged. Two actions:
- `level1.viewed`: a page or an image shows the values (review page, page image, the API's dossier, a
  customer's page or history, search results quoting one). At most one event per user and object in
  ACCESS_WINDOW keeps the trail readable while a reviewer pages through images.
- `level1.downloaded`: a file carrying them leaves the server (history CSV, ledger, filed PDF, original
  scan). Every download is logged: each is a copy outside the archive.
Entities: `dossier:<id>`, `page:<id>`, `customer:<no>`, `customer_history:<no>`, `ledger:<format>`,
`archive_pdf:<no>/<document>`, `archive_original:<no>/<document>/<n>`, `search:<customer or dossier>,…`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask_login import current_user

from review_ui import actions
from storage import repository as repo
from storage.models import Role, utcnow

LEVEL1_VIEWED = "level1.viewed"
LEVEL1_DOWNLOADED = "level1.downloaded"
ACCESS_WINDOW = timedelta(minutes=5)
ENTITY_MAX = 200  # storage.models.AuditEvent.entity


def _logged() -> bool:
    """Only unmasked views count: staff get masked values, the anonymous get nothing."""
    return bool(current_user.is_authenticated and current_user.role != Role.STAFF)


def level1_viewed(entity: str, *, dossier_id: str | None = None) -> None:
    """Record that the signed-in user is being shown `entity`'s level-1 values unmasked (not for staff)."""
    if not _logged():
        return
    with actions.ctx().sessions.begin() as s:
        repo.audit_once(
            s,
            current_user.name,
            LEVEL1_VIEWED,
            entity=entity[:ENTITY_MAX],
            dossier_id=dossier_id,
            since=utcnow() - ACCESS_WINDOW,
        )


def level1_downloaded(entity: str, *, dossier_id: str | None = None) -> None:
    """Record a download of a file with level-1 values in clear (every time; not for staff's masked files)."""
    if not _logged():
        return
    with actions.ctx().sessions.begin() as s:
        repo.audit(s, current_user.name, LEVEL1_DOWNLOADED, entity=entity[:ENTITY_MAX], dossier_id=dossier_id)


def search_results_viewed(shown: Iterable[str]) -> None:
    """Search hits quoting a level-1 value, by customer number (else dossier id), in one event."""
    names = list(dict.fromkeys(name for name in shown if name))
    if names:
        level1_viewed("search:" + ",".join(names))
