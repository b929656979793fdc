"""The JSON exchange format: export, all-or-nothing import, and its JSON Schema.

A document holds the casebook's settings, its ketenpartners and its households, each
household with every record under it nested by kind. Fields without a value are left
out. Export, import into an empty casebook and export again gives the same document.
The format is described in ``docs/json-format.md``; ``docs/casebook.schema.json`` is
generated from the record registry by :func:`json_schema`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from klantapp.casebook.casebook import Casebook, tx_set_setting
from klantapp.casebook.queries import _CHILD_ORDER, _rows
from klantapp.casebook.services import check_references
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS, Field
from klantapp.domain.settings import SETTINGS, Setting, setting, validate_setting
from klantapp.domain.upgrade import (
    decisions_from_v1,
    leerbaarheid_outcome_from_text,
    modules_from_v2,
    permit_basis_from_text,
    pip_notes_with_attempts,
    pip_with_integratieroute,
)
from klantapp.domain.validate import validate_record
from klantapp.errors import InvalidInput, Problem
from klantapp.i18n import _

FORMAT = "klantapp-casebook"
FORMAT_VERSION = 4
#: Older versions import too: :func:`upgrade_document` brings them up to date first.
READABLE_VERSIONS = (1, 2, 3, 4)
_TOP_KEYS = {"format", "format_version", "settings", "partners", "households"}


def load_document(raw: bytes, source: str) -> Any:
    """Parse a JSON document (UTF-8; a byte-order mark, as Windows Notepad writes it, is
    fine). InvalidInput, with ``source`` as the record, for anything that is not JSON or
    is nested absurdly deep. (What parses is then checked field by field: no field of
    the format takes nested values, so nothing deep reaches the casebook.)"""

    def refused(message: str) -> InvalidInput:
        return InvalidInput([Problem(source, "(bestand)", message)])

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(_("Geen geldige JSON: het bestand is niet in UTF-8.")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise refused(
            _("Geen geldige JSON (regel {line}, kolom {column}).").format(
                line=exc.lineno, column=exc.colno
            )
        ) from None
    except RecursionError:
        raise refused(
            _(
                "Het bestand is zo diep genest (lijsten in lijsten) dat het geen "
                "Klantapp-export kan zijn."
            )
        ) from None


def _strip(kind: str, row: dict[str, Any], drop: str | None = None) -> dict[str, Any]:
    """Record -> document object: id first, then the registry's field order, no nulls."""
    out: dict[str, Any] = {"id": row["id"]}
    for f in RECORD_KINDS[kind].fields:
        value = row.get(f.name)
        if f.name != drop and value is not None:
            out[f.name] = value
    return out


def export_document(cb: Casebook) -> dict[str, Any]:
    """The whole casebook as a JSON-able document (health notes included: the caller
    decides where it goes)."""
    with cb.reading() as conn:
        partners = _rows(conn, "partners", "SELECT * FROM partners ORDER BY name, id")
        households = _rows(conn, "households", "SELECT * FROM households ORDER BY name, id")
        children: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for child in HOUSEHOLD_CHILDREN:
            for row in _rows(
                conn, child, f"SELECT * FROM {child} ORDER BY {_CHILD_ORDER[child]}, id"
            ):
                children.setdefault(row["household_id"], {}).setdefault(child, []).append(row)
    doc_households = []
    for h in households:
        obj = _strip("households", h)
        for child in HOUSEHOLD_CHILDREN:
            rows = children.get(h["id"], {}).get(child, [])
            if rows:
                obj[child] = [_strip(child, r, drop="household_id") for r in rows]
        doc_households.append(obj)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "settings": {
            key: value for key in sorted(SETTINGS) if (value := cb.get_setting(key)) is not None
        },
        "partners": [_strip("partners", p) for p in partners],
        "households": doc_households,
    }


def upgrade_document(doc: Any) -> Any:
    """An older document in the current format (a new object; anything else is returned
    as it is): format 1 first becomes format 2 (:func:`_upgrade_v1`), format 2 becomes
    format 3 (:func:`_upgrade_v2`), format 3 becomes format 4 (:func:`_upgrade_v3`)."""
    if isinstance(doc, dict) and doc.get("format_version") == 1:
        doc = _upgrade_v1(doc)
    if isinstance(doc, dict) and doc.get("format_version") == 2:
        doc = _upgrade_v2(doc)
    if isinstance(doc, dict) and doc.get("format_version") == 3:
        doc = _upgrade_v3(doc)
    return doc


