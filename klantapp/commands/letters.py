"""Letter sub-commands: letter, letters (a day's batch) and ics."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from klantapp.commands.common import add_path, open_casebook, say, write_output
from klantapp.errors import UsageError
from klantapp.i18n import _


def _warn_unreviewed(lang: str) -> None:
    from klantapp.domain.records import LANGUAGES, choice_label
    from klantapp.letters import catalog_reviewed

    if lang != "nl" and not catalog_reviewed(lang):
        say(
            _(
                "Let op: de vertaling in het {language} is niet gecontroleerd door een "
                "gekwalificeerd vertaler. De Nederlandse tekst in de brief is de officiële tekst."
            ).format(language=_(choice_label(LANGUAGES, lang)))
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
            _("Dit is geen geldige datum."), hint=_("Schrijf de datum als JJJJ-MM-DD.")
        ) from None
    with open_casebook(args.path) as cb:
        letters = [letter_data(cb, i) for i in day_appointment_ids(cb, day)]
        for lang in sorted({d.lang for d in letters}):
            _warn_unreviewed(lang)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                text = _("Brief {done} van {total}").format(done=done, total=total)
                print(f"\r{text}", end="", file=sys.stderr, flush=True)

        pdf = render_letters(letters, progress=progress)
        if sys.stderr.isatty() and letters:
            print(file=sys.stderr)
    if not letters:
        say(_("Geen geplande afspraken op {day}.").format(day=day.isoformat()))
    write_output(args.output, pdf, personal=True)
    return 0


def _cmd_ics(args: argparse.Namespace) -> int:
    from klantapp.letters import appointment_ics_for

    with open_casebook(args.path) as cb:
        text = appointment_ics_for(cb, args.appointment)
    write_output(args.output, text.encode("utf-8"), personal=True)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("letter", help=_("maak de brief voor één afspraak (PDF)"))
    add_path(p)
    p.add_argument("--appointment", required=True, metavar="ID", help=_("id van de afspraak"))
    p.add_argument(
        "--lang",
        metavar="CODE",
        default=None,
        help=_(
            "taal naast Nederlands (en, ar, ti, fa, prs, ps, so, tr, kmr, ckb, am, uk, ru, "
            "fr; nl = alleen Nederlands); standaard de taal van de afspraak of de klant"
        ),
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("uitvoerbestand"))
    p.set_defaults(func=_cmd_letter)

    p = sub.add_parser("letters", help=_("alle brieven van één dag in één PDF"))
    add_path(p)
    p.add_argument("--date", required=True, metavar=_("JJJJ-MM-DD"), help=_("de dag"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("uitvoerbestand"))
    p.set_defaults(func=_cmd_letters)

    p = sub.add_parser("ics", help=_("schrijf een afspraak als agendabestand (.ics)"))
    add_path(p)
    p.add_argument("--appointment", required=True, metavar="ID", help=_("id van de afspraak"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics", help=_("uitvoerbestand"))
    p.set_defaults(func=_cmd_ics)
