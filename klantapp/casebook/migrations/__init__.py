"""Ordered schema migrations.

Each migration is a numbered file beside this module: ``NNNN_name.sql`` (statements)
or ``NNNN_name.py`` (a module with ``upgrade(conn)``, for migrations that change tables
or move data; sqlite-utils does the table work there). The schema version of a casebook
is SQLite's ``user_version``. Migrations only ever move forward, all pending ones run in
one transaction, and a casebook written by a newer Klantapp is refused rather than
guessed at.

Journal records are replayed onto their own generation's snapshot *before* the
migrations run, so the code that applies records of an older format must only use
tables and columns that existed for that format (see ``ops.RECORD_FORMAT``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from klantapp.errors import KlantappError
from klantapp.i18n import _

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str = ""
    upgrade: Callable[[sqlite3.Connection], None] | None = None

    def run(self, conn: sqlite3.Connection) -> None:
        if self.upgrade is not None:
            self.upgrade(conn)
        for statement in _statements(self.sql):
            conn.execute(statement)


def available() -> list[Migration]:
    found = []
    # SQL migrations are package data; Python ones are modules, found as modules: a
    # frozen build keeps them in its archive, where no folder listing shows them.
    for entry in resources.files(__package__).iterdir():
        m = _NAME.match(entry.name)
        if m and m.group(2) == "sql":
            found.append(Migration(int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(f"{info.name}.py")
        if m:
            module = importlib.import_module(f"{__package__}.{info.name}")
            found.append(Migration(int(m.group(1)), f"{info.name}.py", upgrade=module.upgrade))
    found.sort(key=lambda mig: mig.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migration numbering has a gap at {mig.name}")
    return found


def latest_version(migrations: list[Migration] | None = None) -> int:
    migs = available() if migrations is None else migrations
    return migs[-1].version if migs else 0


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Bring the schema up to date; returns the versions applied (in one transaction)."""
    migs = available() if migrations is None else migrations
    current = schema_version(conn)
    newest = latest_version(migs)
    if current > newest:
        raise KlantappError(
            _(
                "Dit dossierbestand heeft schemaversie {current}; deze Klantapp kent tot "
                "versie {newest}."
            ).format(current=current, newest=newest),
            hint=_("Installeer de nieuwste versie van Klantapp."),
        )
    applied: list[int] = []
    pending = [m for m in migs if m.version > current]
    if not pending:
        return applied
    conn.execute("BEGIN")
    try:
        for mig in pending:
            mig.run(conn)
            conn.execute(f"PRAGMA user_version = {mig.version:d}")
            applied.append(mig.version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN ... END)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
