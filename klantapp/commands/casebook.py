"""Casebook sub-commands: init, demo, gui, export-json, import-json, search, due,
verify, passwd, compact."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from klantapp.cli import (
    NEW_PASSPHRASE_ENV,
    open_casebook,
    read_new_passphrase,
    read_passphrase,
    write_output,
)
from klantapp.errors import CasebookDamaged, InvalidInput, KlantappError, Problem, UsageError


def _actor() -> str:
    return os.environ.get("USER", "cli")


def start_gui(path: str | None) -> int:
    try:
        from ui.app import run_gui
    except ImportError as exc:
        raise KlantappError(
            "Het bureaubladprogramma kan niet starten: de Qt-onderdelen ontbreken.",
            hint="Installeer Klantapp opnieuw (make run) of gebruik de opdrachten, zie --help.",
        ) from exc
    return int(run_gui(path))


def _cmd_gui(args: argparse.Namespace) -> int:
    return start_gui(args.path)


def _recovery(args: argparse.Namespace) -> str | None:
    if args.recovery_key and args.recovery_key_file:
        raise UsageError("Geef --recovery-key of --recovery-key-file, niet allebei.")
    if args.recovery_key_file:
        return Path(args.recovery_key_file).read_text(encoding="utf-8").strip()
    return str(args.recovery_key) if args.recovery_key else None


def _create(args: argparse.Namespace, *, demo: bool) -> int:
    from klantapp.casebook import Casebook

    recipient = _recovery(args)
    if recipient is None and not args.recovery_secret_out and not demo:
        raise UsageError(
            "Er is een herstelsleutel nodig, zodat het centrale kantoor het dossier kan openen "
            "als de wachtwoordzin vergeten is.",
            hint="Geef de publieke sleutel van het centrale kantoor met --recovery-key age1..., "
            "of laat er een maken met --recovery-secret-out BESTAND en geef dat bestand aan "
            "het centrale kantoor.",
        )
    if args.recovery_secret_out and Path(args.recovery_secret_out).exists():
        raise UsageError(f"{args.recovery_secret_out} bestaat al; kies een nieuw bestand.")
    passphrase = read_passphrase() if demo else read_new_passphrase()
    cb, secret = Casebook.create(
        args.path, passphrase, recovery_recipient=recipient, actor=_actor()
    )
    try:
        if secret is not None and args.recovery_secret_out:
            write_output(args.recovery_secret_out, (secret + "\n").encode(), personal=False)
            print(
                f"Herstelsleutel opgeslagen in {args.recovery_secret_out}. Geef dit bestand aan "
                "het centrale kantoor en verwijder het daarna van deze laptop.",
                file=sys.stderr,
            )
        if demo:
            from klantapp.casebook.demo import fill_demo

            counts = fill_demo(cb)
            print(
                f"Demodossier gemaakt in {args.path}: "
                + ", ".join(f"{v} {k}" for k, v in counts.items())
            )
        else:
            print(f"Nieuw dossier gemaakt in {args.path}.")
    finally:
        cb.close()
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    return _create(args, demo=False)


def _cmd_demo(args: argparse.Namespace) -> int:
    return _create(args, demo=True)


def _cmd_export(args: argparse.Namespace) -> int:
    from klantapp.casebook.jsonio import export_document

    with open_casebook(args.path) as cb:
        doc = export_document(cb)  # type: ignore[arg-type]
    data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_output(args.output, data, personal=args.output != "-")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from klantapp.casebook.jsonio import import_document

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise KlantappError(f"Kan {args.file} niet lezen: {exc.strerror}.") from exc
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = (
            f"regel {exc.lineno}, kolom {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else "codering"
        )
        raise InvalidInput(
            [Problem(args.file, "(bestand)", f"Geen geldige JSON ({where}).")]
        ) from exc
    with open_casebook(args.path) as cb:
        counts = import_document(cb, doc)  # type: ignore[arg-type]
    total = sum(counts.values())
    print(
        f"Ingelezen: {total} gegevens (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")."
    )
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from klantapp.casebook.queries import search

    with open_casebook(args.path) as cb:
        hits = search(cb, args.query, limit=args.limit)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            print(f"{h.kind}\t{h.id}\t{h.household_id or ''}\t{h.title}")
        if not hits:
            print("Niets gevonden.", file=sys.stderr)
    return 0


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen geldige datum (JJJJ-MM-DD): {text!r}") from None


def _cmd_due(args: argparse.Namespace) -> int:
    from klantapp.casebook.due import due_items

    with open_casebook(args.path) as cb:
        items = due_items(cb, args.on, horizon_days=args.horizon)  # type: ignore[arg-type]
    if args.json:
        rows: list[dict[str, Any]] = [{**i.__dict__, "due_on": i.due_on.isoformat()} for i in items]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for i in items:
        flag = "TE LAAT" if i.overdue else "binnenkort"
        print(f"{i.due_on.isoformat()}\t{flag}\t{i.rule}\t{i.household_id}\t{i.title}")
    if not items:
        print(f"Niets te doen of te laat op {args.on.isoformat()}.", file=sys.stderr)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from klantapp.casebook.verify import verify

    with open_casebook(args.path) as cb:
        report = verify(cb)  # type: ignore[arg-type]
    for line in report.lines:
        print(line)
    if not report.ok:
        raise CasebookDamaged(
            "De controle vond fouten in het dossier.", hint="Zie de meldingen hierboven."
        )
    return 0


def _cmd_passwd(args: argparse.Namespace) -> int:
    with open_casebook(args.path) as cb:
        new = read_new_passphrase(env=NEW_PASSPHRASE_ENV)
        cb.change_passphrase(new)  # type: ignore[attr-defined]
    print("De wachtwoordzin is gewijzigd.")
    return 0


def _cmd_compact(args: argparse.Namespace) -> int:
    with open_casebook(args.path) as cb:
        cb.compact()  # type: ignore[attr-defined]
    print("Dossier opnieuw opgeslagen (gecomprimeerd).")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="start het programma (met dit dossier)")
    p.add_argument("path", nargs="?", help="map van het dossier")
    p.set_defaults(func=_cmd_gui)

    for name, func, text in (
        ("init", _cmd_init, "maak een nieuw, leeg dossier"),
        ("demo", _cmd_demo, "maak een dossier met een verzonnen voorbeeldcaseload"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("path", help="map voor het nieuwe dossier (mag nog niet bestaan)")
        p.add_argument(
            "--recovery-key",
            metavar="AGE1...",
            help="publieke herstelsleutel van het centrale kantoor",
        )
        p.add_argument(
            "--recovery-key-file", metavar="BESTAND", help="bestand met die publieke sleutel"
        )
        p.add_argument(
            "--recovery-secret-out",
            metavar="BESTAND",
            help="maak een nieuw sleutelpaar en schrijf de geheime helft hierheen (voor het centrale kantoor)",
        )
        p.set_defaults(func=func)

    p = sub.add_parser("export-json", help="schrijf het hele dossier als JSON (onversleuteld!)")
    p.add_argument("path")
    p.add_argument(
        "-o", "--output", default="-", metavar="BESTAND", help="standaard: standaarduitvoer"
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("import-json", help="lees JSON in: alles of niets")
    p.add_argument("path")
    p.add_argument("file", metavar="BESTAND", help="JSON-bestand, of - voor standaardinvoer")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("search", help="zoek op naam (elk schrift), BSN, V-nummer of notitie")
    p.add_argument("path")
    p.add_argument("query", metavar="ZOEKTEKST")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="uitvoer als JSON")
    p.set_defaults(func=_cmd_search)

    p = sub.add_parser("due", help="wat moet gebeuren of is te laat (termijnen Wi2021)")
    p.add_argument("path")
    p.add_argument(
        "--on",
        type=_parse_date,
        default=date.today(),
        metavar="JJJJ-MM-DD",
        help="standaard: vandaag",
    )
    p.add_argument(
        "--horizon", type=int, default=14, metavar="DAGEN", help="vooruit kijken (standaard 14)"
    )
    p.add_argument("--json", action="store_true", help="uitvoer als JSON")
    p.set_defaults(func=_cmd_due)

    p = sub.add_parser(
        "verify", help="controleer het hele dossier (ontsleutelen, integriteit, zoekindex)"
    )
    p.add_argument("path")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "passwd",
        help="wijzig de wachtwoordzin",
        description=f"Wijzig de wachtwoordzin. De nieuwe komt van een prompt of uit {NEW_PASSPHRASE_ENV}.",
    )
    p.add_argument("path")
    p.set_defaults(func=_cmd_passwd)

    p = sub.add_parser("compact", help="schrijf het dossier opnieuw als één momentopname")
    p.add_argument("path")
    p.set_defaults(func=_cmd_compact)
