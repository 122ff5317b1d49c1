"""Every document type renders with the fields the contract names, values as the identity holds them."""

import random
from datetime import date

import numpy as np
import pytest

from tests.synth import fonts, render_document
from tests.synth.docs import RENDERERS, Ctx
from tests.synth.identity import make_identity
from tests.synth.page import TextOp, render

AS_OF = date(2025, 9, 1)
REQUIRED = {
    "business_license": {"customer_name", "tax_id", "legal_representative", "address", "established",
                         "license_type"},
    "tax_registration": {"customer_name", "tax_id", "legal_representative", "address"},
    "bank_permit": {"account_holder", "approval_no", "bank_name", "bank_account"},
    "passbook": {"account_holder", "bank_name", "bank_account"},
    "seal_card": {"customer_name"},
    "application_form": {"customer_name", "tax_id", "tax_address", "tax_phone", "bank_name", "bank_account",
                         "business_type", "contact_name", "contact_phone", "receiving_address", "pickup_date",
                         "legal_representative"},
    "consignee_id": {"consignee_name", "consignee_id_number", "id_valid_from", "id_valid_to",
                     "consignee_phone", "receiving_time"},
    "pos_binding": {"customer_name", "bank_account"},
}  # fmt: skip


def _fields(doc) -> dict[str, str]:
    merged: dict[str, str] = {}
    for t in doc.truth:
        merged.update(t.fields)
    return merged


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("doc_type", sorted(RENDERERS))
def test_document_carries_its_fields_and_they_equal_the_identity(doc_type: str, seed: int) -> None:
    rng = random.Random(seed)
    who = make_identity(rng, AS_OF, sole_trader=doc_type == "passbook" or None)
    who.pickup_date = date(2025, 9, 30)
    doc = RENDERERS[doc_type](Ctx(who, random.Random(seed + 100), as_of=AS_OF))
    fields = _fields(doc)
    assert REQUIRED.get(doc_type, set()) <= set(fields), (doc.template, set(fields))
    assert all(p.width in (1654, 2339) for p in doc.pages)
    for name in ("customer_name", "tax_id", "bank_name", "bank_account", "tax_address", "tax_phone"):
        if name in fields:
            assert fields[name] == getattr(who, name).strip(), name
    if "account_holder" in fields:
        assert fields["account_holder"] == who.account_holder
    if doc_type == "business_license":
        assert fields["address"] == who.address
        if who.valid_to is not None and "valid_to" in fields:
            assert fields["valid_to"] == (
                who.valid_to if who.valid_to == "long_term" else who.valid_to.isoformat()
            )
    if doc_type == "application_form":
        assert fields["pickup_date"] == "2025-09-30"


def test_contract_pages_and_seals() -> None:
    rng = random.Random(5)
    who = make_identity(rng, AS_OF)
    dist = RENDERERS["distribution_contract"](Ctx(who, rng, as_of=AS_OF))
    logi = RENDERERS["logistics_contract"](Ctx(who, rng, as_of=AS_OF))
    assert 2 <= len(dist.pages) <= 3 and len(logi.pages) == 2
    assert dist.truth[0].fields["customer_name"] == who.customer_name
    assert dist.truth[-1].fields["signing_date"] == who.signing_date.isoformat()
    assert len(dist.truth[-1].seals) >= 2 and not dist.truth[0].seals
    receiving = [s for s in logi.truth[-1].seals if s.kind == "receiving"]
    assert receiving == who.receiving_seals
    assert logi.truth[0].fields["receiving_address"] == who.receiving_address


def test_seal_card_shows_every_reserved_seal() -> None:
    for seed in range(5):
        rng = random.Random(seed)
        who = make_identity(rng, AS_OF)
        card = RENDERERS["seal_card"](Ctx(who, rng, as_of=AS_OF))
        assert card.truth[0].seals == who.seals


def test_render_document_returns_images_and_truth() -> None:
    images, truth = render_document("consignee_id", 7, degrade=0.8)
    assert len(images) == len(truth["pages"]) == 1
    page = truth["pages"][0]
    assert page["doc_type"] == "consignee_id" and page["seals"] == ["receiving"]
    if page["rotation"] in (90, 270):
        assert images[0].width > images[0].height
    clean, _ = render_document("consignee_id", 7)
    assert clean[0].size == (1654, 2339)


def test_rendering_is_fast_and_deterministic() -> None:
    a, ta = render_document("application_form", 3, degrade=0.5)
    b, tb = render_document("application_form", 3, degrade=0.5)
    assert ta == tb and a[0].tobytes() == b[0].tobytes()


def test_pages_render_to_non_blank_images() -> None:
    rng = random.Random(1)
    who = make_identity(rng, AS_OF)
    who.pickup_date = date(2025, 10, 1)
    img = render(RENDERERS["business_license"](Ctx(who, rng, as_of=AS_OF)).pages[0]).convert("L")
    lo, hi = img.getextrema()
    assert lo < 60 and hi > 240
    assert int((np.asarray(img) < 128).sum()) > 5000


@pytest.mark.parametrize("doc_type", sorted(RENDERERS))
def test_everything_printed_stays_on_the_page(doc_type: str) -> None:
    for seed in range(8):
        rng = random.Random(seed)
        who = make_identity(rng, AS_OF, sole_trader=doc_type == "passbook" or None)
        who.pickup_date = date(2025, 10, 1)
        doc = RENDERERS[doc_type](Ctx(who, random.Random(seed), as_of=AS_OF))
        for page in doc.pages:
            for op in page.ops:
                if isinstance(op, TextOp):
                    width = fonts.text_width(op.s, op.face, op.size)
                    x0 = op.x - (width / 2 if op.anchor == "ms" else width if op.anchor == "rs" else 0)
                    assert 30 <= op.y <= page.height - 30, (doc.template, op.s, op.y)
                    assert x0 >= 30 and x0 + width <= page.width - 30, (doc.template, op.s, x0, width)
