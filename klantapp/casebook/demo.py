"""A realistic, entirely fictional caseload for demonstrations, screenshots and tests.

The caseload is ``demo.json`` beside this module: a document in the export format
(docs/json-format.md), so it doubles as a living example of it. Its dates are those of
a demo made on :data:`ANCHOR`; :func:`fill_demo` moves every full date and date-time by
the days between then and today, so today's agenda and the deadline list always have
something to show, and imports it in one transaction (all or nothing).

Every name, number and address in it is invented. BSNs pass the elfproef but were
generated, V-nummers are made up.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.jsonio import import_document
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS

#: The day the dates in demo.json were written for.
ANCHOR = date(2026, 11, 22)


@cache
def _document() -> str:
    return (resources.files(__package__) / "demo.json").read_text(encoding="utf-8")


def demo_document(today: date | None = None) -> dict[str, Any]:
    """The demo caseload as an export document, its dates moved to ``today``."""
    doc: dict[str, Any] = json.loads(_document())
    shift = timedelta(days=((today or date.today()) - ANCHOR).days)
    if shift:
        doc["partners"] = [_shifted("partners", p, shift) for p in doc.get("partners", [])]
        doc["households"] = [_shifted_household(h, shift) for h in doc["households"]]
    return doc


def _shifted_household(h: dict[str, Any], shift: timedelta) -> dict[str, Any]:
    out = _shifted("households", h, shift)
    for child in HOUSEHOLD_CHILDREN:
        if child in h:
            out[child] = [_shifted(child, r, shift) for r in h[child]]
    return out


def _shifted(kind: str, record: dict[str, Any], shift: timedelta) -> dict[str, Any]:
    out = dict(record)
    for f in RECORD_KINDS[kind].fields:
        value = record.get(f.name)
        if not isinstance(value, str):
            continue
        if f.kind == "datetime":
            out[f.name] = (datetime.fromisoformat(value) + shift).strftime("%Y-%m-%dT%H:%M")
        elif f.kind in ("date", "partial_date") and len(value) == 10:
            out[f.name] = (date.fromisoformat(value) + shift).isoformat()
    return out


def _settings() -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(_document())["settings"]
    return settings


#: The demo gemeente's letterhead and klantmanager (letters, benches).
GEMEENTE: dict[str, Any] = _settings()["gemeente"]
KLANTMANAGER: str = _settings()["klantmanager"]["name"]


def fill_demo(cb: Casebook, *, today: date | None = None) -> dict[str, int]:
    """Fill ``cb`` with the demo caseload in one transaction, made by the demo's own
    klantmanager (the Logboek shows her name, not the computer account that ran the
    command). Returns counts per record kind (and ``"settings"``)."""
    previous, cb.actor = cb.actor, KLANTMANAGER
    try:
        return import_document(cb, demo_document(today))
    finally:
        cb.actor = previous
