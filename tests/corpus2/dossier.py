"""One dossier: draw the customer, pick documents and layouts, maybe inject one defect, scan or e-sign the
pages, pack them into the files a customer would send, and write truth.json beside them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from tests.corpus2 import defects, ids, mess
from tests.corpus2.docs import bank, certs, contracts, forms, idcard
from tests.corpus2.docs.common import Ctx, Draft
from tests.corpus2.identity import Identity, make_identity
from tests.corpus2.seals import Seal
from tests.corpus2.sheet import Stamp, render, write_pdf

DEGRADE_SHARE = 0.6
DEFECT_SHARE = 0.4
DPIS = (180.0, 200.0, 200.0)  # scanner settings; tests lower them to stay fast


@dataclass(slots=True)
class Scanned:
    draft: Draft
    image: Image.Image | None
    state: mess.Mess


def _reserved_seals(rng: random.Random, who: Identity) -> list[Seal]:
    out = [Seal("company", who.name)]
    labels = {"finance": "财务专用章", "invoice": "发票专用章", "contract": "合同专用章"}
    for kind in who.extra_seals:
        shape = "oval" if kind == "invoice" or (kind == "finance" and rng.random() < 0.3) else "round"
        number = who.tax_id if kind == "invoice" else ""
        out.append(Seal(kind, who.name, labels[kind], number=number, shape=shape))
    out.append(Seal("personal", who.rep.name, shape="square"))
    if who.receiving_seals == 1:
        out.append(Seal("receiving", who.name, "收货专用章"))
    else:
        out += [Seal("receiving", who.name, f"收货专用章（{i}）") for i in (1, 2)]
    return out


def _form_values(who: Identity) -> dict[str, str]:
    return {
        "customer_name": who.name,
        "tax_id": who.tax_id,
        "tax_address": who.address,
        "tax_phone": who.phone,
        "bank_name": who.bank_name,
        "bank_account": who.bank_account,
        "business_type": "个体工商户" if who.sole_trader else "企业",
        "contact_name": who.contact.name,
        "contact_phone": who.contact_phone,
        "receiving_address": who.receiving_address,
        "legal_representative": who.rep.name,
    }


def _inject(rule: str, rng: random.Random, ctx: Ctx) -> tuple[str, str | None]:
    """Change what one document prints; return the defect's detail and a dropped doc type if any."""
    who, f = ctx.who, ctx.form
    if rule == "name_mismatch":
        f["customer_name"] = defects.other_name(rng, who.name)
        return f"form name {f['customer_name']} vs certificate {who.name}", None
    if rule == "tax_id_mismatch":
        f["tax_id"] = defects.other_tax_id(rng, who.tax_id)
        return f"form tax id {f['tax_id']} vs certificate {who.tax_id}", None
    if rule == "bank_account_mismatch":
        f["bank_account"] = defects.other_account(rng, who.bank_account)
        return f"form account {f['bank_account']} vs {who.bank_account}", None
    if rule == "bank_name_mismatch":
        f["bank_name"] = defects.other_branch(rng, who.bank_name)
        return f"form bank {f['bank_name']} vs {who.bank_name}", None
    if rule == "address_mismatch":
        f["tax_address"] = defects.other_house(rng, who.address)
        return f"form address {f['tax_address']} vs {who.address}", None
    if rule == "phone_invalid":
        f["tax_phone"] = defects.spoil_phone(rng, who)
        return f"tax phone {f['tax_phone']}", None
    if rule == "certificate_expired":
        return f"licence valid to {who.valid_to}", None
    if rule == "seal_mismatch":
        ctx.contract_receiving, detail = defects.mismatched_receiving(rng, ctx.seals, who)
        return detail, None
    if rule == "consignee_id_invalid":
        ctx.consignee_id = ids.spoil_ric(ctx.consignee_id)
        return f"consignee id {ctx.consignee_id} fails its check character", None
    dropped = rng.choice(("seal_card", "consignee_id"))
    return f"{dropped} not sent", dropped


def _scan(draft: Draft, rng: random.Random, degrade: bool) -> Scanned:
    dpi = rng.choice(DPIS)
    img = render(draft.sheet, dpi, seed=rng.randrange(1 << 30))
    recipe = rng.choice(mess.RECIPES) if degrade else "clean"
    img, state = mess.degrade(img, rng, dpi, recipe)
    return Scanned(draft, img, state)


