"""Pages into documents: a document is a run of consecutive pages of one file with one document type.

Written once for every view of a dossier: the record and the checks (storage.repository.documents_of), the
reviewer's page (storage queries) and the pipeline's continuation step all cut the pages the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def runs(items: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """Consecutive items with equal `key` (e.g. (file id, doc_type)), in order."""
    out: list[list[T]] = []
    last: Hashable = object()
    for item in items:
        k = key(item)
        if out and k == last:
            out[-1].append(item)
        else:
            out.append([item])
        last = k
    return out
