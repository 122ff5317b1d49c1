"""Whole dossiers: pick the documents of one customer, inject defects, render and scan the pages, split them
into files of mixed formats (some merged, some split, some zipped, a few hostile extras) and write truth.json.

Public entry points: make_dossier, make_corpus, render_document, make_sample.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from tests.synth import output
from tests.synth.defects import RULES, DefectPlan, plan_defects
from tests.synth.docs import RENDERERS, Ctx, RenderedDoc
from tests.synth.identity import CustomerIdentity, make_identity
from tests.synth.output import FilePlan, Namer, PageOut
from tests.synth.page import render, write_text_pdf
from tests.synth.scan import degrade_page

# Documents whose seals are not what a check needs: they may be scanned in grey or as bilevel G4 faxes.
MONOCHROME_OK = (
    "business_license",
    "tax_registration",
    "bank_permit",
    "application_form",
    "distribution_contract",
    "pos_binding",
)
CHANNEL_WEIGHTS = {"jpeg": 40, "pdf_image": 18, "png": 12, "tiff": 10, "tiff_g4": 7, "bmp": 3}


@dataclass(slots=True)
class _Doc:
    rendered: RenderedDoc
    channel: str
    merge_with_previous: bool = False
    pages_out: list[PageOut] = field(default_factory=list)


def default_as_of(rng: random.Random) -> date:
    return date(2025, 1, 1) + timedelta(days=rng.randrange(0, 700))


def dossier_doc_types(who: CustomerIdentity, rng: random.Random) -> list[str]:
    """The documents this customer sends, in a plausible upload order."""
    types = [
        who.certificate,
        "passbook" if who.bank_proof == "passbook" else "bank_permit",
        "application_form",
        "seal_card",
        "distribution_contract",
        "logistics_contract",
        "consignee_id",
    ]
    if rng.random() < 0.3:
        types.append("pos_binding")
    if rng.random() < 0.5:
        head, tail = types[:4], types[4:]
        rng.shuffle(head)
        types = head + tail
    elif rng.random() < 0.5:
        rng.shuffle(types)
    return types


def _channel(rng: random.Random, doc_type: str, digital: bool) -> str:
    if digital and rng.random() < 0.35:
        return "pdf_text"
    weights = dict(CHANNEL_WEIGHTS)
    if doc_type not in MONOCHROME_OK:
        weights.pop("tiff_g4")
    return rng.choices(list(weights), weights=list(weights.values()))[0]


DIGITAL_TYPES = ("application_form", "distribution_contract", "logistics_contract", "pos_binding")


def _render_docs(
    who: CustomerIdentity, rng: random.Random, types: list[str], plan: DefectPlan, as_of: date
) -> list[_Doc]:
    docs: list[_Doc] = []
    prev: str | None = None
    for doc_type in types:
        channel = _channel(rng, doc_type, doc_type in DIGITAL_TYPES)
        merge = False
        fits = (prev != "pdf_text" or doc_type in DIGITAL_TYPES) and (
            prev != "tiff_g4" or doc_type in MONOCHROME_OK
        )
        if prev in output.MULTI_FORMATS and fits and rng.random() < 0.3:
            channel, merge = prev, True
        ctx = Ctx(
            who,
            random.Random(rng.randrange(2**32)),
            as_of=as_of,
            pdf_safe=channel == "pdf_text",
            over=plan.overrides.get(doc_type, {}),
        )
        docs.append(_Doc(RENDERERS[doc_type](ctx), channel, merge))
        prev = channel
    return docs


def _scan_pages(doc: _Doc, rng: random.Random, degrade: float) -> list[PageOut]:
    r = doc.rendered
    outs = []
    grey = doc.channel != "pdf_text" and r.doc_type in MONOCHROME_OK and rng.random() < 0.15
    for page, truth in zip(r.pages, r.truth, strict=True):
        if doc.channel == "pdf_text":
            outs.append(PageOut(r.doc_type, truth, r.template, page=page))
            continue
        img, info = degrade_page(render(page), rng, degrade)
        outs.append(PageOut(r.doc_type, truth, r.template, image=img, scan=info, color=not grey))
    return outs


def _plan_files(docs: list[_Doc], rng: random.Random, namer: Namer) -> list[FilePlan]:
    plans: list[FilePlan] = []
    for doc in docs:
        pages = doc.pages_out
        if doc.channel in output.IMAGE_FORMATS:
            for p in pages:
                plans.append(FilePlan(namer.name(doc.channel, [p.doc_type]), doc.channel, [p]))
            continue
        if doc.merge_with_previous and plans and plans[-1].format == doc.channel:
            prev = plans[-1]
            prev.pages.extend(pages)
            prev.name = namer.name(doc.channel, [p.doc_type for p in prev.pages])
            continue
        if len(pages) > 1 and rng.random() < 0.15:  # one document spread over two files
            cut = rng.randrange(1, len(pages))
            plans.append(FilePlan(namer.name(doc.channel, [pages[0].doc_type]), doc.channel, pages[:cut]))
            plans.append(FilePlan(namer.name(doc.channel, [pages[0].doc_type]), doc.channel, pages[cut:]))
            continue
        plans.append(FilePlan(namer.name(doc.channel, [pages[0].doc_type]), doc.channel, list(pages)))
    return plans


def _file_entry(name: str, plan: FilePlan, pages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "file": name,
        "format": output.format_of_bytes(plan.format),
        "rejected": False,
        "pages": pages,
    }
    if plan.format == "tiff_g4":
        entry["compression"] = "group4"
    if plan.format == "pdf_text":
        entry["text_layer"] = True
    entry.update(extra)
    return entry


def _hostile(rng: random.Random, namer: Namer, docs: list[_Doc]) -> tuple[str, bytes, dict[str, Any]]:
    kind = rng.choice(("truncated_image", "empty_file", "unsupported_type", "encrypted_pdf"))
    some = rng.choice(docs)
    if kind == "truncated_image":
        p = some.pages_out[0]
        img = p.image if p.image is not None else render(p.page)
        name = namer.name("jpeg", [p.doc_type])
        return name, output.truncated_jpeg(img, rng), {"format": "jpeg"}
    if kind == "empty_file":
        name = namer.name(rng.choice(("jpeg", "pdf_image")), [some.rendered.doc_type])
        return name, b"", {"format": "empty"}
    if kind == "unsupported_type":
        name = namer.name("pdf_image", [some.rendered.doc_type], ext=".pdf")
        return name, output.random_bytes(rng), {"format": "unknown"}
    name = namer.name("pdf_text", [some.rendered.doc_type])
    return name, output.encrypted_pdf(some.rendered.pages[0]), {"format": "pdf", "encrypted": True}


def make_dossier(
    out_dir: Path,
    seed: int,
    *,
    degrade: float = 0.5,
    defects: tuple[str, ...] | list[str] = (),
    as_of: date | None = None,
    extras: bool = True,
) -> dict[str, Any]:
    """Write one dossier's files and out_dir/truth.json; return the truth dict.

    `degrade` (0..1) drives how many pages look scanned and how badly; `defects` are rule ids (defects.RULES);
    `extras=False` leaves out hostile files, duplicates, mislabelled files and ZIPs.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    as_of = as_of or default_as_of(rng)
    who = make_identity(rng, as_of)
    plan = plan_defects(who, rng, tuple(defects), as_of)
    who.pickup_date = plan.pickup_date
    types = [t for t in dossier_doc_types(who, rng) if t not in plan.missing]
    docs = _render_docs(who, rng, types, plan, as_of)
    for doc in docs:
        doc.pages_out = _scan_pages(doc, rng, degrade)
    namer = Namer(
        rng, datetime.combine(as_of - timedelta(days=rng.randrange(0, 4)), time(9, rng.randrange(60)))
    )
    plans = _plan_files(docs, rng, namer)

    encoded: list[tuple[FilePlan, bytes, list[dict[str, Any]]]] = []
    for fp in plans:
        data, pages = output.encode(fp, rng)
        encoded.append((fp, data, pages))
    if extras and rng.random() < 0.12:  # a PNG sent with a .jpg name
        pngs = [e for e in encoded if e[0].format == "png"]
        if pngs:
            fp = pngs[0][0]
            fp.name = fp.name.rsplit(".", 1)[0] + ".jpg"
            fp.mislabelled = True

    entries: list[dict[str, Any]] = []
    archives: list[dict[str, Any]] = []
    zip_members: list[tuple[str, bytes]] = []
    zip_name = None
    if extras and rng.random() < 0.2 and len(encoded) > 3:
        zip_name = rng.choice(
            (
                "资料.zip",
                "客户资料.zip",
                "建档资料.zip",
                "scans.zip",
                "新建文件夹.zip",
                f"{who.customer_name[:6]}资料.zip",
                f"{as_of:%Y%m%d}.zip",
            )
        )
        chosen = set(rng.sample(range(len(encoded)), rng.randint(2, min(4, len(encoded)))))
    else:
        chosen = set()
    for i, (fp, data, pages) in enumerate(encoded):
        extra: dict[str, Any] = {"mislabelled": True} if fp.mislabelled else {}
        if i in chosen and zip_name:
            zip_members.append((fp.name, data))
            entries.append(_file_entry(f"{zip_name}/{fp.name}", fp, pages, archive=zip_name, **extra))
        else:
            (out_dir / fp.name).write_bytes(data)
            entries.append(_file_entry(fp.name, fp, pages, **extra))
    if zip_name:
        gbk = rng.random() < 0.5
        output.write_zip(out_dir / zip_name, zip_members, gbk_names=gbk)
        archives.append({"file": zip_name, "members": [n for n, _ in zip_members], "gbk_names": gbk})
    if extras and rng.random() < 0.1:  # the same file sent twice under another name
        src = next((e for e in entries if "archive" not in e), None)
        if src is not None:
            fmt = {"jpeg": "jpeg", "png": "png", "bmp": "bmp", "tiff": "tiff", "pdf": "pdf_image"}[
                src["format"]
            ]
            dup = namer.name(fmt, [src["pages"][0]["doc_type"]], ext="." + src["file"].rsplit(".", 1)[-1])
            (out_dir / dup).write_bytes((out_dir / src["file"]).read_bytes())
            entries.append(
                {
                    "file": dup,
                    "format": src["format"],
                    "rejected": False,
                    "duplicate_of": src["file"],
                    "pages": [],
                }
            )
    if extras and rng.random() < 0.25:
        name, data, meta = _hostile(rng, namer, docs)
        (out_dir / name).write_bytes(data)
        reason = {"empty": "empty_file", "unknown": "unsupported_type"}.get(meta["format"], "")
        reason = reason or ("encrypted_pdf" if meta.get("encrypted") else "truncated_image")
        entries.append(
            {"file": name, "format": meta["format"], "rejected": True, "reason_kind": reason, "pages": []}
        )

    record = {
        "customer_name": who.customer_name,
        "tax_id": who.tax_id,
        "bank_name": who.bank_name,
        "bank_account": who.bank_account,
        "tax_address": who.address,
        "tax_phone": who.tax_phone,
    }
    truth: dict[str, Any] = {
        "dossier": out_dir.name,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "pickup_date": plan.pickup_date.isoformat() if plan.pickup_date else None,
        "deadline": (plan.pickup_date - timedelta(days=7)).isoformat() if plan.pickup_date else None,
        "customer_kind": "sole_trader" if who.sole_trader else "company",
        "certificate": who.certificate,
        "bank_proof": who.bank_proof,
        "record": record,
        "files": entries,
        "archives": archives,
        "doc_types": types,
        "missing_doc_types": list(plan.missing),
        "defects": [d.as_json() for d in plan.defects],
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def make_corpus(
    out_dir: Path, n: int, seed: int = 1, *, defect_rate: float = 0.0, degrade: float | None = None
) -> list[Path]:
    """n dossiers in out_dir/d0000 …; a `defect_rate` share get 1–2 random defects; index in corpus.json."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths, index = [], []
    for i in range(n):
        rules: list[str] = []
        if rng.random() < defect_rate:
            rules = rng.sample(RULES, rng.choice((1, 1, 2)))
        level = degrade if degrade is not None else rng.choice((0.2, 0.4, 0.5, 0.6, 0.8))
        d = out_dir / f"d{i:04d}"
        truth = make_dossier(d, seed * 100_003 + i, degrade=level, defects=rules)
        paths.append(d)
        index.append(
            {
                "dossier": d.name,
                "seed": truth["seed"],
                "degrade": level,
                "defects": [x["rule"] for x in truth["defects"]],
            }
        )
    (out_dir / "corpus.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths


def render_text_pdf(doc_type: str, seed: int, path: Path, *, as_of: date) -> Path:
    """One document as a digitally made PDF with a text layer: read without OCR, in a fraction of a second."""
    rng = random.Random(seed)
    who = make_identity(rng, as_of)
    who.pickup_date = as_of + timedelta(days=21)
    write_text_pdf(RENDERERS[doc_type](Ctx(who, rng, as_of=as_of)).pages, path)
    return path


def render_document(
    doc_type: str,
    seed: int,
    *,
    degrade: float = 0.0,
    identity: CustomerIdentity | None = None,
    as_of: date | None = None,
) -> tuple[list[Image.Image], dict[str, Any]]:
    """One document's page images (scanned at `degrade`) and its truth, for small unit tests."""
    if doc_type not in RENDERERS:
        raise ValueError(f"unknown doc_type {doc_type!r}")
    rng = random.Random(seed)
    as_of = as_of or default_as_of(rng)
    who = identity or make_identity(rng, as_of, sole_trader=True if doc_type == "passbook" else None)
    if who.pickup_date is None:
        who.pickup_date = as_of + timedelta(days=21)
    doc = RENDERERS[doc_type](Ctx(who, rng, as_of=as_of))
    images, pages = [], []
    for i, (page, truth) in enumerate(zip(doc.pages, doc.truth, strict=True)):
        img, info = degrade_page(render(page), rng, degrade)
        images.append(img)
        pages.append(
            output.page_truth(
                i + 1,
                PageOut(doc_type, truth, doc.template, image=img, scan=info),
                text_layer=False,
                color=True,
            )
        )
    return images, {
        "doc_type": doc_type,
        "template": doc.template,
        "as_of": as_of.isoformat(),
        "pages": pages,
    }


SAMPLE_SEED = 20250503


def make_sample(out_dir: Path, *, defects: tuple[str, ...] = ()) -> dict[str, Any]:
    """The README demo dossier: lightly degraded, no hostile extras, fixed seed so it never changes."""
    return make_dossier(
        Path(out_dir), SAMPLE_SEED, degrade=0.3, defects=defects, as_of=date(2025, 5, 6), extras=False
    )
