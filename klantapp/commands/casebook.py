"""Casebook sub-commands: init, demo, export-json, import-json, search, due, verify,
compact, repair."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from klantapp.commands.common import (
    actor,
    add_date_options,
    add_path,
    add_recovery_key_options,
    open_casebook,
    read_new_passphrase,
    read_passphrase,
    recovery_key,
    say,
    write_output,
)
from klantapp.errors import CasebookDamaged, UsageError
from klantapp.i18n import _, ngettext


def _counted(counts: dict[str, int]) -> str:
    """ "4 ketenpartners, 15 gezinsleden, ..." in the interface language."""
    from klantapp.domain.records import RECORD_KINDS

    def label(kind: str, n: int) -> str:
        if kind in RECORD_KINDS:
            known = RECORD_KINDS[kind]
            return _(known.label if n == 1 else known.label_plural).lower()
        return _("instelling") if n == 1 else _("instellingen")

    return ", ".join(f"{n} {label(kind, n)}" for kind, n in counts.items())


def _create(args: argparse.Namespace, *, demo: bool) -> int:
    from klantapp.casebook import Casebook
    from klantapp.vault.recovery import secret_file_text

    recipient = recovery_key(args)
    if recipient is None and not args.recovery_secret_out and not demo:
        raise UsageError(
            _(
                "Er is een herstelsleutel nodig, zodat het centrale kantoor het dossier kan "
                "openen als de wachtwoordzin vergeten is."
            ),
            hint=_(
                "Geef de openbare sleutel van het centrale kantoor met --recovery-key age1..., "
                "of laat er een maken met --recovery-secret-out BESTAND en geef dat bestand "
                "aan het centrale kantoor."
            ),
        )
    if args.recovery_secret_out and Path(args.recovery_secret_out).exists():
        raise UsageError(
            _("{path} bestaat al; kies een nieuw bestand.").format(path=args.recovery_secret_out)
        )
    # The demo casebook is the one exception to the passphrase policy ("demo").
    passphrase = read_passphrase() if demo else read_new_passphrase()
    cb, secret = Casebook.create(args.path, passphrase, recovery_recipient=recipient, actor=actor())
    try:
        if secret is not None and args.recovery_secret_out:
            text = secret_file_text(secret, Path(args.path).name)
            write_output(args.recovery_secret_out, text.encode("utf-8"), personal=False)
            say(
                _(
                    "Herstelsleutel opgeslagen in {path}. Geef dit bestand aan het centrale "
                    "kantoor en verwijder het daarna van deze laptop."
                ).format(path=args.recovery_secret_out)
            )
        if demo:
            from klantapp.casebook.demo import fill_demo

            counts = fill_demo(cb)
            print(
                _("Demodossier gemaakt in {path}: {counts}").format(
                    path=args.path, counts=_counted(counts)
                )
            )
        else:
            print(_("Nieuw dossier gemaakt in {path}.").format(path=args.path))
    finally:
        cb.close()
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    return _create(args, demo=False)


def _cmd_demo(args: argparse.Namespace) -> int:
    return _create(args, demo=True)


def _cmd_export(args: argparse.Namespace) -> int:
    """The whole casebook as JSON: a logged action (AVG, docs/avg.md)."""
    from klantapp.casebook.jsonio import export_document
    from klantapp.commands.common import log_export, open_to_log

    with open_to_log(args.path) as cb:
        doc = export_document(cb)
        data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        write_output(args.output, data, personal=args.output != "-")
        where = _("standaarduitvoer") if args.output == "-" else Path(args.output).name
        log_export(cb, "export", what=_("Hele dossier als JSON naar {file}").format(file=where))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from klantapp.casebook.jsonio import import_document, load_document

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        from klantapp.errors import KlantappError, os_reason

        raise KlantappError(
            _("Kan {path} niet lezen: {reason}.").format(path=args.file, reason=os_reason(exc))
        ) from exc
    doc = load_document(raw, args.file)
    with open_casebook(args.path, writable=True) as cb:
        counts = import_document(cb, doc)
    print(_("Ingelezen: {counts}.").format(counts=_counted(counts) or _("niets")))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from klantapp.casebook.queries import search

    with open_casebook(args.path) as cb:
        hits = search(cb, args.query, limit=args.limit)
    if args.json:
        print(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            print(f"{h.kind}\t{h.id}\t{h.household_id or ''}\t{h.title}")
        if not hits:
            say(_("Niets gevonden."))
    return 0


def _cmd_due(args: argparse.Namespace) -> int:
    from klantapp.casebook.due import due_items
    from klantapp.casebook.queries import due_names

    on = args.on or date.today()
    with open_casebook(args.path) as cb:
        items = due_items(cb, on, horizon_days=args.horizon)
        households, persons = due_names(cb)
    # one line per rule, person and day (a rule never says the same thing twice)
    unique = list(
        {(i.due_on, i.rule, i.household_id, i.person_id, i.title): i for i in items}.values()
    )
    if args.json:
        rows: list[dict[str, Any]] = [
            {
                **i.__dict__,
                "due_on": i.due_on.isoformat(),
                "household_name": households.get(i.household_id, ""),
                "person_name": persons.get(i.person_id or "", ""),
            }
            for i in unique
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for i in unique:
        flag = _("TE LAAT") if i.overdue else _("binnenkort")
        who = persons.get(i.person_id or "", "") or "-"
        where = households.get(i.household_id, "") or i.household_id
        print(f"{i.due_on.isoformat()}\t{flag}\t{where}\t{who}\t{i.title}")
    if not items:
        say(_("Niets te doen of te laat op {day}.").format(day=on.isoformat()))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from klantapp.casebook.verify import verify

    with open_casebook(args.path) as cb:  # read only: a check never changes a file
        report = verify(cb)
    for line in report.lines:
        print(line)
    if not report.ok:
        raise CasebookDamaged(
            _("De controle vond fouten in het dossier."), hint=_("Zie de meldingen hierboven.")
        )
    return 0


def _cmd_compact(args: argparse.Namespace) -> int:
    with open_casebook(args.path, writable=True) as cb:
        cb.compact()
    print(_("Dossier opnieuw opgeslagen (gecomprimeerd)."))
    return 0


def _cmd_repair(args: argparse.Namespace) -> int:
    from klantapp.casebook import Casebook

    report = Casebook.repair(args.path, read_passphrase(), actor=actor())
    if report.lost:
        print(
            ngettext(
                "Hersteld: {count} opgeslagen wijziging kon niet worden gelezen en ontbreekt; "
                "voer hem zo nodig opnieuw in.",
                "Hersteld: {count} opgeslagen wijzigingen konden niet worden gelezen en "
                "ontbreken; voer ze zo nodig opnieuw in.",
                report.lost,
            ).format(count=report.lost)
        )
    else:
        print(_("Hersteld: er ontbreekt geen opgeslagen wijziging."))
    if report.set_aside is not None:
        print(
            _(
                "De oorspronkelijke bestanden staan in {folder}. Bewaar ze tot het centrale "
                "kantoor zegt dat ze weg mogen."
            ).format(folder=report.set_aside)
        )
    return 0


def register(sub: Any) -> None:
    for name, func, text in (
        ("init", _cmd_init, _("maak een nieuw, leeg dossier")),
        ("demo", _cmd_demo, _("maak een dossier met een verzonnen voorbeeldcaseload")),
    ):
        p = sub.add_parser(name, help=text, description=text)
        add_path(p, _("map voor het nieuwe dossier (mag nog niet bestaan)"))
        add_recovery_key_options(p, _("openbare herstelsleutel van het centrale kantoor"))
        p.add_argument(
            "--recovery-secret-out",
            metavar=_("BESTAND"),
            help=_(
                "maak een nieuw sleutelpaar en schrijf de geheime helft hierheen (voor het "
                "centrale kantoor; kies een USB-stick, niet deze laptop)"
            ),
        )
        p.set_defaults(func=func)

    p = sub.add_parser("export-json", help=_("schrijf het hele dossier als JSON (onversleuteld!)"))
    add_path(p)
    p.add_argument(
        "-o", "--output", default="-", metavar=_("BESTAND"), help=_("standaard: standaarduitvoer")
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("import-json", help=_("lees JSON in: alles of niets"))
    add_path(p)
    p.add_argument("file", metavar=_("BESTAND"), help=_("JSON-bestand, of - voor standaardinvoer"))
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("search", help=_("zoek op naam (elk schrift), BSN, V-nummer of notitie"))
    add_path(p)
    p.add_argument("query", metavar=_("ZOEKTEKST"))
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help=_("uitvoer als JSON"))
    p.set_defaults(func=_cmd_search)

    p = sub.add_parser("due", help=_("wat moet gebeuren of is te laat (termijnen Wi2021)"))
    add_path(p)
    add_date_options(p)
    p.add_argument(
        "--horizon",
        type=int,
        default=14,
        metavar=_("DAGEN"),
        help=_("vooruit kijken (standaard 14)"),
    )
    p.add_argument("--json", action="store_true", help=_("uitvoer als JSON"))
    p.set_defaults(func=_cmd_due)

    p = sub.add_parser(
        "verify",
        help=_("controleer het hele dossier (ontsleutelen, integriteit, zoekindex)"),
        description=_("Controleer het hele dossier. De controle verandert geen enkel bestand."),
    )
    add_path(p)
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("compact", help=_("schrijf het dossier opnieuw als één momentopname"))
    add_path(p)
    p.set_defaults(func=_cmd_compact)

    p = sub.add_parser(
        "repair",
        help=_("ga verder met wat leesbaar is na schade; de originelen blijven bewaard"),
        description=_(
            "Herstel een dossier dat niet meer om te bewerken opent: wat leesbaar is wordt "
            "een nieuwe versie van het dossier; alle oorspronkelijke bestanden komen in een "
            "map bewaard-DATUM in de map van het dossier. Er wordt niets verwijderd."
        ),
    )
    add_path(p)
    p.set_defaults(func=_cmd_repair)
