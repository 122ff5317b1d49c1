"""Level-1 data (ID numbers, bank accounts) shown to staff only as `6222********6789`, in HTML and JSON alike.

Masking happens on the way out of the server, never in the database: reviewers and auditors need the value.
Free text (finding messages, evidence) may quote a level-1 value, so those are masked by substitution of the
dossier's known level-1 values rather than by field name alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from intake import vocabulary

LEVEL1_FIELDS = frozenset({"bank_account", "consignee_id_number"})
KEEP = 4


def mask(value: str | None) -> str | None:
    """Keep the first and last four characters so staff can still tell two accounts apart."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= 2 * KEEP:
        return "*" * len(text)
    return text[:KEEP] + "*" * (len(text) - 2 * KEEP) + text[-KEEP:]


class Masker:
    """Masks a dossier's level-1 values wherever they appear; a no-op for roles that may see them."""

    def __init__(self, level1_values: Iterable[str], *, active: bool) -> None:
        self.active = active
        values = {v for v in level1_values if v and len(v) >= 4}
        self._pairs = sorted(((v, mask(v) or "") for v in values), key=lambda p: -len(p[0]))

    def field(self, name: str, value: str | None) -> str | None:
        """A field value as shown: masked when level-1 for staff; a coded value (`long_term`) in Chinese."""
        if self.active and name in LEVEL1_FIELDS:
            return mask(value)
        return self.text(vocabulary.value_text(value)) if value is not None else None

    def text(self, value: str) -> str:
        if not self.active:
            return value
        for clear, masked in self._pairs:
            value = value.replace(clear, masked)
        return value

    def json(self, data: Any) -> Any:
        """Mask a JSON tree: level-1 keys by name, every string by substitution."""
        if not self.active:
            return data
        if isinstance(data, Mapping):
            out: dict[str, Any] = {}
            for key, value in data.items():
                if key in LEVEL1_FIELDS and isinstance(value, str):
                    out[key] = mask(value)
                elif (
                    key in LEVEL1_FIELDS
                    and isinstance(value, Mapping)
                    and isinstance(value.get("value"), str)
                ):
                    out[key] = {**self.json(value), "value": mask(value["value"])}
                else:
                    out[key] = self.json(value)
            return out
        if isinstance(data, list | tuple):
            return [self.json(item) for item in data]
        if isinstance(data, str):
            return self.text(data)
        return data
