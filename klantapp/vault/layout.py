"""File names inside a casebook folder, and what a folder holds.

A *generation* (epoch N) is three files: ``header-N.kvh``, ``snapshot-N.kvs`` and
``journal-N.kvj``. The header is written last, so a generation without one was never
committed. Casebooks made before headers were per generation have one
``casebook.header`` that names its epoch; it is read as that generation's header.

Nothing here deletes anything: which files may go is decided in :mod:`vault`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from klantapp.vault.fsio import TEMP_SUFFIX
from klantapp.vault.lock import LOCK_NAME

LEGACY_HEADER_NAME = "casebook.header"
_HEADER = "header-{epoch:08d}.kvh"
_SNAPSHOT = "snapshot-{epoch:08d}.kvs"
_JOURNAL = "journal-{epoch:08d}.kvj"
_GENERATION = re.compile(r"^(?:header-(\d{8,})\.kvh|snapshot-(\d{8,})\.kvs|journal-(\d{8,})\.kvj)$")
#: The bytes cut off a journal's torn tail, kept beside it: ``journal-N.kvj.torn-OFFSET``.
_TORN = re.compile(r"^journal-\d{8,}\.kvj\.torn-\d+(?:-\d+)?$")
#: Where ``klantapp repair`` puts the files it replaced (a folder in the casebook folder).
SET_ASIDE_PREFIX = "bewaard-"


def header_path(folder: Path, epoch: int) -> Path:
    return folder / _HEADER.format(epoch=epoch)


def snapshot_path(folder: Path, epoch: int) -> Path:
    return folder / _SNAPSHOT.format(epoch=epoch)


def journal_path(folder: Path, epoch: int) -> Path:
    return folder / _JOURNAL.format(epoch=epoch)


def generation_paths(folder: Path, epoch: int) -> tuple[Path, Path, Path]:
    return header_path(folder, epoch), snapshot_path(folder, epoch), journal_path(folder, epoch)


def torn_tail_path(journal: Path, offset: int) -> Path:
    return journal.with_name(f"{journal.name}.torn-{offset}")


def generation_epoch(name: str) -> int | None:
    """The epoch of a generation file (or its temp file), else None."""
    m = _GENERATION.match(name.removesuffix(TEMP_SUFFIX))
    if m is None:
        return None
    return int(next(g for g in m.groups() if g is not None))


def is_ours(name: str) -> bool:
    """A name the vault itself writes."""
    base = name.removesuffix(TEMP_SUFFIX)
    return (
        base in (LEGACY_HEADER_NAME, LOCK_NAME)
        or _GENERATION.match(base) is not None
        or _TORN.match(name) is not None
        or name.startswith(SET_ASIDE_PREFIX)
    )


@dataclass
class FolderScan:
    """What generation files a casebook folder holds (read once, changed by nobody)."""

    headers: dict[int, Path] = field(default_factory=dict)  # epoch -> header-N.kvh
    legacy_header: Path | None = None  # casebook.header, epoch only known once read
    files: dict[int, list[Path]] = field(default_factory=lambda: defaultdict(list))
    temps: list[Path] = field(default_factory=list)  # *.tmp: a write that never finished
    torn_tails: list[Path] = field(default_factory=list)  # bytes cut off a journal, kept

    @property
    def highest_epoch(self) -> int:
        """The highest epoch any generation or temp file names (-1 if none)."""
        epochs = [generation_epoch(p.name) for p in self.temps]
        return max([*self.files, *(e for e in epochs if e is not None)], default=-1)

    def others(self, epoch: int) -> list[Path]:
        """Generation files of every epoch but ``epoch`` (never temp files)."""
        return sorted(p for e, paths in self.files.items() if e != epoch for p in paths)


def scan(folder: Path) -> FolderScan:
    found = FolderScan()
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name == LEGACY_HEADER_NAME:
            found.legacy_header = entry
        elif name.endswith(TEMP_SUFFIX) and is_ours(name):
            found.temps.append(entry)
        elif _TORN.match(name):
            found.torn_tails.append(entry)
        elif (epoch := generation_epoch(name)) is not None:
            found.files[epoch].append(entry)
            if name.startswith("header-"):
                found.headers[epoch] = entry
    return found


def interrupted_create(folder: Path, empty_journal_bytes: int) -> list[Path] | None:
    """What an interrupted :meth:`Vault.create` left behind, to be removed before
    creating again; ``None`` if the folder holds anything else.

    Deliberately narrow: a casebook that lost only its header still has a journal
    with records or a later generation, and must never be "re-created" over.
    """
    debris = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name == LOCK_NAME:
            continue
        if (
            (name.endswith(TEMP_SUFFIX) and is_ours(name))
            or name == snapshot_path(folder, 0).name
            or (
                name == journal_path(folder, 0).name and entry.stat().st_size <= empty_journal_bytes
            )
        ):
            debris.append(entry)
        else:
            return None
    return debris
