"""AVG sub-commands: inzage, correct, retention, audit (docs/avg.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from klantapp.commands.common import (
    add_date_options,
    add_path,
    confirm,
    open_casebook,
    parse_date,
    say,
    write_output,
)
from klantapp.errors import UsageError
from klantapp.i18n import _, ngettext


def _cmd_inzage(args: argparse.Namespace) -> int:
    from klantapp.avg.inzage import make_inzage, record_request

    with open_casebook(args.path, writable=True) as cb:
        if not args.output and not args.json:
            if args.received is None:
                raise UsageError(
                    _(
                        "Geef -o en/of --json voor de inzage, of --received om het verzoek vast te leggen."
                    )
                )
            request = record_request(cb, args.person, args.received)
            say(
                _("Verzoek vastgelegd; uiterlijk beantwoorden op {day}.").format(
                    day=request["deadline"]
                )
            )
            return 0
        if args.with_restricted:
            confirm(
                _(
                    "De inzage krijgt ook vertrouwelijke gezondheidsgegevens. Dit wordt in het "
                    "logboek vastgelegd. Doorgaan?"
                ),
                yes=args.yes,
            )
        made = make_inzage(
            cb,
            args.person,
            include_restricted=args.with_restricted,
            received_on=args.received,
            pdf=bool(args.output),
        )
    if args.output:
        write_output(args.output, made.pdf, personal=True)
    if args.json:
        write_output(args.json, made.json, personal=True)
    return 0


def _cmd_correct(args: argparse.Namespace) -> int:
    from klantapp.avg.correction import correct_record, withdraw_record, withdrawal_of

    if args.withdraw:
        with open_casebook(args.path, writable=True) as cb:
            plan = withdrawal_of(cb, args.kind, args.id)
            along = len(plan.deletes) - 1
            if along:
                say(
                    ngettext(
                        "Met dit gegeven gaat {n} gegeven mee dat erbij hoort.",
                        "Met dit gegeven gaan {n} gegevens mee die erbij horen.",
                        along,
                    ).format(n=along)
                )
            confirm(
                _("Dit gegeven wordt voorgoed verwijderd, met zijn geschiedenis. Doorgaan?"),
                yes=args.yes,
            )
            counts = withdraw_record(cb, args.kind, args.id, reason=args.reason, source=args.source)
        total = sum(counts.values())
        say(
            ngettext("Ingetrokken: {n} gegeven.", "Ingetrokken: {n} gegevens.", total).format(
                n=total
            )
        )
        return 0
    try:
        changes = json.loads(args.values)
    except ValueError:
        raise UsageError(
            _("--set verwacht een JSON-object, bijvoorbeeld {example}.").format(
                example='\'{"bsn": "123456782"}\''
            )
        ) from None
    if not isinstance(changes, dict):
        raise UsageError(_("--set verwacht een JSON-object met veldnamen."))
    with open_casebook(args.path, writable=True) as cb:
        changed = correct_record(
            cb, args.kind, args.id, changes, reason=args.reason, source=args.source
        )
    say(
        _("Gecorrigeerd: {fields}.").format(fields=", ".join(changed))
        if changed
        else _("Niets veranderd.")
    )
    return 0


def _cmd_retention(args: argparse.Namespace) -> int:
    from klantapp.avg.retention import destroy, destruction_log, due, rules_table

    with open_casebook(args.path, writable=args.destroy) as cb:
        plan = due(cb, args.on)
        counts = plan.counts()
        if args.json and args.destroy:
            print(json.dumps(_destroy_json(cb, plan, args), ensure_ascii=False, indent=2))
            return 0
        if args.json and not args.destroy:
            doc: dict[str, Any] = {
                "reference_date": plan.on.isoformat(),
                "households": len(plan.households),
                "counts": counts,
                "skipped": len(plan.skipped),
                "rules": rules_table(cb),
                "log": destruction_log(cb),
            }
            if args.detail:
                doc["rows"] = [list(r) for r in plan.rows]
            print(json.dumps(doc, ensure_ascii=False, indent=2))
            return 0
        if not args.destroy and not args.due:
            for rule in rules_table(cb):
                print(f"{rule['kind']:<16} {rule['years']:>3} {_('jaar')}  {rule['basis']}")
            for entry in destruction_log(cb):
                total = sum(entry["counts"].values())
                print(
                    _("{at}: {n} gegevens vernietigd door {actor}").format(
                        at=entry["at"], n=total, actor=entry["actor"]
                    )
                )
            return 0
        print(
            _("Te vernietigen op {day}: {n} huishoudens geheel, {rows} gegevens.").format(
                day=plan.on.isoformat(), n=len(plan.households), rows=len(plan.rows)
            )
        )
        for kind, n in counts.items():
            print(f"  {kind:<16} {n}")
        if args.detail:
            for kind, rid in plan.rows:
                print(f"  {kind} {rid}")
        for hid, why in plan.skipped:
            say(_("Overgeslagen: huishouden {id}: {why}").format(id=hid, why=why))
        if not args.destroy or not plan.rows:
            return 0
        confirm(_("Deze gegevens worden voorgoed vernietigd. Doorgaan?"), yes=args.yes)
        report = destroy(cb, plan)
    print(
        _("Vernietigd: {n} gegevens; logboek {id}.").format(
            n=sum(report.counts.values()), id=report.log_id
        )
    )
    return 0


def _destroy_json(cb: Any, plan: Any, args: argparse.Namespace) -> dict[str, Any]:
    """``--destroy --json``: the run as a script reads it (what was destroyed, what
    was skipped, the destruction log's entry); the question as ever, or ``--yes``."""
    from klantapp.avg.retention import destroy

    doc: dict[str, Any] = {
        "reference_date": plan.on.isoformat(),
        "households": len(plan.households),
        "counts": plan.counts(),
        "skipped": [{"household_id": hid, "reason": why} for hid, why in plan.skipped],
        "destroyed": False,
        "log_id": None,
    }
    if args.detail:
        doc["rows"] = [list(r) for r in plan.rows]
    if plan.rows:
        confirm(_("Deze gegevens worden voorgoed vernietigd. Doorgaan?"), yes=args.yes)
        report = destroy(cb, plan)
        doc.update(destroyed=True, counts=report.counts, log_id=report.log_id)
    return doc


def _cmd_audit(args: argparse.Namespace) -> int:
    from klantapp.avg.log import (
        AuditFilter,
        audit_entries,
        describe_action,
        device_names,
        local_time,
    )

    flt = AuditFilter(
        person_id=args.person,
        household_id=args.household,
        record_id=args.record,
        actor=args.actor,
        since=args.since.isoformat() if args.since else None,
        until=args.until.isoformat() if args.until else None,
    )
    with open_casebook(args.path) as cb:
        entries = audit_entries(cb, flt)
        devices = device_names(cb)
        lines = [
            {**e, "text": describe_action(e), "device_name": devices.get(e.get("device") or "")}
            for e in entries
        ]
    if args.json:
        json.dump(lines, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for e in lines:
        origin = e["device_name"] or (e.get("device") or "")[:8]
        print(f"{local_time(e['at'])}  {e['actor']:<16} {origin:<16} {e['text']}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("inzage", help=_("inzage (art. 15 AVG) voor één persoon: PDF en JSON"))
    add_path(p)
    p.add_argument("person", metavar="PERSON_ID", help=_("id van het gezinslid"))
    p.add_argument("-o", "--output", metavar="FILE.pdf", help=_("de inzage als PDF"))
    p.add_argument("--json", metavar="FILE", help=_("de inzage als JSON"))
    p.add_argument(
        "--received",
        type=parse_date,
        metavar=_("JJJJ-MM-DD"),
        help=_("datum van het verzoek (vastgelegd, met de termijn van een maand)"),
    )
    p.add_argument(
        "--with-restricted",
        action="store_true",
        help=_("ook vertrouwelijke gezondheidsgegevens (na bevestiging, gelogd)"),
    )
    p.add_argument("--yes", action="store_true", help=_("bevestig zonder vraag (scripts)"))
    p.set_defaults(func=_cmd_inzage)

    p = sub.add_parser(
        "correct", help=_("corrigeer of trek in wat onjuist is ontvangen, met reden")
    )
    add_path(p)
    p.add_argument("kind", metavar=_("SOORT"), help=_("soort gegeven, bijvoorbeeld persons"))
    p.add_argument("id", metavar="ID")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--set",
        dest="values",
        metavar="JSON",
        help=_("de juiste waarden, als JSON-object"),
    )
    what.add_argument(
        "--withdraw",
        action="store_true",
        help=_("trek het hele gegeven in (onjuist ontvangen); na bevestiging"),
    )
    p.add_argument("--reason", required=True, help=_("waarom (komt in het logboek)"))
    p.add_argument("--source", default="anders", help=_("duo, coa, ind, brp, klant of anders"))
    p.add_argument("--yes", action="store_true", help=_("bevestig zonder vraag (scripts)"))
    p.set_defaults(func=_cmd_correct)

    p = sub.add_parser("retention", help=_("bewaartermijnen: wat is aan de beurt, vernietigen"))
    add_path(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--due", action="store_true", help=_("toon wat vernietigd moet worden"))
    group.add_argument("--destroy", action="store_true", help=_("vernietig het (na bevestiging)"))
    add_date_options(p)
    p.add_argument("--detail", action="store_true", help=_("toon ook de ids"))
    p.add_argument("--json", action="store_true", help=_("uitvoer als JSON"))
    p.add_argument("--yes", action="store_true", help=_("bevestig zonder vraag (scripts)"))
    p.set_defaults(func=_cmd_retention)

    p = sub.add_parser("audit", help=_("logboek: wie wijzigde, las of exporteerde wat"))
    add_path(p)
    p.add_argument("--person", metavar="ID")
    p.add_argument("--household", metavar="ID")
    p.add_argument("--record", metavar="ID")
    p.add_argument("--actor", metavar=_("NAAM"))
    p.add_argument("--since", type=parse_date, metavar=_("JJJJ-MM-DD"))
    p.add_argument("--until", type=parse_date, metavar=_("JJJJ-MM-DD"))
    p.add_argument("--json", action="store_true", help=_("uitvoer als JSON"))
    p.set_defaults(func=_cmd_audit)
