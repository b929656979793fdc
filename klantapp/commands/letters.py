"""Letter sub-commands: letter, letters (a day's batch) and ics."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from klantapp.cli import open_casebook, write_output
from klantapp.errors import UsageError


def _notify(notices: tuple[str, ...]) -> None:
    """Warnings that do not stop the letter (past appointment, unreviewed translation)."""
    for notice in notices:
        print(f"Let op: {notice}", file=sys.stderr)


def _cmd_letter(args: argparse.Namespace) -> int:
    from klantapp.letters import prepare_letter

    with open_casebook(args.path) as cb:
        # refuses (exit 1, the missing details named) a letter that could not arrive
        prepared = prepare_letter(cb, args.appointment, lang=args.lang)
    _notify(prepared.notices)
    write_output(args.output, prepared.pdf, personal=True)
    return 0


def _cmd_letters(args: argparse.Namespace) -> int:
    from klantapp.letters import prepare_day_letters

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(
            f"Ongeldige datum: {args.date!r}.", hint="Schrijf de datum als JJJJ-MM-DD."
        ) from None

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rBrief {done} van {total}", end="", file=sys.stderr, flush=True)

    with open_casebook(args.path) as cb:
        prepared = prepare_day_letters(cb, day, progress=progress)
    if sys.stderr.isatty() and prepared.count:
        print(file=sys.stderr)
    _notify(prepared.notices)
    if not prepared.count:
        print(f"Geen geplande afspraken op {day.isoformat()}.", file=sys.stderr)
    write_output(args.output, prepared.pdf, personal=True)
    return 0


def _cmd_ics(args: argparse.Namespace) -> int:
    from klantapp.letters import appointment_ics_for

    with open_casebook(args.path) as cb:
        text = appointment_ics_for(cb, args.appointment)
    write_output(args.output, text.encode("utf-8"), personal=True)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("letter", help="maak de brief voor één afspraak (PDF)")
    p.add_argument("path", metavar="PATH", help="het dossier")
    p.add_argument("--appointment", required=True, metavar="ID", help="id van de afspraak")
    p.add_argument(
        "--lang",
        metavar="CODE",
        default=None,
        help="taal naast Nederlands (en, ar, ti, fa, prs, ps, so, tr, kmr, ckb, am, uk, ru, "
        "fr; nl = alleen Nederlands); standaard de taal van de afspraak of de klant",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="uitvoerbestand")
    p.set_defaults(func=_cmd_letter)

    p = sub.add_parser("letters", help="alle brieven van één dag in één PDF")
    p.add_argument("path", metavar="PATH", help="het dossier")
    p.add_argument("--date", required=True, metavar="JJJJ-MM-DD", help="de dag")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="uitvoerbestand")
    p.set_defaults(func=_cmd_letters)

    p = sub.add_parser("ics", help="schrijf een afspraak als agendabestand (.ics)")
    p.add_argument("path", metavar="PATH", help="het dossier")
    p.add_argument("--appointment", required=True, metavar="ID", help="id van de afspraak")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics", help="uitvoerbestand")
    p.set_defaults(func=_cmd_ics)
