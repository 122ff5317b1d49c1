"""Checking the tamper-evident audit trail (storage.audit_chain): the whole chain, in one read transaction."""

from __future__ import annotations

from intake.lifecycle.context import Context
from storage.audit_chain import Broken, Verified, verify

__all__ = ["Broken", "Verified", "verify_audit_chain"]


def verify_audit_chain(ctx: Context) -> Verified:
    """Walk the chain from its first entry; the result names the first entry that does not match, if any."""
    with ctx.sessions() as s:
        return verify(s)
