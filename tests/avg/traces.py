"""Where a family (tests/avg/conftest.py) still shows in a casebook: after a destruction
or a handover there must be no trace of it in any place data lives."""

from __future__ import annotations

import json
from pathlib import Path

from klantapp.casebook import Casebook, queries
from klantapp.casebook.jsonio import export_document
from klantapp.vault import OpenMode, Vault
from tests.avg.conftest import Family
from tests.conftest import PASSPHRASE


def decrypted_contents(path: Path) -> bytes:
    vault, contents = Vault.open(path, PASSPHRASE, mode=OpenMode.READ)
    try:
        return bytes(contents.snapshot) + b"".join(contents.records)
    finally:
        vault.close()


def vault_traces(path: Path, fam: Family) -> list[str]:
    """The markers in the decrypted snapshot and journal of a closed casebook."""
    raw = decrypted_contents(path)
    return [m for m in fam.markers if m.encode() in raw or m.lower().encode() in raw]


def traces(cb: Casebook, fam: Family) -> list[str]:
    """Where the family still shows in an open casebook: a description per place."""
    found = []
    for marker in fam.markers:
        if queries.search(cb, marker):
            found.append(f"search:{marker}")
    export = json.dumps(export_document(cb), ensure_ascii=False)
    found += [f"export:{m}" for m in fam.markers if m in export]
    ids = set(fam.ids.values()) | {fam.other}
    with cb.reading() as conn:
        for tbl, row_id, op in conn.execute("SELECT tbl, row_id, op FROM oplog"):
            if row_id in ids and op != "delete":
                found.append(f"oplog:{tbl}")
        summaries = [r[0] for r in conn.execute("SELECT summary FROM changes") if r[0]]
        found += [f"summary:{s}" for s in summaries if any(m in s for m in fam.markers)]
        for table in ("undo_log", "avg_access", "avg_requests", "avg_corrections"):
            column = "before_json" if table == "undo_log" else "value"
            for row_id, value in conn.execute(f"SELECT id, {column} FROM {table}"):
                text = f"{row_id} {value}"
                if any(i in text for i in ids):
                    found.append(f"{table}:{row_id}")
    return found