def _with_households(
    doc: dict[str, Any],
    version: int,
    upgrade: Callable[[dict[str, Any], list[Any]], dict[str, Any]],
) -> dict[str, Any]:
    """The document as ``version``, with ``upgrade(household, pips)`` giving each
    household that has a list of PIP versions anew (the others as they are)."""
    out = {**doc, "format_version": version}
    households = doc.get("households")
    if not isinstance(households, list):
        return out
    upgraded: list[Any] = []
    for h in households:
        pips = h.get("pips") if isinstance(h, dict) else None
        if not isinstance(h, dict) or not isinstance(pips, list):
            upgraded.append(h)
            continue
        upgraded.append(upgrade(h, pips))
    out["households"] = upgraded
    return out


def _upgrade_v3(doc: dict[str, Any]) -> dict[str, Any]:
    """Format 3 -> 4: the PIP's free-text ``goal`` becomes a line of its toelichting,
    and the PIP gets the integratieroute its leerroute leads to (the conversion of the
    schema migration 0010)."""

    def upgrade(h: dict[str, Any], pips: list[Any]) -> dict[str, Any]:
        return {
            **h,
            "pips": [pip_with_integratieroute(p) if isinstance(p, dict) else p for p in pips],
        }

    return _with_households(doc, 4, upgrade)


def _upgrade_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Format 2 -> 3: the PIP's ``pvt_signed`` becomes a PVT module, ``knm_done`` a
    passed KNM exam attempt, and the count ``exam_attempts`` a line in the PIP's
    toelichting (the conversions of the schema migration 0009)."""
    old = ("pvt_signed", "knm_done", "exam_attempts")

    def upgrade(h: dict[str, Any], pips: list[Any]) -> dict[str, Any]:
        found = modules_from_v2([p for p in pips if isinstance(p, dict) and "id" in p])
        new_h = dict(h)
        new_pips = []
        for p in pips:
            if isinstance(p, dict):
                notes = pip_notes_with_attempts(p.get("notes"), p.get("exam_attempts"))
                p = {k: v for k, v in p.items() if k not in old}
                if notes is not None:
                    p["notes"] = notes
            new_pips.append(p)
        new_h["pips"] = new_pips
        for record in found:
            kind = str(record.pop("_kind"))
            record.pop("household_id", None)
            given = new_h.get(kind)
            new_h[kind] = [*(given if isinstance(given, list) else []), record]
        return new_h

    return _with_households(doc, 3, upgrade)


def _upgrade_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Format 1 -> 2. Format 1 kept ``termijn_start`` on the person and
    ``extension_months`` on each PIP version; format 2 has them as DUO decisions
    (``duo_decisions``), and adds the permit basis, read from the free-text
    ``permit_type`` where its words are clear (the text is kept). The conversions are
    those of the schema migration 0007."""
    households = doc.get("households")
    out = {**doc, "format_version": 2}
    if not isinstance(households, list):
        return out
    upgraded = []
    for h in households:
        if not isinstance(h, dict):
            upgraded.append(h)
            continue
        persons = [p for p in h.get("persons") or [] if isinstance(p, dict)]
        pips = [p for p in h.get("pips") or [] if isinstance(p, dict)]
        hid = h.get("id")
        found = decisions_from_v1(
            [{**p, "household_id": hid} for p in persons if "id" in p],
            [{**p, "household_id": hid} for p in pips if "id" in p],
        )
        new_h = dict(h)
        if "persons" in h and isinstance(h["persons"], list):
            new_h["persons"] = [_upgrade_person(p) for p in h["persons"]]
        if "pips" in h and isinstance(h["pips"], list):
            new_h["pips"] = [
                {k: v for k, v in p.items() if k != "extension_months"}
                if isinstance(p, dict)
                else p
                for p in h["pips"]
            ]
        if found:
            given = h.get("duo_decisions")
            existing: list[Any] = given if isinstance(given, list) else []
            new_h["duo_decisions"] = [
                *existing,
                *({k: v for k, v in d.items() if k != "household_id"} for d in found),
            ]
        upgraded.append(new_h)
    out["households"] = upgraded
    return out


def _upgrade_person(person: Any) -> Any:
    if not isinstance(person, dict):
        return person
    p = {k: v for k, v in person.items() if k != "termijn_start"}
    if not p.get("permit_basis"):
        basis = permit_basis_from_text(p.get("permit_type"))
        if basis is not None:
            p["permit_basis"] = basis
    if not p.get("leerbaarheid_outcome"):
        outcome = leerbaarheid_outcome_from_text(p.get("leerbaarheid_result"))
        if outcome is not None:
            p["leerbaarheid_outcome"] = outcome
    return p


