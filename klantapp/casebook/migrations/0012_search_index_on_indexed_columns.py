"""Schema 12: an edit re-indexes a row for search only when it changes what is indexed.

Each search index is kept current by an ``AFTER UPDATE`` trigger (``<table>_fts_au``,
0001_initial.sql) that takes the row's old words out and puts its new words in. It
fired on every update, so setting a person's birth date, a household's status or
owner, or an appointment's time folded and re-indexed all the row's text for nothing
(about 50 microseconds of a commit's CPU for a person). Now each fires only on an
update of a column its own body reads (``old.<column>``/``new.<column>``: the indexed
text, and the column that keeps a row out of the index, ``notes.restricted`` or
``intake_scores.domain``); the body stays as it was. The index ends the same.
"""

from __future__ import annotations

import re
import sqlite3

_READS = re.compile(r"\b(?:old|new)\.(\w+)")


def upgrade(conn: sqlite3.Connection) -> None:
    triggers = conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master "
        "WHERE type = 'trigger' AND name = tbl_name || '_fts_au' ORDER BY name"
    ).fetchall()
    for name, table, sql in triggers:
        columns = [c for c in dict.fromkeys(_READS.findall(sql)) if c != "rowid"]
        event = f"AFTER UPDATE ON {table} "
        if event not in sql or not columns:
            raise RuntimeError(f"unexpected search index trigger {name}")
        conn.execute(f"DROP TRIGGER {name}")
        conn.execute(sql.replace(event, f"AFTER UPDATE OF {', '.join(columns)} ON {table} ", 1))


__all__ = ["upgrade"]
