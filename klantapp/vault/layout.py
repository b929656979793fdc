"""File names inside a casebook folder, and which leftovers may be cleaned up."""

from __future__ import annotations

import re
from pathlib import Path

from klantapp.vault.fsio import TEMP_SUFFIX
from klantapp.vault.lock import LOCK_NAME

HEADER_NAME = "casebook.header"
_SNAPSHOT = "snapshot-{epoch:08d}.kvs"
_JOURNAL = "journal-{epoch:08d}.kvj"
_GENERATION = re.compile(r"^(snapshot|journal)-(\d{8,})\.(kvs|kvj)$")


def header_path(folder: Path) -> Path:
    return folder / HEADER_NAME


def snapshot_path(folder: Path, epoch: int) -> Path:
    return folder / _SNAPSHOT.format(epoch=epoch)


def journal_path(folder: Path, epoch: int) -> Path:
    return folder / _JOURNAL.format(epoch=epoch)


def is_ours(name: str) -> bool:
    """A name the vault itself writes."""
    base = name.removesuffix(TEMP_SUFFIX)
    return base in (HEADER_NAME, LOCK_NAME) or _GENERATION.match(base) is not None


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


def leftovers(folder: Path, current_epoch: int) -> list[Path]:
    """Temp files and other generations' files: debris of an interrupted write.

    Only called once the current generation has been read and authenticated, so a
    forged header can never make us delete the real data.
    """
    keep = {snapshot_path(folder, current_epoch).name, journal_path(folder, current_epoch).name}
    found = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        debris = name.endswith(TEMP_SUFFIX) and is_ours(name)
        other_generation = _GENERATION.match(name) is not None and name not in keep
        if debris or other_generation:
            found.append(entry)
    return found