def _page_truth(n: int, sc: Scanned, text_layer: bool) -> dict[str, Any]:
    d = sc.draft
    return {
        "page": n,
        "doc_type": d.doc_type,
        "degraded": sc.state.degraded and not text_layer,
        "text_layer": text_layer,
        "fields": dict(d.fields),
        "seals": d.seals,
        "rotation": 0 if text_layer else sc.state.rotation,
        "effects": [] if text_layer else sc.state.effects,
        "handwritten": d.hand,
    }


def _save_images(path: Path, pages: list[Scanned], fmt: str) -> None:
    imgs = [p.image for p in pages if p.image is not None]
    if fmt == "jpg":
        imgs[0].convert("RGB").save(
            path, "JPEG", quality=pages[0].state.jpeg_quality if pages[0].state.degraded else 88
        )
    elif fmt == "png":
        imgs[0].save(path, "PNG", compress_level=3)
    elif fmt == "tif":
        conv = [im if im.mode == "1" else im.convert("RGB") for im in imgs]
        comp = "group4" if all(im.mode == "1" for im in conv) else "tiff_lzw"
        conv[0].save(path, "TIFF", save_all=True, append_images=conv[1:], compression=comp, dpi=(200, 200))
    else:
        conv = [im.convert("L") if im.mode == "1" else im.convert("RGB") for im in imgs]
        conv[0].save(path, "PDF", save_all=True, append_images=conv[1:], resolution=200.0)


def _write_file(folder: Path, name: str, pages: list[Scanned], fmt: str) -> dict[str, Any]:
    path = folder / name
    if fmt == "pdf_text":
        sheets = [p.draft.sheet for p in pages]
        path.write_bytes(write_pdf(sheets, name))
        return {"file": name, "pages": [_page_truth(i + 1, p, True) for i, p in enumerate(pages)]}
    if fmt in ("jpg", "png") and pages[0].state.bilevel:
        fmt = "png"
        path = path.with_suffix(".png")
        name = path.name
    _save_images(path, pages, fmt)
    return {"file": name, "pages": [_page_truth(i + 1, p, False) for i, p in enumerate(pages)]}


def _single_name(rng: random.Random, doc_type: str, k: int) -> str:
    human = {
        "business_license": ("营业执照", "执照副本", "营业执照复印件"),
        "tax_registration": ("税务登记证", "税务登记证副本"),
        "bank_permit": ("开户许可证", "基本户信息", "银行开户"),
        "passbook": ("存折复印件", "银行卡"),
        "seal_card": ("印鉴卡", "预留印鉴"),
        "application_form": ("建档申请表", "申请表"),
        "consignee_id": ("收货人身份证", "身份证复印件"),
    }[doc_type]
    r = rng.random()
    if r < 0.3:
        return f"IMG_{20250000 + rng.randrange(10000, 99999)}_{k:02d}"
    if r < 0.45:
        return f"scan{k:04d}"
    return rng.choice(human)


def _as_of(rng: random.Random) -> date:
    return date(2025, 3, 1) + timedelta(days=rng.randrange(0, 480))