def _collect(
    doc: Any,
) -> tuple[list[tuple[str, str, dict[str, Any]]], dict[str, Any], list[Problem]]:
    """Flatten a document into (kind, where, values) in insertion order, checking shape."""
    problems: list[Problem] = []
    records: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(doc, dict):
        return [], {}, [Problem("", "(document)", _("Het bestand is geen JSON-object."))]
    if doc.get("format") != FORMAT:
        problems.append(Problem("", "format", _('Verwacht "{format}".').format(format=FORMAT)))
    if doc.get("format_version") not in READABLE_VERSIONS:
        problems.append(
            Problem(
                "",
                "format_version",
                _("Deze Klantapp leest versie {versions} van het formaat.").format(
                    versions=_(" en ").join(str(v) for v in READABLE_VERSIONS)
                ),
            )
        )
    for key in sorted(set(doc) - _TOP_KEYS):
        problems.append(Problem("", key, _("Onbekend onderdeel.")))
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        problems.append(Problem("", "settings", _("Moet een object zijn.")))
        settings = {}
    clean_settings: dict[str, Any] = {}
    for key, value in settings.items():
        clean, found = validate_setting(str(key), value)
        problems += found
        clean_settings[str(key)] = clean

    def as_list(value: Any, where: str, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append(Problem(where, field, _("Moet een lijst zijn.")))
            return []
        return value

    for i, p in enumerate(as_list(doc.get("partners"), "", "partners")):
        where = f"partners[{i}]"
        if not isinstance(p, dict):
            problems.append(Problem(where, "(record)", _("Moet een object zijn.")))
            continue
        records.append(("partners", where, dict(p)))
    for i, h in enumerate(as_list(doc.get("households"), "", "households")):
        where = f"households[{i}]"
        if not isinstance(h, dict):
            problems.append(Problem(where, "(record)", _("Moet een object zijn.")))
            continue
        values = {k: v for k, v in h.items() if k not in HOUSEHOLD_CHILDREN}
        records.append(("households", where, values))
        for child in HOUSEHOLD_CHILDREN:
            for j, c in enumerate(as_list(h.get(child), where, child)):
                cwhere = f"{where}.{child}[{j}]"
                if not isinstance(c, dict):
                    problems.append(Problem(cwhere, "(record)", _("Moet een object zijn.")))
                    continue
                if "household_id" in c and c["household_id"] != h.get("id"):
                    problems.append(
                        Problem(
                            cwhere,
                            "household_id",
                            _("Hoort bij een ander huishouden dan waar het in staat."),
                        )
                    )
                records.append((child, cwhere, {**c, "household_id": h.get("id")}))
    return records, clean_settings, problems


def import_document(cb: Casebook, doc: Any) -> dict[str, int]:
    """Import a document: everything, or (on any problem) nothing. Returns counts per
    kind (and ``"settings"``: how many settings). Raises :class:`InvalidInput` listing
    every problem with record and field. On a laptop joined to an office the document's
    shared settings are left out: the office owns them."""
    records, settings, problems = _collect(upgrade_document(doc))
    seen: dict[str, str] = {}
    pending: dict[str, str | None] = {}  # id -> household it belongs to
    normalized: list[tuple[str, str, dict[str, Any]]] = []
    for kind, where, values in records:
        rid = values.pop("id", None)
        if not isinstance(rid, str) or not rid.strip():
            problems.append(Problem(where, "id", _("Elk gegeven heeft een id (tekst) nodig.")))
        elif rid in seen:
            problems.append(
                Problem(where, "id", _("Dit id staat ook al bij {where}.").format(where=seen[rid]))
            )
        else:
            seen[rid] = where
            pending[rid] = values.get("household_id") if kind != "households" else rid
        clean, found = validate_record(kind, values, where=where)
        problems += found
        normalized.append((kind, where, {**clean, "id": rid}))
    if seen:
        with cb.reading() as conn:
            for kind in RECORD_KINDS:
                for (rid,) in conn.execute(
                    f"SELECT id FROM {kind} WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(seen)),),
                ):
                    problems.append(
                        Problem(seen[rid], "id", _("Dit id bestaat al in het dossier."))
                    )
    for kind, where, values in normalized:
        problems += check_references(cb, kind, values, where=where, pending=pending)
    if problems:
        raise InvalidInput(problems)
    if cb.is_laptop:
        # joined to an office: the gemeente's shared settings are the office's (they
        # arrive with the exchange); the document's records and device settings are taken
        settings = {k: v for k, v in settings.items() if setting(k).scope == "device"}
    counts: dict[str, int] = {}
    with cb.transaction() as tx:
        for kind, _where, values in normalized:
            tx.insert(kind, values)
            counts[kind] = counts.get(kind, 0) + 1
        for key, value in settings.items():
            tx_set_setting(cb, tx, key, value)
    if settings:
        counts["settings"] = len(settings)
    return counts


# --- JSON Schema ------------------------------------------------------------------------

_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "partial_date": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$",
    "bsn": r"^\d{9}$",
    "vnummer": r"^\d{10}$",
    "postcode": r"^\d{4} [A-Z]{2}$",
}
_SIMPLE = {"text": "string", "longtext": "string", "int": "integer"}


