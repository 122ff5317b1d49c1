"""Access logging of unmasked level-1 data (issue 12, security standard 004): who saw which dossier's or
customer's bank accounts, ID numbers and tax numbers in clear, and when.

Written to the tamper-evident audit trail (storage.repository.audit_once) as action `level1.viewed` with the
entity seen (`dossier:<id>`, `page:<id>`, `customer:<no>`) and no values at all: the log must not become a
second copy of the data it watches. Staff see these values masked, so their views are not logged. At most one
event per user and object in ACCESS_WINDOW keeps the trail readable while a reviewer pages through images.
"""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user

from review_ui import actions
from storage import repository as repo
from storage.models import Role, utcnow

LEVEL1_VIEWED = "level1.viewed"
ACCESS_WINDOW = timedelta(minutes=5)


def level1_viewed(entity: str, *, dossier_id: str | None = None) -> None:
    """Record that the signed-in user is being shown `entity`'s level-1 values unmasked (not for staff)."""
    if not current_user.is_authenticated or current_user.role == Role.STAFF:
        return
    with actions.ctx().sessions.begin() as s:
        repo.audit_once(
            s,
            current_user.name,
            LEVEL1_VIEWED,
            entity=entity,
            dossier_id=dossier_id,
            since=utcnow() - ACCESS_WINDOW,
        )
