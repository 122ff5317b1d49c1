"""Intake from a watched folder (`dossier watch DIR`): poll, claim a stable item, register and read it through
the one creation path, then move it to `done/` or `failed/` with a reason file beside it.

Crash safety — every step can be interrupted (SIGKILL) and the next start carries on from the file system:

1. **Claim.** A claim folder `DIR/.processing/<claim>/` is made complete (its `claim.json`: the item, its kind
   and members) under a temporary name and renamed into place, then each member is renamed into it. The claim
   name (time + random) is unique per drop. On start, a claim whose members are still partly in DIR gets them
   moved in first; a half-made `.…new` claim (nothing moved yet) is deleted.
2. **Register.** The item's identity — SHA-256 of the claim name and of its files' contents — is stored with
   the dossier (`dossiers.intake_key`, unique) in the registering transaction, and looked up first: a watcher
   killed after registering finds its dossier again instead of creating a second one.
3. **Read.** Through the caller's runner (the embedded pool or the Celery broker, as `dossier process` and
   `submit` do); the pipeline itself resumes a half-read dossier's outstanding pages.
4. **Move.** The outcome (where to, under which name, the reason text) is written to `outcome.json` in the
   claim before anything moves; then the item is renamed into done/ or failed/, the reason file written, and
   the claim removed. A restart with an outcome only finishes these steps.

Nothing is ever deleted from DIR except by these renames; temporary names start with a dot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from intake.files import ingest
from intake.lifecycle.context import Context
from intake.lifecycle.register import register_dossier
from intake.lifecycle.watch_rules import (
    PROCESSING_DIR,
    REASON_SUFFIX,
    Entry,
    FileState,
    Item,
    ItemKind,
    Reading,
    Seen,
    destination,
    free_name,
    items_of,
    reason_text,
    stable_items,
)
from intake.vocabulary import status_name
from storage.contract_json import dossier_json
from storage.models import Dossier, DossierStatus, IntakeSource

log = logging.getLogger(__name__)

ReadDossier = Callable[[Context, str], None]
"""Reads a registered dossier to its end (or until it is handed to the workers and they are done)."""

IN_PROGRESS = (DossierStatus.RECEIVED, DossierStatus.READING, DossierStatus.CHECKING)
CLAIM_FILE = "claim.json"
OUTCOME_FILE = "outcome.json"


class TryLaterError(RuntimeError):
    """The item cannot be finished now (database or broker unreachable); its claim stays for the next poll."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A claimed item: its folder under .processing and what claim.json says."""

    path: Path
    item: str
    kind: ItemKind
    members: tuple[str, ...]

    @property
    def payload(self) -> Path:
        """The item inside the claim: the folder or ZIP as dropped, or a folder holding the loose files."""
        return self.path / self.item


# ---- scanning ---------------------------------------------------------------------------------------------


def scan(root: Path) -> list[Entry]:
    """The top-level entries of the watched folder, each file's size and mtime (folders: every file below)."""
    entries: list[Entry] = []
    with os.scandir(root) as it:
        for e in it:
            try:
                if e.is_dir(follow_symlinks=False):
                    entries.append(Entry(e.name, is_dir=True, files=tuple(_walk(Path(e.path), root))))
                elif e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    entries.append(Entry(e.name, is_dir=False, files=((e.name, st.st_size, st.st_mtime_ns),)))
            except FileNotFoundError:  # renamed away while we looked: seen again at the next poll
                continue
    return entries