def _field_schema(f: Field) -> dict[str, Any]:
    s: dict[str, Any] = {"description": f.label + (f" ({f.help})" if f.help else "")}
    if f.kind in ("choice", "language"):
        s["enum"] = [v for v, _label in f.choices]
    elif f.kind == "multichoice":
        s.update(type="array", items={"enum": [v for v, _label in f.choices]})
    elif f.kind == "textlist":
        s.update(type="array", items={"type": "string"})
    elif f.kind == "json":
        obj = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                k: {"type": _SIMPLE.get(v, "string")} for k, v in (f.items or {}).items()
            },
        }
        s.update({"type": "array", "items": obj} if f.repeated else obj)
    elif f.kind == "bool":
        s["type"] = "boolean"
    elif f.kind == "score":
        s.update(type="integer", minimum=1, maximum=5)
    elif f.kind in _PATTERNS:
        s.update(type="string", pattern=_PATTERNS[f.kind])
    else:
        s["type"] = _SIMPLE.get(f.kind, "string")
    if f.minimum is not None:
        s["minimum"] = f.minimum
    if f.maximum is not None:
        s["maximum"] = f.maximum
    if f.max_length is not None:
        s["maxLength"] = f.max_length
    if f.restricted:
        s["description"] += " - bijzonder persoonsgegeven (gezondheid)"
    return s


def _record_schema(kind: str, *, nested: bool) -> dict[str, Any]:
    rk = RECORD_KINDS[kind]
    props: dict[str, Any] = {
        "id": {"type": "string", "minLength": 1, "description": "Unieke id (uuid)"}
    }
    required = ["id"]
    for f in rk.fields:
        if nested and f.name == "household_id":
            continue
        props[f.name] = _field_schema(f)
        if f.required:
            required.append(f.name)
    return {
        "title": rk.label,
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "required": required,
    }


def _setting_schema(known: Setting) -> dict[str, Any]:
    where = {"shared": "gedeeld met het centrale kantoor", "device": "alleen deze laptop"}
    return {
        "title": known.kind.label,
        "description": where[known.scope],
        "type": "object",
        "additionalProperties": False,
        "properties": {
            f.name: (
                {"description": f.label, **known.custom[f.name].schema}
                if f.name in known.custom
                else _field_schema(f)
            )
            for f in known.fields
        },
    }


def json_schema() -> dict[str, Any]:
    household = _record_schema("households", nested=False)
    for child in HOUSEHOLD_CHILDREN:
        household["properties"][child] = {"type": "array", "items": {"$ref": f"#/$defs/{child}"}}
    defs = {child: _record_schema(child, nested=True) for child in HOUSEHOLD_CHILDREN}
    defs["households"] = household
    defs["partners"] = _record_schema("partners", nested=False)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://klantapp.example/casebook.schema.json",
        "title": "Klantapp casebook export",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "format_version", "households"],
        "properties": {
            "format": {"const": FORMAT},
            "format_version": {"const": FORMAT_VERSION},
            "settings": {
                "type": "object",
                "description": "Instellingen, zoals gemeentegegevens voor brieven",
                "additionalProperties": False,
                "properties": {key: _setting_schema(s) for key, s in SETTINGS.items()},
            },
            "partners": {"type": "array", "items": {"$ref": "#/$defs/partners"}},
            "households": {"type": "array", "items": {"$ref": "#/$defs/households"}},
        },
        "$defs": defs,
    }
