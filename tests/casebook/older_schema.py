"""An empty casebook database at an older schema version, for the migration tests."""

from __future__ import annotations

import sqlite3

from klantapp.casebook.migrations import available, migrate
from klantapp.casebook.textfold import fold


def at_schema(version: int) -> sqlite3.Connection:
    """An in-memory database with the migrations up to `version` applied, and the
    functions the schema's triggers call, so a test can fill it and migrate further."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.create_function("kfold", 1, fold, deterministic=True)
    migrate(conn, [m for m in available() if m.version <= version])
    return conn
