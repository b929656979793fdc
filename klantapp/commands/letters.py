"""Letter sub-commands: letter, letters (a day's batch), late-offer and ics. Each file
written holds a client's personal data, so each is a logged export (docs/avg.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from klantapp.commands.common import add_path, log_export, open_to_log, say, write_output
from klantapp.errors import UsageError
from klantapp.i18n import _


def _notify(notices: tuple[str, ...]) -> None:
    """Warnings that do not stop the letter (past appointment, unreviewed translation)."""
    for notice in notices:
        say(_("Let op: {warning}").format(warning=notice))


def _about(cb: Any, kind: str, record_id: str) -> dict[str, str | None]:
    """The household and person an appointment or a person is of, for the log."""
    from klantapp.casebook.queries import get

    record = get(cb, kind, record_id) or {}
    return {
        "household_id": record.get("household_id"),
        "person_id": record_id if kind == "persons" else record.get("person_id"),
    }


def _write_letter(
    args: argparse.Namespace,
    make: Callable[[Any], Any],
    what: Callable[[str], str],
    about: Callable[[Any], dict[str, str | None]],
) -> int:
    """Make one letter from the casebook, tell its notices, write the PDF (0600), log
    it."""
    with open_to_log(args.path) as cb:
        prepared = make(cb)
        _notify(prepared.notices)
        _write_logged(cb, args.output, prepared.pdf, what, **about(cb))
    return 0


def _write_logged(
    cb: Any, output: str, data: bytes, what: Callable[[str], str], **about: str | None
) -> None:
    """Write an output file of personal data and log it as an export (``what``: the
    entry's words, given the file's name)."""
    write_output(output, data, personal=True)
    where = _("standaarduitvoer") if output == "-" else Path(output).name
    log_export(cb, "export", what=what(where), **about)


def _cmd_letter(args: argparse.Namespace) -> int:
    from klantapp.letters import prepare_letter

    # refuses (exit 1, the missing details named) a letter that could not arrive
    return _write_letter(
        args,
        lambda cb: prepare_letter(cb, args.appointment, lang=args.lang),
        lambda file: _("Brief voor een afspraak als PDF naar {file}").format(file=file),
        lambda cb: _about(cb, "appointments", args.appointment),
    )


def _cmd_letters(args: argparse.Namespace) -> int:
    from klantapp.letters import prepare_day_letters

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(
            _("Dit is geen geldige datum."), hint=_("Schrijf de datum als JJJJ-MM-DD.")
        ) from None

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            text = _("Brief {done} van {total}").format(done=done, total=total)
            print(f"\r{text}", end="", file=sys.stderr, flush=True)

    with open_to_log(args.path) as cb:
        prepared = prepare_day_letters(cb, day, progress=progress)
        if sys.stderr.isatty() and prepared.count:
            print(file=sys.stderr)
        _notify(prepared.notices)
        if not prepared.count:
            say(_("Geen geplande afspraken op {day}.").format(day=day.isoformat()))
        _write_logged(
            cb,
            args.output,
            prepared.pdf,
            lambda file: _("Brieven van {day} als PDF naar {file}").format(
                day=day.isoformat(), file=file
            ),
        )
    return 0


def _cmd_late_offer(args: argparse.Namespace) -> int:
    from klantapp.letters import prepare_late_offer

    # refuses (exit 1, with the reason) when the offer was not late or the letter could
    # not arrive
    return _write_letter(
        args,
        lambda cb: prepare_late_offer(cb, args.person, lang=args.lang),
        lambda file: _("Verklaring te laat aanbod als PDF naar {file}").format(file=file),
        lambda cb: _about(cb, "persons", args.person),
    )


def _cmd_ics(args: argparse.Namespace) -> int:
    from klantapp.letters import appointment_ics_for

    with open_to_log(args.path) as cb:
        text = appointment_ics_for(cb, args.appointment)
        _write_logged(
            cb,
            args.output,
            text.encode("utf-8"),
            lambda file: _("Afspraak als agendabestand (.ics) naar {file}").format(file=file),
            **_about(cb, "appointments", args.appointment),
        )
    return 0


def _add_lang(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument(
        "--lang",
        metavar="CODE",
        default=None,
        help=_(
            "taal naast Nederlands (en, ar, ti, fa, prs, ps, so, tr, kmr, ckb, am, uk, ru, "
            "fr; nl = alleen Nederlands); {default}"
        ).format(default=default),
    )


def register(sub: Any) -> None:
    p = sub.add_parser("letter", help=_("maak de brief voor één afspraak (PDF)"))
    add_path(p)
    p.add_argument("--appointment", required=True, metavar="ID", help=_("id van de afspraak"))
    _add_lang(p, _("standaard de taal van de afspraak of de klant"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("uitvoerbestand"))
    p.set_defaults(func=_cmd_letter)

    p = sub.add_parser(
        "late-offer",
        help=_("verklaring dat het aanbod te laat startte, voor verlenging bij DUO (PDF)"),
    )
    add_path(p)
    p.add_argument("--person", required=True, metavar="ID", help=_("id van het gezinslid"))
    _add_lang(p, _("standaard de taal van de klant"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("uitvoerbestand"))
    p.set_defaults(func=_cmd_late_offer)

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
