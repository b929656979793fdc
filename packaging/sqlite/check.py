"""Checks that this Python's ``sqlite3`` runs on the SQLite we ship and that it does
what the casebook needs:  python check.py VERSION SOURCE_ID

FTS5 with the casebook's tokenizer options, a user function, ``serialize`` and
``deserialize`` (the vault's in-memory open), and the C functions the one-copy open
calls (klantapp/casebook/sqlitemem.py). Exit 1 with the reason on stderr otherwise.
"""

import ctypes
import os
import sqlite3
import sys


def main(version: str, source_id: str) -> str:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    found = conn.execute("SELECT sqlite_version(), sqlite_source_id()").fetchone()
    if found != (version, source_id):
        return f"runs on SQLite {found[0]} ({found[1]}), not {version} ({source_id})"
    conn.create_function("kfold", 1, str.casefold, deterministic=True)
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(name, tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO t VALUES (kfold('Mehmet Şükrü Yılmaz'))")
    snapshot = conn.serialize()
    copy = sqlite3.connect(":memory:")
    copy.deserialize(snapshot)
    hits = copy.execute("SELECT name FROM t WHERE t MATCH 'sukru'").fetchall()
    if len(hits) != 1:
        return f"FTS5 after deserialize found {hits!r}"
    import _sqlite3

    lib = ctypes.CDLL("sqlite3.dll" if os.name == "nt" else _sqlite3.__file__)
    for name in ("sqlite3_malloc64", "sqlite3_deserialize", "sqlite3_auto_extension"):
        getattr(lib, name)  # AttributeError if missing
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    if lib.sqlite3_libversion().decode() != version:
        return "ctypes reaches another SQLite than the sqlite3 module"
    return ""


if __name__ == "__main__":
    problem = main(sys.argv[1], sys.argv[2])
    if problem:
        print(f"sqlite check: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"sqlite check: SQLite {sys.argv[1]} with FTS5, serialize/deserialize: ok")
