"""Which generation opens, what an open may change, and what a damaged journal tail
means (issue 8, findings 2-5).

- An older generation beside a newer one never deletes the newer one: the newest
  readable one opens, the others are kept and reported (finding 2).
- A read-only open changes no file; a writing open only cuts a torn tail, after
  keeping the cut bytes in a side file (finding 3).
- A cut inside an earlier record loses saved changes: said plainly, and no writing
  without ``repair`` (finding 4).
- Zeros or noise after the last record (a power loss) open with a warning (finding 5).
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from klantapp.errors import CasebookDamaged, KlantappError
from klantapp.vault import OpenMode, Vault, journal

FRAME_HEAD = journal.FRAME_HEADER_BYTES
NONCE = 12


def record_starts(data: bytes) -> list[int]:
    starts, offset = [], journal.FILE_HEADER_BYTES
    while offset < len(data):
        starts.append(offset)
        (length,) = struct.unpack_from(">I", data, offset + 1)
        offset += FRAME_HEAD + NONCE + length
    return starts


def open_as(env, folder: Path, mode: OpenMode):
    vault, contents = Vault.open(folder, env.passphrase, mode=mode)
    vault.close()
    return contents


def put_back(old: Path, folder: Path) -> None:
    """What a restore or a sync client does: old files copied in, nothing removed."""
    for path in old.iterdir():
        if path.name != "casebook.lock":
            shutil.copy2(path, folder / path.name)


# -- finding 2: generations ----------------------------------------------------------


@pytest.fixture
def two_generations(env, fast_kdf) -> tuple[Path, Path]:
    """A casebook at epoch 2, and a copy of it from when it was at epoch 0."""
    folder = env.with_records(b"oud")
    old = env.copy(folder, "oude-versie")
    vault, _ = env.open(folder)
    vault.compact(b"tussenstand")
    vault.compact(b"nieuwste stand")
    vault.append(b"nieuw")
    vault.close()
    return folder, old


@pytest.mark.parametrize("mode", [OpenMode.READ, OpenMode.WRITE])
def test_an_older_generation_put_back_never_deletes_the_newer(env, two_generations, mode) -> None:
    folder, old = two_generations
    put_back(old, folder)
    before = env.state(folder)
    contents = open_as(env, folder, mode)
    assert (contents.snapshot, contents.records) == (b"nieuwste stand", [b"nieuw"])
    assert env.state(folder) == before  # every file kept, the newer and the older
    [warning] = contents.warnings
    for name in ("header-00000000.kvh", "snapshot-00000000.kvs", "journal-00000000.kvj"):
        assert name in warning
    # and a later compaction still deletes only what this session replaced
    vault, _ = env.open(folder)
    vault.compact(b"daarna")
    vault.close()
    assert {p.name for p in folder.iterdir()} >= {"snapshot-00000000.kvs", "journal-00000000.kvj"}
    assert not (folder / "snapshot-00000002.kvs").exists()
    assert (open_as(env, folder, OpenMode.READ).snapshot) == b"daarna"


def test_a_restored_old_header_alone_changes_nothing(env, two_generations) -> None:
    folder, old = two_generations
    shutil.copy2(env.header_file(old), folder)
    before = env.state(folder)
    contents = open_as(env, folder, OpenMode.WRITE)
    assert contents.records == [b"nieuw"]
    assert env.state(folder) == before


def test_a_damaged_newest_generation_falls_back_only_for_reading(env, two_generations) -> None:
    folder, old = two_generations
    put_back(old, folder)
    newest = folder / "header-00000002.kvh"
    data = bytearray(newest.read_bytes())
    data[20] ^= 1
    newest.write_bytes(bytes(data))
    before = env.state(folder)

    contents = open_as(env, folder, OpenMode.READ)  # e.g. verify, export, search
    assert (contents.snapshot, contents.records) == (env.snapshot, [b"oud"])
    assert any("versie 2" in w and "versie 0" in w for w in contents.warnings)
    with pytest.raises(CasebookDamaged) as refused:
        open_as(env, folder, OpenMode.WRITE)
    assert "klantapp repair" in str(refused.value)
    assert env.state(folder) == before

    vault, contents = Vault.open(folder, env.passphrase, mode=OpenMode.REPAIR)
    vault.compact(b"verder vanaf versie 0")
    set_aside = vault.set_aside_folder
    vault.close()
    assert set_aside is not None and set_aside.parent == folder
    assert {p.name for p in set_aside.iterdir()} == {n for n in before if n != "casebook.lock"}
    assert {p.name: p.read_bytes() for p in set_aside.iterdir()} == before
    contents = open_as(env, folder, OpenMode.WRITE)
    assert (contents.snapshot, contents.warnings) == (b"verder vanaf versie 0", [])


def test_an_interrupted_newer_generation_is_kept_not_opened(env, fast_kdf) -> None:
    folder = env.with_records(b"een")
    (folder / "snapshot-00000001.kvs").write_bytes(b"half geschreven")  # no header: uncommitted
    contents = open_as(env, folder, OpenMode.WRITE)
    assert contents.records == [b"een"]
    assert "snapshot-00000001.kvs" in contents.warnings[0]
    assert (folder / "snapshot-00000001.kvs").read_bytes() == b"half geschreven"
    vault, _ = env.open(folder)
    vault.compact(b"verder")  # skips the number that is in use
    assert vault.epoch == 2
    vault.close()
    assert (folder / "snapshot-00000001.kvs").read_bytes() == b"half geschreven"


# -- finding 3: a read-only open changes nothing -------------------------------------


def test_a_read_only_open_changes_no_file(env, fast_kdf) -> None:
    folder = env.with_records(b"een")
    journal_file = env.journal_file(folder)
    with open(journal_file, "ab") as handle:
        handle.write(b"\xc5\x00\x00")  # a torn append
    (folder / "snapshot-00000007.kvs.tmp").write_bytes(b"\x00" * 10)  # an interrupted write
    before = env.state(folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    contents = open_as(env, folder, OpenMode.READ)
    assert contents.records == [b"een"] and contents.warnings == [journal.TORN_WARNING]
    assert env.state(folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    with pytest.raises(KlantappError, match="alleen geopend om te lezen"):
        vault, _ = Vault.open(folder, env.passphrase, mode=OpenMode.READ)
        try:
            vault.append(b"twee")
        finally:
            vault.close()


def test_a_writing_open_keeps_the_torn_tail_aside(env, fast_kdf) -> None:
    folder = env.with_records(b"een", b"de laatste, half geschreven")
    journal_file = env.journal_file(folder)
    data = journal_file.read_bytes()
    cut = record_starts(data)[1] + 30
    journal_file.write_bytes(data[:cut])
    contents = open_as(env, folder, OpenMode.WRITE)
    assert contents.records == [b"een"] and contents.warnings == [journal.TORN_WARNING]
    kept = folder / f"{journal_file.name}.torn-{record_starts(data)[1]}"
    assert kept.read_bytes() == data[record_starts(data)[1] : cut]  # still encrypted
    assert journal_file.read_bytes() == data[: record_starts(data)[1]]
    assert b"half geschreven" not in kept.read_bytes()
    contents = open_as(env, folder, OpenMode.WRITE)
    assert contents.warnings == []  # and the side file is not mistaken for anything


# -- finding 4: a cut inside an earlier record -----------------------------------------


@pytest.fixture
def cut_in_the_middle(env, fast_kdf) -> Path:
    """Five records; bytes cut out of record 2 so that the file ends inside its declared
    length while records 3 to 5 still follow: 4 saved changes are lost, not one."""
    vault, folder = env.create()
    for record in (b"een", b"twee" * 300, b"drie", b"vier", b"vijf"):
        vault.append(record)
    vault.close()
    path = env.journal_file(folder)
    data = path.read_bytes()
    second = record_starts(data)[1]
    path.write_bytes(data[: second + 100] + data[second + 700 :])
    return folder


def test_lost_changes_are_counted_and_refuse_writing(env, cut_in_the_middle) -> None:
    folder = cut_in_the_middle
    before = env.state(folder)
    with pytest.raises(CasebookDamaged) as refused:
        open_as(env, folder, OpenMode.WRITE)
    message = str(refused.value)
    assert "4 opgeslagen wijzigingen" in message and "klantapp repair" in message
    assert "niet volledig opgeslagen" not in message
    contents = open_as(env, folder, OpenMode.READ)
    assert contents.records == [b"een"]
    assert any("4 opgeslagen wijzigingen" in w for w in contents.warnings)
    assert env.state(folder) == before


def test_repair_continues_with_what_is_readable_and_keeps_the_originals(
    env, cut_in_the_middle
) -> None:
    folder = cut_in_the_middle
    before = env.state(folder)
    vault, contents = Vault.open(folder, env.passphrase, mode=OpenMode.REPAIR)
    assert (contents.records, contents.lost) == ([b"een"], 4)
    with pytest.raises(KlantappError):
        vault.append(b"nog niet")  # nothing is appended to the damaged journal
    vault.compact(b"een, hersteld")
    vault.append(b"na het herstel")
    aside = vault.set_aside_folder
    vault.close()
    assert aside is not None
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == before
    contents = open_as(env, folder, OpenMode.WRITE)
    assert (contents.snapshot, contents.records, contents.warnings) == (
        b"een, hersteld",
        [b"na het herstel"],
        [],
    )


# -- finding 5: zeros or noise after the last record ---------------------------------


@pytest.mark.parametrize("tail", [b"\x00" * 9, b"\x00" * 512, b"\x00" * 4096, b"\xff" * 100])
def test_a_power_loss_tail_opens_with_a_warning(env, fast_kdf, tail) -> None:
    folder = env.with_records(b"een", b"twee")
    path = env.journal_file(folder)
    intact = path.read_bytes()
    path.write_bytes(intact + tail)
    contents = open_as(env, folder, OpenMode.READ)
    assert contents.records == [b"een", b"twee"]
    assert contents.warnings == [journal.GARBAGE_WARNING]
    assert path.read_bytes() == intact + tail  # reading changed nothing
    contents = open_as(env, folder, OpenMode.WRITE)
    assert contents.records == [b"een", b"twee"]
    assert path.read_bytes() == intact
    assert (folder / f"{path.name}.torn-{len(intact)}").read_bytes() == tail
    vault, _ = env.open(folder)
    vault.append(b"drie")
    vault.close()
    assert open_as(env, folder, OpenMode.WRITE).records == [b"een", b"twee", b"drie"]


def test_noise_with_a_record_start_in_it_still_refuses(env, fast_kdf) -> None:
    """A tail that holds something looking like a record is not power-loss noise."""
    folder = env.with_records(b"een", b"twee")
    path = env.journal_file(folder)
    data = path.read_bytes()
    last = data[record_starts(data)[1] :]
    path.write_bytes(data + b"\x00" * 40 + last)
    with pytest.raises(CasebookDamaged):
        open_as(env, folder, OpenMode.READ)


def test_a_damaged_frame_header_of_the_last_record_is_not_noise(env, fast_kdf) -> None:
    folder = env.with_records(b"een", b"twee")
    path = env.journal_file(folder)
    data = bytearray(path.read_bytes())
    data[record_starts(bytes(data))[1] + 2] ^= 0x10  # one bit of its length
    path.write_bytes(bytes(data))
    with pytest.raises(CasebookDamaged, match="beschadigd"):
        open_as(env, folder, OpenMode.READ)
