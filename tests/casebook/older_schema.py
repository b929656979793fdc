"""What the migration tests start from: an empty casebook database at an older schema
version, a copy of the sample casebook of the first release, an export of an older
format."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from klantapp.casebook.migrations import available, migrate
from klantapp.casebook.textfold import fold


def at_schema(version: int) -> sqlite3.Connection:
    """An in-memory database with the migrations up to `version` applied, and the
    functions the schema's triggers call, so a test can fill it and migrate further."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.create_function("kfold", 1, fold, deterministic=True)
    migrate(conn, [m for m in available() if m.version <= version])
    return conn


#: A casebook made by the first release (schema 1; see test_older_casebooks.py).
SAMPLE = Path(__file__).parent.parent / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"


def copy_of_sample(tmp_path: Path) -> Path:
    """A copy of the sample casebook with the modes Klantapp gives its folders."""
    target = tmp_path / "oud-dossier"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    for f in target.iterdir():
        os.chmod(f, 0o600)
    return target


def export_of(version: int, pips: list[dict[str, Any]]) -> dict[str, Any]:
    """An export of format ``version``: household h1 with member p1 and these PIPs."""
    return {
        "format": "klantapp-casebook",
        "format_version": version,
        "households": [
            {
                "id": "h1",
                "name": "Haile",
                "status": "traject",
                "persons": [{"id": "p1", "role": "aanvrager", "family_name": "Haile"}],
                "pips": pips,
            }
        ],
    }
