"""Between record values (plain JSON-able Python) and SQLite column values."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from klantapp.domain.records import RECORD_KINDS, Field

_JSON_KINDS = frozenset({"textlist", "multichoice", "json"})
_BOOL_KINDS = frozenset({"bool"})


def _field_map(kind: str) -> dict[str, Field]:
    return {f.name: f for f in RECORD_KINDS[kind].fields}


_FIELDS: dict[str, dict[str, Field]] = {k: _field_map(k) for k in RECORD_KINDS}


#: Per record kind, the fields whose value is stored in another form: name -> kind.
_CONVERTED: dict[str, dict[str, str]] = {
    k: {n: f.kind for n, f in fields.items() if f.kind in _JSON_KINDS | _BOOL_KINDS}
    for k, fields in _FIELDS.items()
}


def to_sql(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Record values -> column values (lists and dicts as JSON text, bools as 0/1)."""
    converted = _CONVERTED.get(kind)
    if converted is None:  # internal tables (settings) store JSON text in "value"
        return {
            k: (json.dumps(v, ensure_ascii=False) if k == "value" else v) for k, v in values.items()
        }
    out = dict(values)
    for name in converted.keys() & out.keys():
        value = out[name]
        if value is None:
            continue
        if converted[name] in _JSON_KINDS:
            out[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            out[name] = 1 if value else 0
    return out


def _reader(f: Field) -> Callable[[Any], Any] | None:
    if f.kind in _JSON_KINDS:
        return json.loads
    if f.kind in _BOOL_KINDS:
        return bool
    return None


#: Per record kind, the columns whose values need converting back, with how: every
#: other column is its record value as it is (read on every row of a list: keep short).
_READERS: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    kind: tuple((name, r) for name, f in fields.items() if (r := _reader(f)) is not None)
    for kind, fields in _FIELDS.items()
}


def from_sql(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """Column values -> record values."""
    readers = _READERS.get(kind)
    if readers is None:
        return {k: (json.loads(v) if k == "value" and v is not None else v) for k, v in row.items()}
    out = dict(row)
    for name, read in readers:
        value = out.get(name)
        if value is not None:
            out[name] = read(value)
    return out


def converted_columns(kind: str) -> frozenset[str]:
    """The columns of ``kind`` whose values :func:`from_sql` converts (the others are
    their record values as they are): a reader of a few plain columns may skip it."""
    return frozenset(name for name, _read in _READERS.get(kind, ()))