def _walk(folder: Path, root: Path) -> list[FileState]:
    states: list[FileState] = []
    for here, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(here, name)
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            states.append((path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
    return sorted(states)


# ---- claiming ---------------------------------------------------------------------------------------------


def prepare(root: Path) -> Path:
    """Check the watched folder, create .processing in it (done/ and failed/ come with their first item)."""
    if not root.is_dir():
        raise NotADirectoryError(f"监控文件夹不存在或不是文件夹：{root}")
    processing = root / PROCESSING_DIR
    processing.mkdir(exist_ok=True)
    return processing


def claim(root: Path, item: Item) -> Claim | None:
    """Take an item: the claim folder appears complete (atomic rename), then its members move into it.

    None when the item went away between the scan and the claim (renamed or removed by someone else)."""
    processing = root / PROCESSING_DIR
    name = f"{datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    staging = processing / f".{name}.new"
    staging.mkdir()
    info = {"item": item.name, "kind": str(item.kind), "members": list(item.members)}
    _write_atomic(staging / CLAIM_FILE, json.dumps(info, ensure_ascii=False))
    staging.rename(processing / name)
    taken = _load_claim(processing / name)
    try:
        _move_members(root, taken)
    except OSError as exc:  # e.g. a file still locked by the scanner on an SMB share: the rest waits
        log.warning("watch: could not take all of %s yet: %s", item.name, exc)
    if not taken.payload.exists() or (taken.kind is ItemKind.LOOSE and not any(taken.payload.iterdir())):
        _drop(taken)
        return None
    return taken


def _drop(c: Claim) -> None:
    """Remove a finished claim: out of sight first (a dotted name, removed at next start), then deleted."""
    if c.payload.is_file() or (c.payload.is_dir() and any(c.payload.iterdir())):
        raise RuntimeError(f"refusing to drop claim {c.path}: it still holds the item")  # never lose a file
    gone = c.path.with_name(f".{c.path.name}.gone")
    c.path.rename(gone)
    shutil.rmtree(gone, ignore_errors=True)


def _move_members(root: Path, c: Claim) -> None:
    """Rename the members still in the watched folder into the claim (again after a crash: idempotent)."""
    if c.kind is ItemKind.LOOSE:
        c.payload.mkdir(exist_ok=True)
        for member in c.members:
            if (root / member).exists() and not (c.payload / member).exists():
                (root / member).rename(c.payload / member)
    elif (root / c.item).exists() and not c.payload.exists():
        (root / c.item).rename(c.payload)


def _load_claim(path: Path) -> Claim:
    info = json.loads((path / CLAIM_FILE).read_text(encoding="utf-8"))
    return Claim(path, info["item"], ItemKind(info["kind"]), tuple(info["members"]))


def open_claims(root: Path) -> list[Claim]:
    """Claims a killed watcher left in .processing, oldest first, with their members moved in."""
    processing = root / PROCESSING_DIR
    claims: list[Claim] = []
    for path in sorted(processing.iterdir()):
        if path.name.startswith("."):  # a claim that never appeared, or a finished one: nothing of an item
            shutil.rmtree(path, ignore_errors=True)
            continue
        if path.is_dir() and (path / CLAIM_FILE).exists():
            c = _load_claim(path)
            _move_members(root, c)
            claims.append(c)
    return claims


# ---- registering and reading ------------------------------------------------------------------------------


def identity(c: Claim) -> str:
    """The item's identity: its claim name and the SHA-256 of every file in it (path and content)."""
    h = hashlib.sha256(c.path.name.encode())
    files = [c.payload] if c.payload.is_file() else sorted(p for p in c.payload.rglob("*") if p.is_file())
    for path in files:
        h.update(b"\0" + path.relative_to(c.path).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _registered(ctx: Context, key: str) -> str | None:
    with ctx.sessions() as s:
        return s.scalar(select(Dossier.id).where(Dossier.intake_key == key))


def read_item(ctx: Context, c: Claim, read: ReadDossier, *, as_of: date, source_name: str) -> Reading:
    """Register the claimed item once (found again by its identity after a restart) and read it."""
    if not c.payload.exists():
        return Reading(c.item, None, None, 0, (), (), error="条目在处理前已被移走或删除")
    key = identity(c)
    dossier_id = _registered(ctx, key)
    if dossier_id is None:
        result = ingest([c.payload], ctx.store, ctx.limits)
        if not result.files:
            rejected = tuple(f"{r.file}：{r.reason}" for r in result.rejected)
            return Reading(c.item, None, None, 0, (), rejected)
        dossier_id = register_dossier(
            ctx, result, as_of=as_of, actor="watch", source=IntakeSource.FOLDER,
            intake_name=f"{source_name}/{c.item}"[:500], intake_key=key,
        )  # fmt: skip
        log.info("watch: %s registered as dossier %s", c.item, dossier_id)
    with ctx.sessions() as s:
        status = s.scalar(select(Dossier.status).where(Dossier.id == dossier_id))
    if status in IN_PROGRESS:
        read(ctx, dossier_id)
    return _reading(ctx, c.item, dossier_id)


def _reading(ctx: Context, item: str, dossier_id: str) -> Reading:
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    pages = out["pages"]
    read_ok = [p for p in pages if p.get("doc_type") and not p.get("error")]
    failed = tuple(f"{p['file']} 第{p['page']}页：{p['error']}" for p in pages if p.get("error"))
    rejected = tuple(f"{r['file']}：{r['reason']}" for r in out["rejected_files"])
    return Reading(item, dossier_id, out["dossier"]["status"], len(read_ok), failed, rejected)


# ---- finishing --------------------------------------------------------------------------------------------


def decide(root: Path, c: Claim, r: Reading) -> dict[str, Any]:
    """Write the outcome into the claim before anything moves, so a restart finishes the same way."""
    where = destination(r)
    folder = root / where
    folder.mkdir(exist_ok=True)
    taken = {p.name for p in folder.iterdir()}
    final = free_name(c.item, taken | {n.removesuffix(REASON_SUFFIX[where]) for n in taken})
    text = reason_text(
        r, status_label=status_name(r.status) if r.status else "-", when=f"{datetime.now():%Y-%m-%d %H:%M:%S}"
    )
    outcome = {"where": where, "name": final, "text": text, "reading": asdict(r)}
    _write_atomic(c.path / OUTCOME_FILE, json.dumps(outcome, ensure_ascii=False))
    return outcome


def finish(root: Path, c: Claim, outcome: dict[str, Any]) -> Path:
    """Move the item to done/ or failed/, write its reason file, drop the claim (each step repeatable)."""
    folder = root / outcome["where"]
    folder.mkdir(exist_ok=True)
    if c.payload.exists() and (folder / outcome["name"]).exists():  # the name was taken meanwhile
        outcome = {**outcome, "name": free_name(outcome["name"], (p.name for p in folder.iterdir()))}
    target = folder / outcome["name"]
    if c.payload.exists():
        c.payload.rename(target)
    _write_atomic(folder / f"{outcome['name']}{REASON_SUFFIX[outcome['where']]}", outcome["text"])
    _drop(c)
    return target


def handle(root: Path, ctx: Context, c: Claim, read: ReadDossier, *, as_of: date) -> Path:
    """Carry one claim to its end, from wherever a previous run left it."""
    outcome_file = c.path / OUTCOME_FILE
    if outcome_file.exists():
        outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
    else:
        try:
            r = read_item(ctx, c, read, as_of=as_of, source_name=root.name)
        except (OperationalError, TryLaterError):
            raise
        except Exception as exc:  # a bug or a broken item must not stop the watcher: failed/, with the reason
            log.exception("watch: %s failed", c.item)
            r = Reading(c.item, None, None, 0, (), (), error=f"{type(exc).__name__}: {exc}")
        outcome = decide(root, c, r)
    target = finish(root, c, outcome)
    log.info("watch: %s → %s", c.item, target)
    return target


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


# ---- the loop ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchOptions:
    quiet: float = 10.0
    poll: float = 2.0
    once: bool = False


Report = Callable[[Path], None]


def _handle_all(root: Path, ctx: Context, claims: list[Claim], read: ReadDossier, report: Report) -> bool:
    """Handle claims in order; False when one must wait (database or broker down) — the rest waits too."""
    for c in claims:
        try:
            report(handle(root, ctx, c, read, as_of=date.today()))
        except (OperationalError, TryLaterError) as exc:
            log.warning("watch: %s must wait: %s", c.item, exc)
            return False
    return True


def watch(
    root: Path,
    ctx: Context,
    read: ReadDossier,
    opts: WatchOptions,
    *,
    report: Report = lambda _p: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Resume what a previous run left in .processing, then poll DIR; `opts.once`: one pass, then return."""
    prepare(root)
    tracked: dict[str, Seen] = {}
    first = True
    while True:
        claims = open_claims(root)  # left by a killed run, or by a poll that had to wait
        if _handle_all(root, ctx, claims, read, report):
            try:
                entries = scan(root)
            except OSError as exc:  # a network share gone for a moment: look again at the next poll
                log.warning("watch: cannot read %s: %s", root, exc)
                entries = []
            ready, tracked = stable_items(tracked, items_of(entries), now=clock(), quiet=opts.quiet)
            for item in ready:
                taken = claim(root, item)
                if taken is not None and not _handle_all(root, ctx, [taken], read, report):
                    break
        if opts.once and not first:
            return
        first = False
        sleep(opts.quiet if opts.once else opts.poll)
