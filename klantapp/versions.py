"""Which SQLite the casebook runs on: named by ``klantapp --version`` and the About
dialog, because search speed and behaviour depend on it and differ per platform."""

from __future__ import annotations

import sqlite3


def sqlite_version() -> str:
    """The SQLite library the casebook's connections use, as that library reports it."""
    conn = sqlite3.connect(":memory:")
    try:
        version: str = conn.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        conn.close()
    return version


def version_line() -> str:
    from klantapp import __version__

    return f"klantapp {__version__} (SQLite {sqlite_version()})"
