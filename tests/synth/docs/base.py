"""What every document template shares: the rendering context (identity + printed overrides), the rendered
document with its per-page truth, and stamping seals while recording them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.synth.identity import CustomerIdentity, SealSpec
from tests.synth.page import Page
from tests.synth.seals import render_seal
from tests.synth.textfmt import canonical


@dataclass(slots=True)
class Ctx:
    """What a template needs: the identity, a random source, and values to print instead (defects)."""

    who: CustomerIdentity
    rng: random.Random
    as_of: date = date(2026, 1, 1)
    pdf_safe: bool = False  # fonts limited to the ones a text-layer PDF can embed
    over: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name in self.over:
            return self.over[name]
        return getattr(self.who, name)


@dataclass(slots=True)
class PageTruth:
    fields: dict[str, str] = field(default_factory=dict)
    seals: list[SealSpec] = field(default_factory=list)
    printed: dict[str, str] = field(
        default_factory=dict
    )  # raw print where it differs from the canonical value

    def put(self, name: str, value: str | date, *, printed: str | None = None) -> None:
        """Record a printed field; dates go in as ISO, codes printed with spaces go in compacted."""
        if isinstance(value, date):
            self.fields[name] = value.isoformat()
        else:
            self.fields[name] = canonical(value)
        if printed is not None and canonical(printed) != self.fields[name]:
            self.printed[name] = printed.strip()


@dataclass(slots=True)
class RenderedDoc:
    doc_type: str
    pages: list[Page]
    truth: list[PageTruth]
    digital: bool = False  # produced digitally (may be written as a text-layer PDF)
    template: str = ""


def stamp(
    page: Page,
    truth: PageTruth,
    spec: SealSpec,
    rng: random.Random,
    cx: float,
    cy: float,
    *,
    scale: float = 1.0,
) -> None:
    """Press a seal at (cx, cy) with a little jitter, and record it on the page's truth."""
    img = render_seal(spec, rng, scale=scale)
    page.stamp(img, cx + rng.uniform(-25, 25), cy + rng.uniform(-20, 20))
    truth.seals.append(spec)


def valid_to_text(value: date | str, fmt: Any) -> str:
    return "长期" if value == "long_term" else fmt(value)
