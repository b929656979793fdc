"""Opening holds the decrypted database in memory once: the vault decrypts straight
into memory SQLite takes over, with no Python-side copy of the whole database, and a
refused open leaves no plaintext behind (issue 15)."""

from __future__ import annotations

import random
import tracemalloc
import uuid
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, sqlitemem
from klantapp.errors import CasebookTampered
from klantapp.vault import KdfParams
from klantapp.vault import snapshot as snapshots
from tests.conftest import PASSPHRASE

WORDS = [
    "taalschool",
    "kinderopvang",
    "huisarts",
    "werk",
    "gesprek",
    "tolk",
    "woning",
    "diploma",
    "rijbewijs",
]


@pytest.fixture(scope="module")
def big_casebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed, compacted casebook of a few megabytes (journal folded in)."""
    path = tmp_path_factory.mktemp("geheugen") / "dossier"
    rnd = random.Random(5)
    cb, _secret = Casebook.create(path, PASSPHRASE, kdf=KdfParams.for_tests(), actor="tester")
    with cb.transaction(actor="tester") as tx:
        for h in range(60):
            hid = str(uuid.UUID(int=rnd.getrandbits(128)))
            tx.insert("households", {"id": hid, "name": f"Gezin {h}", "status": "traject"})
            for n in range(40):
                text = " ".join(rnd.choice(WORDS) + str(rnd.randrange(10**6)) for _ in range(120))
                tx.insert(
                    "notes",
                    {
                        "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                        "household_id": hid,
                        "created_at": f"2026-01-{1 + n % 28:02d}T10:00",
                        "author": "tester",
                        "text": text,
                    },
                )
    cb.compact()
    cb.close()
    return path


def _database_bytes(cb: Casebook) -> int:
    with cb.reading() as conn:
        pages: int = conn.execute("PRAGMA page_count").fetchone()[0]
        size: int = conn.execute("PRAGMA page_size").fetchone()[0]
    return pages * size


def _notes(cb: Casebook) -> int:
    with cb.reading() as conn:
        count: int = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    return count


def test_the_bridge_reaches_the_sqlite_python_uses() -> None:
    # Where this fails, every open falls back to copying (twice the memory).
    assert sqlitemem.library() is not None


def test_open_holds_the_database_once(big_casebook: Path) -> None:
    lib = sqlitemem.library()
    assert lib is not None
    lib.memory_highwater(1)  # reset SQLite's own peak
    sqlite_before = lib.memory_used()
    tracemalloc.start()
    try:
        cb = Casebook.open(big_casebook, PASSPHRASE)
        _now, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sqlite_peak = lib.memory_highwater(0) - sqlite_before
    try:
        db = _database_bytes(cb)
        assert db > 3_000_000  # big enough that a whole copy stands out of the rest
        # Copying the whole database in Python (the old bytearray) is 1x by itself: the
        # copying fallback fails here (1.25x of this casebook).
        assert python_peak < 0.5 * db
        # Everything together: one copy plus working memory (the old path: 2x).
        assert python_peak + sqlite_peak < 1.5 * db
        assert _notes(cb) == 60 * 40
    finally:
        cb.close()


def test_without_the_bridge_the_open_copies_and_still_works(
    big_casebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlitemem, "library", lambda: None)
    cb = Casebook.open(big_casebook, PASSPHRASE, writable=False)
    try:
        assert _notes(cb) == 60 * 40
    finally:
        cb.close()


def test_a_refused_chunk_frees_the_buffer(big_casebook: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "dossier"
    shutil.copytree(big_casebook, copy)
    (snapshot_file,) = copy.glob("snapshot-*.kvs")
    data = bytearray(snapshot_file.read_bytes())
    data[len(data) // 2] ^= 1  # a chunk in the middle: half the database already decrypted
    snapshot_file.write_bytes(bytes(data))
    lib = sqlitemem.library()
    assert lib is not None
    before = lib.memory_used()
    with pytest.raises(CasebookTampered):
        Casebook.open(copy, PASSPHRASE)
    assert lib.memory_used() - before < 1_000_000  # the multi-megabyte buffer is gone


def test_a_refused_chunk_zeroes_what_was_decrypted(env_free_snapshot: Path) -> None:
    kept: list[memoryview] = []

    def allocate(size: int) -> memoryview:
        kept.append(snapshots.in_bytearray(size))
        return kept[-1]

    with pytest.raises(CasebookTampered):
        snapshots.decrypt_file(
            env_free_snapshot, allocate=allocate, **_SNAPSHOT_KEYS, expected_salt=_SALT
        )
    assert len(kept) == 1 and len(kept[0]) == 4 * 64
    assert bytes(kept[0]) == bytes(4 * 64)


_SALT = b"s" * 32
_SNAPSHOT_KEYS = {"dek": bytearray(b"k" * 32), "casebook_id": b"c" * 16, "epoch": 1}


@pytest.fixture
def env_free_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A four-chunk snapshot file whose third chunk is altered."""
    monkeypatch.setattr(snapshots, "CHUNK_SIZE", 64)
    data = bytearray(
        snapshots.encrypt(b"PLAINTEXT-" * 25 + b"123456", **_SNAPSHOT_KEYS, salt=_SALT)
    )
    header = 8 + 32 + 4 + 4
    data[header + 2 * (64 + 16) + 5] ^= 1
    path = tmp_path / "snapshot.kvs"
    path.write_bytes(bytes(data))
    return path
