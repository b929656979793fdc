"""Casebooks written by an earlier Klantapp open in this one, unchanged in content.

tests/data/casebook-v1 was made by the first release (schema 1, change records of
format 1, the demo caseload of 2026-11-22 with its 57 changes still in the journal, not
compacted), so opening it replays old records onto an old snapshot and then migrates."""

from __future__ import annotations

from pathlib import Path

import pytest

from klantapp.casebook import Casebook, migrations, queries
from klantapp.casebook.verify import verify

from .older_schema import SAMPLE_PASSPHRASE, copy_of_sample


@pytest.fixture
def old_casebook(tmp_path: Path) -> Path:
    return copy_of_sample(tmp_path)


def test_a_first_release_casebook_opens_migrates_and_keeps_its_data(old_casebook: Path) -> None:
    cb = Casebook.open(old_casebook, SAMPLE_PASSPHRASE)
    try:
        names = sorted(h["name"] for h in queries.list_households(cb))
        assert len(names) == 9
        with cb.reading() as conn:
            assert migrations.schema_version(conn) == migrations.latest_version()
            changes = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
        assert changes >= 57
        assert verify(cb).ok
    finally:
        cb.close()
    again = Casebook.open(old_casebook, SAMPLE_PASSPHRASE)  # after the migration's compaction
    try:
        assert sorted(h["name"] for h in queries.list_households(again)) == names
    finally:
        again.close()
