"""Letter sub-commands: letter, letters (a day's batch) and ics."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from klantapp.cli import open_casebook, write_output
from klantapp.errors import UsageError


def _warn_unreviewed(lang: str) -> None:
    from klantapp.domain.records import LANGUAGES, choice_label
    from klantapp.letters import catalog_reviewed

    if lang != "nl" and not catalog_reviewed(lang):
        print(
            f"Let op: de vertaling in het {choice_label(LANGUAGES, lang)} is niet gecontroleerd "
            "door een gekwalificeerd vertaler. De Nederlandse tekst in de brief is de officiële "
            "tekst.",
            file=sys.stderr,
        )


def _cmd_letter(args: argparse.Namespace) -> int:
    from klantapp.letters import letter_data, render_letter

    with open_casebook(args.path) as cb:
        data = letter_data(cb, args.appointment, args.lang)
        _warn_unreviewed(data.lang)
        pdf = render_letter(data)
    write_output(args.output, pdf, personal=True)
    return 0


def _cmd_letters(args: argparse.Namespace) -> int:
    from klantapp.letters import letter_data, render_letters
    from klantapp.letters.from_casebook import day_appointment_ids

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(
            f"Ongeldige datum: {args.date!r}.", hint="Schrijf de datum als JJJJ-MM-DD."
        ) from None
    with open_casebook(args.path) as cb:
        letters = [letter_data(cb, i) for i in day_appointment_ids(cb, day)]
        for lang in sorted({d.lang for d in letters}):
            _warn_unreviewed(lang)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\rBrief {done} van {total}", end="", file=sys.stderr, flush=True)

        pdf = render_letters(letters, progress=progress)
        if sys.stderr.isatty() and letters:
            print(file=sys.stderr)
    if not letters:
        print(f"Geen geplande afspraken op {day.isoformat()}.", file=sys.stderr)
    write_output(args.output, pdf, personal=True)
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
