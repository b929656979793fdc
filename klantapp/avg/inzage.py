"""Inzage (art. 15 AVG): every record about one person, readable (PDF, Dutch) and
machine-readable (JSON), with the audit trail of who changed what.

Restricted health data (art. 9 AVG: the person's health note, notes marked
vertrouwelijk, the health leefgebieden of the brede intake) is left out unless the
caller confirms it explicitly; that confirmation is logged as a read of restricted
data. Making an inzage is itself logged, and answers the open request (its date and
one-month deadline, which Vandaag shows).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from klantapp.avg.log import (
    AuditFilter,
    audit_entries,
    describe_action,
    local_entries,
    log_access,
    person_scope,
    shared_entries,
)
from klantapp.casebook.casebook import Casebook, Transaction
from klantapp.casebook.queries import _rows, person_name
from klantapp.domain.privacy import inzage_deadline
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS, RESTRICTED_LEEFGEBIEDEN
from klantapp.errors import KlantappError
from klantapp.i18n import _

WITHHELD = "[vertrouwelijk: weggelaten]"


class NoSuchPerson(KlantappError):
    pass


def _person(cb: Casebook, person_id: str) -> dict[str, Any]:
    with cb.reading() as conn:
        found = _rows(conn, "persons", "SELECT * FROM persons WHERE id = ?", (person_id,))
    if not found:
        raise NoSuchPerson(
            _("Er is geen gezinslid met deze id."),
            hint=_("Zoek de id op met 'klantapp search' of in het programma."),
        )
    return found[0]


def withhold(kind: str, row: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The row without its restricted content, and whether something was left out."""
    out = dict(row)
    hidden = False
    if kind == "persons":
        for f in RECORD_KINDS["persons"].fields:
            if f.restricted and out.get(f.name) not in (None, "", False):
                out[f.name] = WITHHELD
                hidden = True
    elif kind == "notes" and out.get("restricted"):
        out["text"] = WITHHELD
        hidden = True
    elif (
        kind == "intake_scores"
        and out.get("domain") in RESTRICTED_LEEFGEBIEDEN
        and out.get("notes")
    ):
        out["notes"] = WITHHELD
        hidden = True
    return out, hidden


def collect(cb: Casebook, person_id: str, *, include_restricted: bool) -> dict[str, Any]:
    """Everything the casebook holds about the person, as one JSON-ready document."""
    person = _person(cb, person_id)
    household_id = person["household_id"]
    records: dict[str, list[dict[str, Any]]] = {}
    withheld = 0
    params = {"person": person_id, "household": household_id}
    with cb.reading() as conn:
        for kind in ("households", *HOUSEHOLD_CHILDREN):
            sql = f"SELECT * FROM {kind} WHERE {person_scope(kind)} ORDER BY rowid"
            records[kind] = _rows(conn, kind, sql, params)
    if not include_restricted:
        for kind, rows in records.items():
            cleaned = []
            for row in rows:
                clean, hidden = withhold(kind, row)
                withheld += hidden
                cleaned.append(clean)
            records[kind] = cleaned
    audit = [
        {
            "at": e["at"],
            "actor": e["actor"],
            "record": e["record"],
            "record_id": e["row_id"],
            "action": e["action"],
            "what": describe_action(e),
        }
        for e in audit_entries(cb, AuditFilter(person_id=person_id))
    ]
    return {
        "format": "klantapp-inzage/1",
        "person_id": person_id,
        "name": person_name(person),
        "made_on": date.today().isoformat(),
        "restricted_included": include_restricted,
        "restricted_withheld": withheld,
        "records": records,
        "audit": audit,
        "requests": [
            {k: v for k, v in r.items() if k != "legacy"}
            for r in requests(cb)
            if r["person_id"] == person_id
        ],
    }


# --- requests ---------------------------------------------------------------------------


def record_request(cb: Casebook, person_id: str, received_on: date) -> dict[str, Any]:
    """Record an access request (its date and deadline); returns it. The request is
    a row of the person's household: it travels to the office and the household's
    owner, so its deadline shows on Vandaag wherever the household is held."""
    person = _person(cb, person_id)
    request = {
        "person_id": person_id,
        "household_id": person["household_id"],
        "received_on": received_on.isoformat(),
        "deadline": inzage_deadline(received_on).isoformat(),
        "answered_on": None,
    }
    with cb.transaction(summary="") as tx:
        rid = tx.insert("inzage_requests", request, row_id=str(uuid.uuid4()))
        log_access(
            tx,
            "inzage_request",
            what=_("Inzageverzoek ontvangen op {day}").format(day=received_on.isoformat()),
            person_id=person_id,
            household_id=person["household_id"],
        )
    return {"id": rid, "kind": "inzage", **request}


def requests(cb: Casebook) -> list[dict[str, Any]]:
    """Every inzage request this casebook holds: the shared ones, and those recorded
    here before schema 11 (``legacy``: kept in the local table ``avg_requests``)."""
    shared = [{**r, "kind": "inzage"} for r in shared_entries(cb, "inzage_requests")]
    legacy = [{**r, "legacy": True} for r in local_entries(cb, "avg_requests")]
    return shared + legacy


def open_requests(cb: Casebook) -> list[dict[str, Any]]:
    return [r for r in requests(cb) if not r.get("answered_on")]


def _answer_requests(tx: Transaction, cb: Casebook, person_id: str, on: date) -> None:
    for request in open_requests(cb):
        if request["person_id"] != person_id:
            continue
        if request.get("legacy"):
            stored = {k: v for k, v in request.items() if k not in ("id", "legacy")}
            tx.put_local("avg_requests", request["id"], {**stored, "answered_on": on.isoformat()})
        else:
            tx.update("inzage_requests", request["id"], {"answered_on": on.isoformat()})


@dataclass(frozen=True)
class Inzage:
    document: dict[str, Any]
    pdf: bytes
    json: bytes


def make_inzage(
    cb: Casebook,
    person_id: str,
    *,
    include_restricted: bool = False,
    received_on: date | None = None,
    pdf: bool = True,
) -> Inzage:
    """The inzage of one person, logged (and the restricted read, when confirmed:
    ``include_restricted`` *is* that confirmation). Answers the person's open requests;
    ``received_on`` records a request first when none is open."""
    person = _person(cb, person_id)
    if received_on is not None and not any(r["person_id"] == person_id for r in open_requests(cb)):
        record_request(cb, person_id, received_on)
    with cb.transaction(summary="") as tx:
        if include_restricted:
            log_access(
                tx,
                "restricted_read",
                what=_("Vertrouwelijke gezondheidsgegevens opgenomen in inzage (bevestigd)"),
                person_id=person_id,
                household_id=person["household_id"],
            )
        log_access(
            tx,
            "inzage",
            what=_("Inzage gemaakt (PDF en JSON)"),
            person_id=person_id,
            household_id=person["household_id"],
        )
        _answer_requests(tx, cb, person_id, date.today())
    document = collect(cb, person_id, include_restricted=include_restricted)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    rendered = b""
    if pdf:
        from klantapp.avg.inzage_pdf import render_inzage

        rendered = render_inzage(cb, document)
    return Inzage(document, rendered, data)