def make_dossier(folder: Path, seed: int, name: str) -> dict[str, Any]:
    """Write one dossier into `folder` and return its truth (also written as truth.json)."""
    rng = random.Random(seed)
    as_of = _as_of(rng)
    pickup = as_of + timedelta(days=rng.randrange(8, 30))
    sole = rng.random() < 0.35
    legacy = sole and rng.random() < 0.5
    who = make_identity(rng, as_of, sole, legacy)
    rule = defects.pick_rule(rng, who) if rng.random() < DEFECT_SHARE else None
    if rule == "certificate_expired":
        who = defects.expire(rng, who, as_of)
    seals = _reserved_seals(rng, who)
    ctx = Ctx(
        rng=rng,
        who=who,
        as_of=as_of,
        pickup=pickup,
        form=_form_values(who),
        seals=seals,
        contract_receiving=[s for s in seals if s.kind == "receiving"],
        consignee_id=who.consignee.id_number,
        signing=as_of - timedelta(days=rng.randrange(1, 20)),
        authority=f"{who.city}{rng.choice(('市场监督管理局', '行政审批局'))}",
    )
    found: list[dict[str, str]] = []
    dropped = None
    if rule:
        detail, dropped = _inject(rule, rng, ctx)
        found.append({"rule": rule, "detail": detail})

    if who.legacy_cert:
        cert, certificate = certs.tax_registration(ctx), "tax_registration"
    elif who.sole_trader:
        cert, certificate = certs.licence_landscape(ctx, sole=True), "business_license"
    else:
        layout = rng.choice((certs.licence_table, certs.licence_landscape))
        cert, certificate = layout(ctx), "business_license"
    if who.passbook:
        proof, bank_proof = bank.passbook(ctx), "passbook"
    elif who.account_opened.year >= 2019 or rng.random() < 0.3:
        proof, bank_proof = bank.basic_info(ctx), "basic_info"
    else:
        proof, bank_proof = bank.permit(ctx), "permit"
    singles: list[Draft] = [cert, proof, rng.choice((forms.form_grid, forms.form_lines))(ctx)]
    if dropped != "seal_card":
        singles.append(forms.seal_card(ctx))
    if dropped != "consignee_id":
        singles.append(idcard.consignee_copy(ctx))
    dist, logi = contracts.distribution(ctx), contracts.logistics(ctx)

    files: list[dict[str, Any]] = []
    folder.mkdir(parents=True, exist_ok=True)
    k = 1

    def scan(d: Draft) -> Scanned:
        return _scan(d, rng, rng.random() < DEGRADE_SHARE)

    if rng.random() < 0.25:  # certificate and bank proof scanned into one PDF
        files.append(_write_file(folder, "资质证件.pdf", [scan(singles[0]), scan(singles[1])], "pdf"))
        singles = singles[2:]
    for d in singles:
        sc = scan(d)
        fmt = "jpg" if sc.state.recipe == "photo" else rng.choice(("jpg", "jpg", "png", "pdf"))
        files.append(_write_file(folder, f"{_single_name(rng, d.doc_type, k)}.{fmt}", [sc], fmt))
        k += 1
    for label, pages in (("经销合同", dist), ("物流合同", logi)):
        mode = rng.choice(("pdf_text", "pdf_text", "pdf", "pages", "tif"))
        if mode == "pdf_text":
            for op in (op for p in pages for op in p.sheet.ops if isinstance(op, Stamp)):
                op.vector = rng.random() < 0.3
            files.append(
                _write_file(
                    folder,
                    f"{label}_电子签章.pdf",
                    [Scanned(p, None, mess.Mess()) for p in pages],
                    "pdf_text",
                )
            )
        elif mode == "pages":
            for i, p in enumerate(pages):
                sc = scan(p)
                files.append(_write_file(folder, f"{label}_{i + 1}.jpg", [sc], "jpg"))
        else:
            scans = [scan(p) for p in pages]
            files.append(_write_file(folder, f"{label}.{mode}", scans, mode))
    if rng.random() < 0.12:
        bad = folder / "补充材料.pdf"
        bad.write_bytes(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>\n" + bytes(rng.randrange(256) for _ in range(300))
        )
        files.append({"file": bad.name, "rejected": True})

    present = [p["doc_type"] for f in files for p in f.get("pages", [])]
    truth = {
        "dossier": name,
        "seed": seed,
        "generator": "tests.corpus2",
        "as_of": as_of.isoformat(),
        "pickup_date": pickup.isoformat(),
        "deadline": (pickup - timedelta(days=7)).isoformat(),
        "customer_kind": "sole_trader" if who.sole_trader else "company",
        "certificate": certificate,
        "bank_proof": bank_proof,
        "record": {
            "customer_name": who.name,
            "tax_id": who.tax_id,
            "bank_name": who.bank_name,
            "bank_account": who.bank_account,
            "tax_address": who.address,
            "tax_phone": ctx.form["tax_phone"],
        },
        "doc_types": list(dict.fromkeys(present)),
        "missing_doc_types": [dropped] if dropped else [],
        "defects": found,
        "files": files,
    }
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth
