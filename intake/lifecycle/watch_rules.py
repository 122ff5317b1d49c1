"""The watched folder's decisions, as data in and data out (no file system): what an item is, when it is
complete enough to take, how loose files are grouped, where a finished item goes and what its reason file
says.

The effects (scanning, claiming by rename, moving to done/failed) are in intake.lifecycle.watching.

- **Items.** A sub-folder of the watched folder is one dossier; so is a ZIP file. Every other file lying
  loose at the top belongs to a *group*: the part of its name before the first separator (`_`, `-`, a
  space, or the full-width `＿`/`－`), e.g. `佛山某某_营业执照.jpg` and `佛山某某_开户许可证.pdf` form the
  item `佛山某某`; a name without a separator is an item of its own (its stem). A scanner that names every
  page `SCAN_0001.pdf` therefore makes one dossier of a batch.
- **Not yet written.** Names of files being written are ignored at the top (`.part`, `.partial`, `.tmp`,
  `.crdownload`, `.filepart`, `.download`, `~…`, hidden `.…`): a scanner that writes `x.pdf.part` and
  renames it to `x.pdf` is taken only after the rename. Inside a sub-folder, such a file marks the whole
  folder as busy.
- **Stable.** An item is taken when the size and modification time of every one of its files were the same at
  two polls at least `quiet` seconds apart (our own clock: a network share's clock may differ); any change, a
  new file of the group or of the folder included, starts the quiet period again. An empty folder is no item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from intake.vocabulary import WATCH_REASON_FILES

DONE_DIR = "done"
FAILED_DIR = "failed"
PROCESSING_DIR = ".processing"
RESERVED = frozenset({DONE_DIR, FAILED_DIR, PROCESSING_DIR})
WRITING_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart", ".download")
REASON_SUFFIX = {where: f".{word}.txt" for where, word in WATCH_REASON_FILES.items()}
_SEPARATOR = re.compile(r"[_\-\s＿－]")


class ItemKind(StrEnum):
    FOLDER = "folder"
    ZIP = "zip"
    LOOSE = "loose"


FileState = tuple[str, int, int]
"""(path relative to the watched folder, size in bytes, modification time in ns) of one file."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level entry of the watched folder as scanned: a file, or a folder with every file below it."""

    name: str
    is_dir: bool
    files: tuple[FileState, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """What becomes one dossier: its name, kind, the top-level entries it is made of, and their state."""

    name: str
    kind: ItemKind
    members: tuple[str, ...]
    signature: tuple[FileState, ...]
    busy: bool = False


@dataclass(frozen=True, slots=True)
class Seen:
    """An item's signature and when (our clock) it was first seen unchanged."""

    signature: tuple[FileState, ...]
    since: float


def is_being_written(name: str) -> bool:
    """A temporary name of a file a scanner or a copy is still writing."""
    lower = name.lower()
    return lower.startswith("~") or lower.endswith(WRITING_SUFFIXES)


def is_ignored(name: str) -> bool:
    """Top-level names that are never an item: our own folders, hidden files and files being written."""
    return name in RESERVED or name.startswith(".") or is_being_written(name)


def group_of(name: str) -> str:
    """The loose-file group of a file name: the part before the first separator, else the stem."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    head = _SEPARATOR.split(stem, maxsplit=1)[0]
    return head or stem


def items_of(entries: Iterable[Entry]) -> list[Item]:
    """The items of one scan, in name order: folders and ZIPs alone, loose files grouped by name."""
    items: list[Item] = []
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_dir:
            wanted = tuple(f for f in entry.files if not _hidden(f[0]))
            if wanted:
                busy = any(is_being_written(f[0].rsplit("/", 1)[-1]) for f in wanted)
                items.append(Item(entry.name, ItemKind.FOLDER, (entry.name,), wanted, busy))
        elif entry.name.lower().endswith(".zip"):
            items.append(Item(entry.name, ItemKind.ZIP, (entry.name,), entry.files))
        else:
            groups.setdefault(group_of(entry.name), []).append(entry)
    taken = {i.name for i in items}
    for group, members in groups.items():
        name = group if group not in taken else f"{group}（散件）"
        signature = tuple(sorted(f for m in members for f in m.files))
        items.append(Item(name, ItemKind.LOOSE, tuple(sorted(m.name for m in members)), signature))
    return sorted(items, key=lambda i: i.name)


def _hidden(relpath: str) -> bool:
    return any(part.startswith(".") for part in relpath.split("/"))


def stable_items(
    tracked: Mapping[str, Seen], items: Sequence[Item], *, now: float, quiet: float
) -> tuple[list[Item], dict[str, Seen]]:
    """The items unchanged for at least `quiet` seconds, and what to track for the next poll."""
    ready: list[Item] = []
    seen: dict[str, Seen] = {}
    for item in items:
        key = f"{item.kind}:{item.name}"
        before = tracked.get(key)
        if item.busy or before is None or before.signature != item.signature:
            seen[key] = Seen(item.signature, now)
            continue
        seen[key] = before
        if now - before.since >= quiet:
            ready.append(item)
    return ready, seen


def free_name(name: str, taken: Iterable[str]) -> str:
    """`name`, or `name (2)`, `name (3)` … for a destination that already holds one (a ZIP keeps `.zip`)."""
    used = set(taken)
    if name not in used:
        return name
    stem, dot, ext = name.rpartition(".") if name.lower().endswith(".zip") else (name, "", "")
    n = 2
    while f"{stem} ({n}){dot}{ext}" in used:
        n += 1
    return f"{stem} ({n}){dot}{ext}"


@dataclass(frozen=True, slots=True)
class Reading:
    """What reading an item gave, for its outcome: the dossier (if one was registered) and what failed."""

    item: str
    dossier_id: str | None
    status: str | None
    pages_read: int
    pages_failed: tuple[str, ...]
    rejected: tuple[str, ...]
    error: str | None = None


def destination(r: Reading) -> str:
    """done/ when at least one page of the item was read, failed/ otherwise."""
    return DONE_DIR if r.error is None and r.pages_read > 0 else FAILED_DIR


def reason_text(r: Reading, *, status_label: str, when: str) -> str:
    """The Chinese reason file beside a finished item: its dossier, and every file or page that failed."""
    lines = [f"监控文件夹条目：{r.item}", f"处理时间：{when}"]
    if destination(r) == DONE_DIR:
        lines.append(
            f"结果：已登记并读取，档案编号 {r.dossier_id}，状态：{status_label}，读取 {r.pages_read} 页。"
        )
    elif r.error is not None:
        lines.append(f"结果：处理失败：{r.error}")
    elif r.dossier_id is None:
        lines.append("结果：没有可读取的文件，未建立档案。")
    else:
        lines.append(f"结果：档案 {r.dossier_id} 已登记，但没有一页能读取（状态：{status_label}）。")
    if r.rejected:
        lines += ["", "未能读取的文件："] + [f"  {x}" for x in r.rejected]
    if r.pages_failed:
        lines += ["", "读取失败的页面："] + [f"  {x}" for x in r.pages_failed]
    return "\n".join(lines) + "\n"
