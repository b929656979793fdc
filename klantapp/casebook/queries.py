"""Reading a casebook: records, household overviews, lists, agenda, search, timeline.

All functions return plain dicts with record values (see ``convert.from_sql``) and hold
the casebook's lock only while they read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.convert import from_sql
from klantapp.casebook.prefixmatch import cheap_match
from klantapp.casebook.textfold import fts_query, fts_words
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS, choice_label
from klantapp.i18n import _

_ORDER_BY = {
    "name": "h.name COLLATE NOCASE",
    "status": "h.status",
    "members": "members",
    "next_appointment": "next_appointment IS NULL, next_appointment",
    "leerroute": "leerroute",
    "city": "h.city COLLATE NOCASE",
}


def _rows(
    conn: sqlite3.Connection,
    kind: str,
    sql: str,
    params: tuple[Any, ...] | dict[str, Any] = (),
) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [from_sql(kind, dict(zip(names, r, strict=True))) for r in cur.fetchall()]


def get(cb: Casebook, kind: str, record_id: str) -> dict[str, Any] | None:
    if kind not in RECORD_KINDS:
        raise KeyError(kind)
    with cb.reading() as conn:
        rows = _rows(conn, kind, f"SELECT * FROM {kind} WHERE id = ?", (record_id,))
    return rows[0] if rows else None


def all_records(cb: Casebook, kind: str, *, order_by: str = "rowid") -> list[dict[str, Any]]:
    with cb.reading() as conn:
        return _rows(conn, kind, f"SELECT * FROM {kind} ORDER BY {order_by}")


_CHILD_ORDER = {
    "persons": "CASE role WHEN 'aanvrager' THEN 0 WHEN 'referent' THEN 0 WHEN 'partner' THEN 1 "
    "WHEN 'kind' THEN 2 ELSE 3 END, birth_date",
    "warm_handovers": "date",
    "intake_scores": "intake_date, person_id, domain",
    "pips": "person_id, version",
    "appointments": "starts_at",
    "handhaving": "date, person_id",
    "duo_decisions": "date, person_id",
    "trajectmodules": "person_id, kind, start_date",
    "exam_attempts": "person_id, date, skill",
    "referrals": "date",
    "notes": "created_at",
}


def household_detail(
    cb: Casebook, household_id: str, kinds: Iterable[str] | None = None
) -> dict[str, Any] | None:
    """A household with every record under it, each child kind as a list (only the
    child kinds in ``kinds`` when given, for a screen that refreshes what changed)."""
    wanted = HOUSEHOLD_CHILDREN if kinds is None else [k for k in HOUSEHOLD_CHILDREN if k in kinds]
    with cb.reading() as conn:
        found = _rows(conn, "households", "SELECT * FROM households WHERE id = ?", (household_id,))
        if not found:
            return None
        detail: dict[str, Any] = {"household": found[0]}
        for child in wanted:
            detail[child] = _rows(
                conn,
                child,
                f"SELECT * FROM {child} WHERE household_id = ? ORDER BY {_CHILD_ORDER[child]}",
                (household_id,),
            )
    return detail


def klantmanager_name(cb: Casebook) -> str:
    """The klantmanager's name from Instellingen (the device setting ``klantmanager``;
    a migration moved it there from inside the gemeente details); "" when none is set."""
    name = cb.get_setting("klantmanager", {}).get("name")
    return name.strip() if isinstance(name, str) else ""


def person_name(person: dict[str, Any]) -> str:
    return " ".join(p for p in (person.get("given_names"), person.get("family_name")) if p)


def _household_ids_matching(conn: sqlite3.Connection, text: str) -> list[str] | None:
    query = fts_query(text)
    if query is None:
        return None
    sql = """
        SELECT id FROM households WHERE rowid IN
            (SELECT rowid FROM households_fts WHERE households_fts MATCH ?)
        UNION
        SELECT household_id FROM persons WHERE rowid IN
            (SELECT rowid FROM persons_fts WHERE persons_fts MATCH ?)
    """
    return [r[0] for r in conn.execute(sql, (query, query))]


def list_households(
    cb: Casebook,
    *,
    text: str = "",
    status: str | None = None,
    leerroute: str | None = None,
    household_ids: list[str] | None = None,
    owner: str | None = None,
    order_by: str = "name",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
    now: str | None = None,
) -> list[dict[str, Any]]:
    """Households for the list screen: filtered by name/BSN/V-nummer text (any script,
    prefix per word), status, leerroute, owner device (the central office's caseloads) or
    an explicit id set; sorted by a column."""
    where, params = ["1"], []
    with cb.reading() as conn:
        if text.strip():
            ids = _household_ids_matching(conn, text)
            if ids is not None:
                if household_ids is not None:
                    ids = [i for i in ids if i in set(household_ids)]
                household_ids = ids
        if household_ids is not None:
            if not household_ids:
                return []
            where.append("h.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(household_ids))
        if status:
            where.append("h.status = ?")
            params.append(status)
        if leerroute:
            where.append(
                "EXISTS (SELECT 1 FROM pips p WHERE p.household_id = h.id AND p.leerroute = ?)"
            )
            params.append(leerroute)
        if owner:
            where.append("h.owner = ?")
            params.append(owner)
        order = _ORDER_BY.get(order_by, _ORDER_BY["name"]) + (" DESC" if descending else "")
        sql = f"""
            SELECT h.id, h.name, h.status, h.city, h.coa_location, h.owner,
                (SELECT count(*) FROM persons p WHERE p.household_id = h.id) AS members,
                (SELECT trim(coalesce(p.given_names, '') || ' ' || p.family_name) FROM persons p
                    WHERE p.household_id = h.id
                    ORDER BY p.role NOT IN ('aanvrager', 'referent'), p.rowid LIMIT 1) AS main_person,
                (SELECT min(a.starts_at) FROM appointments a
                    WHERE a.household_id = h.id AND a.outcome = 'gepland' AND a.starts_at >= ?)
                    AS next_appointment,
                (SELECT p.leerroute FROM pips p WHERE p.household_id = h.id
                    ORDER BY p.version DESC LIMIT 1) AS leerroute
            FROM households h
            WHERE {" AND ".join(where)}
            ORDER BY {order}, h.rowid
            LIMIT ? OFFSET ?
        """
        now_s = now or _now_local()
        cur = conn.execute(sql, (now_s, *params, limit, offset))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def count_households(cb: Casebook) -> int:
    with cb.reading() as conn:
        return int(conn.execute("SELECT count(*) FROM households").fetchone()[0])


def _now_local() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y-%m-%dT%H:%M")


def appointments_between(cb: Casebook, start: str, end: str) -> list[dict[str, Any]]:
    """Appointments with ``start <= starts_at < end`` (local ISO datetimes), with the
    household name and the person's name for display."""
    with cb.reading() as conn:
        rows = _rows(
            conn,
            "appointments",
            """SELECT a.*, h.name AS household_name,
                      trim(coalesce(p.given_names, '') || ' ' || coalesce(p.family_name, '')) AS person_name
               FROM appointments a
               JOIN households h ON h.id = a.household_id
               LEFT JOIN persons p ON p.id = a.person_id
               WHERE a.starts_at >= ? AND a.starts_at < ?
               ORDER BY a.starts_at, h.name""",
            (start, end),
        )
    return rows


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    household_id: str | None
    title: str
    snippet: str


def _record_source(kind: str, snippet_column: str) -> tuple[str, str, str]:
    """A search source whose title is built from the kind's display fields (choice
    labels, in the current language) by :func:`describe`."""
    display = ", ".join(f"'{name}', {name}" for name in RECORD_KINDS[kind].display)
    return (
        kind,
        f"SELECT id, household_id, json_object({display}), substr({snippet_column}, 1, 160) FROM {kind}",
        f"{kind}_fts",
    )


_SEARCH_SOURCES: tuple[tuple[str, str, str], ...] = (
    # kind, SQL for (id, household_id, title, snippet), fts table
    ("households", "SELECT id, id, name, coalesce(city, '') FROM households", "households_fts"),
    (
        "persons",
        "SELECT id, household_id, trim(coalesce(given_names, '') || ' ' || family_name), "
        "coalesce(v_number, '') FROM persons",
        "persons_fts",
    ),
    _record_source("notes", "text"),
    _record_source("appointments", "notes"),
    _record_source("warm_handovers", "notes"),
    _record_source("intake_scores", "notes"),
    _record_source("pips", "notes"),
    _record_source("handhaving", "notes"),
    _record_source("referrals", "notes"),
    ("partners", "SELECT id, NULL, name, coalesce(kind, '') FROM partners", "partners_fts"),
)

_NAMED_KINDS = frozenset({"households", "persons", "partners"})


def _hit_title(kind: str, raw: object) -> str:
    """Households, people and partners by name; other records as 'Label · what, when'."""
    if raw is None:
        return ""
    if kind in _NAMED_KINDS:
        return str(raw)
    return _("{record} · {what}").format(
        record=_(RECORD_KINDS[kind].label), what=describe(kind, json.loads(str(raw)))
    )


def search_statements() -> list[tuple[str, str, str]]:
    """(kind, FTS table, SQL) per searchable kind; parameters: the MATCH expression (see
    prefixmatch.cheap_match) and a limit."""
    return [
        (
            kind,
            fts,
            f"{select} WHERE rowid IN "
            f"(SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT ?)",
        )
        for kind, select, fts in _SEARCH_SOURCES
    ]


_SEARCH_STATEMENTS = search_statements()


def search(cb: Casebook, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Full-text search over names (any script; diacritics-insensitive for Latin script),
    BSN, V-nummer and notes. Every word typed must occur, as the start of a word.
    Households and people come first, then notes and other records, newest first
    within each kind (streamed from the index, so a common word stays fast).
    Restricted (health) notes are not in the index."""
    words = fts_words(query)
    if not words:
        return []
    hits: list[SearchHit] = []
    with cb.reading() as conn:
        for kind, fts, sql in _SEARCH_STATEMENTS:
            remaining = limit - len(hits)
            if remaining <= 0:
                break
            match = cheap_match(conn, fts, words)
            for rid, hid, title, snippet in conn.execute(sql, (match, remaining)):
                hits.append(SearchHit(kind, rid, hid, _hit_title(kind, title), snippet or ""))
    return hits


@dataclass(frozen=True)
class HouseholdMatch:
    """Why a household matched a search: what matched, in words, and the first record
    (kind, id) that matched other than the household itself, to open it there."""

    what: tuple[str, ...]
    record: tuple[str, str] | None


def household_matches(cb: Casebook, query: str, *, limit: int = 500) -> dict[str, HouseholdMatch]:
    """The households :func:`search` finds for ``query`` (names in any script, BSN,
    V-nummer, notes and the notes of every record), in its order, each with what
    matched: "Naam huishouden", "Gezinslid: Omar Haddad", "Notitie · 20-11-2026 ...".
    The household list uses it, so the client finds what the CLI's ``search`` finds."""
    found: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    hits = [h for h in search(cb, query, limit=limit) if h.household_id is not None]
    members = _members_of(cb, hits)
    for hit in hits:
        assert hit.household_id is not None
        what, records = found.setdefault(hit.household_id, ([], []))
        if hit.kind == "households":
            text = _("Naam huishouden")
        elif hit.kind == "persons":
            text = _("Gezinslid: {name}").format(name=hit.title)
        elif members.get(hit.id):
            text = _("{record} ({member})").format(record=hit.title, member=members[hit.id])
        else:
            text = hit.title
        if text not in what:
            what.append(text)
        if hit.kind != "households":
            records.append((hit.kind, hit.id))
    return {
        hid: HouseholdMatch(tuple(what), records[0] if records else None)
        for hid, (what, records) in found.items()
    }


def _members_of(cb: Casebook, hits: list[SearchHit]) -> dict[str, str]:
    """Record id -> the name of the member a hit's record is about (notes, scores, ...)."""
    by_kind: dict[str, list[str]] = {}
    for hit in hits:
        if hit.kind in RECORD_KINDS and "person_id" in RECORD_KINDS[hit.kind].field_names:
            by_kind.setdefault(hit.kind, []).append(hit.id)
    out: dict[str, str] = {}
    with cb.reading() as conn:
        for kind, ids in by_kind.items():
            out.update(
                (rid, name)
                for rid, name in conn.execute(
                    f"""SELECT k.id, trim(coalesce(p.given_names, '') || ' ' || p.family_name)
                        FROM {kind} k JOIN persons p ON p.id = k.person_id
                        WHERE k.id IN (SELECT value FROM json_each(?))""",
                    (json.dumps(ids),),
                )
                if name
            )
    return out


def timeline(cb: Casebook, household_id: str, *, limit: int = 500) -> list[dict[str, Any]]:
    """What happened to a household, newest first: one entry per change (a save of a
    whole brede intake is one entry), with who did it and what it did -- the change's
    summary when it has one, else the records and field names it touched, never
    values. ``undoable``: the change is the last one of each record it touched and its
    old values are kept (see services.undo_change)."""
    with cb.reading() as conn:
        ids = {household_id}
        for child in HOUSEHOLD_CHILDREN:
            ids.update(
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM {child} WHERE household_id = ?", (household_id,)
                )
            )
        rows = conn.execute(
            """SELECT change_id, at, actor, summary, tbl, row_id, action, fields FROM audit_log
               WHERE row_id IN (SELECT value FROM json_each(?))
               ORDER BY change_id DESC, seq DESC LIMIT ?""",
            (json.dumps(sorted(ids)), limit),
        ).fetchall()
        keys = sorted({f"{r[4]}:{r[5]}" for r in rows if r[6] == "update"})
        kept = dict(
            conn.execute(
                "SELECT id, change_id FROM undo_log WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(keys),),
            ).fetchall()
        )
    latest: dict[tuple[str, str], int] = {}
    entries: dict[int, dict[str, Any]] = {}
    for change_id, at, actor, summary, tbl, row_id, action, fields in rows:
        latest.setdefault((tbl, row_id), change_id)
        entry = entries.get(change_id)
        if entry is None:
            entry = entries[change_id] = {
                "change_id": change_id,
                "at": at,
                "actor": actor,
                "summary": summary or "",
                "kind": tbl,
                "id": row_id,
                "action": action,
                "parts": [],
                "undoable": True,
            }
        part = _timeline_what(tbl, action, fields)
        if part not in entry["parts"]:
            entry["parts"].append(part)
        if (
            action == "delete"
            or latest[(tbl, row_id)] != change_id
            or (action == "update" and kept.get(f"{tbl}:{row_id}") != change_id)
        ):
            entry["undoable"] = False
    out = []
    for entry in entries.values():
        parts = entry.pop("parts")
        shown = "; ".join(parts[:3]) + ("; …" if len(parts) > 3 else "")
        entry["what"] = entry.pop("summary") or shown
        out.append(entry)
    return out


def _timeline_what(tbl: str, action: str, fields: str | None) -> str:
    """What a change did, in the current language: "Persoon gewijzigd: Achternaam"."""
    rk = RECORD_KINDS.get(tbl)
    label = _(rk.label) if rk else tbl
    if action == "insert":
        return _("{record} toegevoegd").format(record=label)
    if action == "delete":
        return _("{record} verwijderd").format(record=label)
    if action != "update":
        return f"{label} {action}"
    names = (
        [_(rk.field(f).label) for f in fields.split(",") if f in rk.field_names]
        if rk and fields
        else []
    )
    if names:
        return _("{record} gewijzigd: {fields}").format(record=label, fields=", ".join(names))
    return _("{record} gewijzigd").format(record=label)


def list_partners(cb: Casebook) -> list[dict[str, Any]]:
    with cb.reading() as conn:
        rows = _rows(
            conn,
            "partners",
            """SELECT p.*, (SELECT count(*) FROM referrals r WHERE r.partner_id = p.id
                              AND r.status IN ('aangemeld', 'gestart')) AS open_referrals
               FROM partners p ORDER BY p.name COLLATE NOCASE""",
        )
    return rows


def referrals_for_partner(cb: Casebook, partner_id: str) -> list[dict[str, Any]]:
    """A ketenpartner's referrals, newest first, with household and person names."""
    with cb.reading() as conn:
        return _rows(
            conn,
            "referrals",
            """SELECT r.*, h.name AS household_name,
                      trim(coalesce(p.given_names, '') || ' ' || coalesce(p.family_name, ''))
                          AS person_name
               FROM referrals r
               JOIN households h ON h.id = r.household_id
               LEFT JOIN persons p ON p.id = r.person_id
               WHERE r.partner_id = ?
               ORDER BY r.date DESC, r.id""",
            (partner_id,),
        )


def describe(kind: str, record: dict[str, Any]) -> str:
    """A short human title for a record, from its display fields and choice labels."""
    rk = RECORD_KINDS[kind]
    parts = []
    for name in rk.display:
        value = record.get(name)
        f = rk.field(name)
        if f.choices:
            label = choice_label(f.choices, value)
            parts.append(_(label) if label else "")
        elif f.kind == "datetime" and value:
            parts.append(str(value).replace("T", " "))
        elif f.kind == "int" and value is not None:
            parts.append(f"{_(f.label)} {value}")  # a bare number says nothing
        else:
            parts.append(str(value or ""))
    return " ".join(p for p in parts if p) or _(rk.label)


def due_names(cb: Casebook) -> tuple[dict[str, str], dict[str, str]]:
    """Household names by id and member names ("given names family name") by id, for
    lists of due items that people read."""
    with cb.reading() as conn:
        households = {
            str(r[0]): str(r[1] or "") for r in conn.execute("SELECT id, name FROM households")
        }
        persons = {
            str(r[0]): " ".join(str(x).strip() for x in (r[1], r[2]) if x and str(x).strip())
            for r in conn.execute("SELECT id, given_names, family_name FROM persons")
        }
    return households, persons
