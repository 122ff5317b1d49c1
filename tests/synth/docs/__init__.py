"""Document templates, one renderer per contract doc_type; each returns pages plus per-page truth."""

from __future__ import annotations

from collections.abc import Callable

from tests.synth.docs.bank import render_bank_permit, render_passbook
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc
from tests.synth.docs.certs import render_business_license, render_tax_registration
from tests.synth.docs.contracts import render_distribution_contract, render_logistics_contract
from tests.synth.docs.forms import render_application_form, render_pos_binding, render_seal_card
from tests.synth.docs.idcard import render_consignee_id

RENDERERS: dict[str, Callable[[Ctx], RenderedDoc]] = {
    "business_license": render_business_license,
    "tax_registration": render_tax_registration,
    "bank_permit": render_bank_permit,
    "passbook": render_passbook,
    "seal_card": render_seal_card,
    "application_form": render_application_form,
    "distribution_contract": render_distribution_contract,
    "logistics_contract": render_logistics_contract,
    "consignee_id": render_consignee_id,
    "pos_binding": render_pos_binding,
}

__all__ = ["RENDERERS", "Ctx", "PageTruth", "RenderedDoc"]
