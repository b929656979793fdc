"""What every sub-command shares: passphrases, opening a casebook, writing output.

The passphrase comes from a prompt, or from the environment variable
KLANTAPP_PASSPHRASE when it is set (KLANTAPP_NEW_PASSPHRASE for a new one).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from klantapp.domain.passphrase import check_new_passphrase
from klantapp.errors import KlantappError, UsageError, os_reason
from klantapp.i18n import _, ngettext

if TYPE_CHECKING:
    from klantapp.casebook import Casebook

PASSPHRASE_ENV = "KLANTAPP_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "KLANTAPP_NEW_PASSPHRASE"  # noqa: S105 - a variable name


def add_path(parser: Any, help: str | None = None) -> None:
    """The casebook folder every sub-command takes first."""
    parser.add_argument("path", metavar=_("MAP"), help=help or _("de map van het dossier"))


def add_recovery_key_options(parser: Any, help: str) -> None:
    """--recovery-key AGE1... or --recovery-key-file FILE: the office's public key."""
    parser.add_argument("--recovery-key", metavar="AGE1...", help=help)
    parser.add_argument(
        "--recovery-key-file",
        metavar=_("BESTAND"),
        help=_("bestand met die openbare sleutel, of het kantoorkaartje (.kcard)"),
    )


def recovery_key(args: Any) -> str | None:
    """The public key given with :func:`add_recovery_key_options`, if any."""
    if args.recovery_key and args.recovery_key_file:
        raise UsageError(_("Geef --recovery-key of --recovery-key-file, niet allebei."))
    if args.recovery_key_file:
        text = read_text_file(args.recovery_key_file)
        return _card_recovery_key(text) if text.lstrip().startswith("{") else text.strip()
    return str(args.recovery_key) if args.recovery_key else None


def _card_recovery_key(text: str) -> str:
    """The recovery key an office card names (its signature checked): a laptop set up
    for the office gets the office's recovery key without copying it out by hand."""
    from klantapp.sync.card import read_card  # the card is the office's, not the vault's

    return read_card(text).recovery_recipient


def report_waiting(settling: int, unfinished: list[str]) -> None:
    """What a sync run left for a later run: bundles too new to be whole yet, and bundles
    that did not read whole (perhaps still being copied)."""
    if settling:
        print(
            ngettext(
                "{n} bundel is nog te nieuw (misschien wordt hij nog gekopieerd); "
                "die wordt bij de volgende uitwisseling gelezen.",
                "{n} bundels zijn nog te nieuw (misschien worden ze nog gekopieerd); "
                "die worden bij de volgende uitwisseling gelezen.",
                settling,
            ).format(n=settling)
        )
    for name in unfinished:
        print(_("Nog niet compleet, wordt later opnieuw gelezen: {name}").format(name=name))


def actor() -> str:
    """Who a command's changes are signed by until the casebook is open: the computer's
    account name (:func:`signed` then takes the klantmanager's name when one is set)."""
    return os.environ.get("USER", "cli")


def signed(cb: Casebook) -> Casebook:
    """Sign the command's changes and log entries with the klantmanager's name from
    Instellingen (the device setting ``klantmanager``), as the client does."""
    from klantapp.casebook.queries import klantmanager_name

    cb.actor = klantmanager_name(cb) or cb.actor
    return cb


def parse_date(text: str) -> date:
    """A YYYY-MM-DD argument (argparse reports a bad one as a usage error)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("geen geldige datum (schrijf JJJJ-MM-DD)")) from None


def add_date_options(parser: Any, *, period: bool = False) -> None:
    """``--on`` (the reference date, ``args.on``; None means today) and, with ``period``,
    ``--from``/``--to`` (``args.start``, ``args.end``): the same options, words and
    defaults in every command that counts on a day or over a period."""
    parser.add_argument(
        "--on",
        type=parse_date,
        default=None,
        metavar=_("JJJJ-MM-DD"),
        help=_("peildatum (standaard vandaag)"),
    )
    if not period:
        return
    for flag, dest, text in (
        ("--from", "start", _("begin van de periode (standaard 1 januari)")),
        ("--to", "end", _("einde van de periode (standaard de peildatum)")),
    ):
        parser.add_argument(
            flag, dest=dest, type=parse_date, default=None, metavar=_("JJJJ-MM-DD"), help=text
        )


def confirm(question: str, *, yes: bool) -> None:
    """An explicit yes from the person at the terminal (or ``--yes`` in a script);
    anything else stops the command with nothing changed."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            _("Bevestiging nodig, maar er is geen terminal om erom te vragen."),
            hint=_("Geef --yes om te bevestigen."),
        )
    answer = input(f"{question} [ja/nee] ").strip().lower()
    if answer not in ("ja", "j", "yes", "y"):
        raise KlantappError(_("Niet bevestigd; er is niets veranderd."))


def say(text: str) -> None:
    """A message for the person at the terminal (stderr: stdout is the output)."""
    print(text, file=sys.stderr)


def read_passphrase(*, env: str = PASSPHRASE_ENV) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(
            _("Geen wachtwoordzin: er is geen terminal om erom te vragen."),
            hint=_("Zet de omgevingsvariabele {name}.").format(name=env),
        )
    return getpass.getpass(_("Wachtwoordzin: "))


def read_new_passphrase(*, env: str = PASSPHRASE_ENV, current: str | None = None) -> str:
    """A new passphrase, from ``env`` or typed twice at a prompt, checked against the
    passphrase policy (and refused when it is the same as ``current``)."""
    value = os.environ.get(env)
    if value is None:
        if not sys.stdin.isatty():
            raise UsageError(
                _("Geen nieuwe wachtwoordzin: er is geen terminal om erom te vragen."),
                hint=_("Zet de omgevingsvariabele {name}.").format(name=env),
            )
        value = getpass.getpass(_("Nieuwe wachtwoordzin: "))
        if getpass.getpass(_("Herhaal de nieuwe wachtwoordzin: ")) != value:
            raise UsageError(
                _("De twee wachtwoordzinnen zijn niet gelijk."), hint=_("Probeer het opnieuw.")
            )
    check_new_passphrase(value, current=current)
    return value


def read_text_file(path: str) -> str:
    """A text file the user names (UTF-8, a byte-order mark allowed); ``-`` is stdin."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise KlantappError(
            _("Kan {path} niet lezen: {reason}.").format(path=path, reason=os_reason(exc))
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(
            _("{path} is geen tekstbestand in UTF-8.").format(path=path),
            hint=_("Sla het bestand op als UTF-8 en probeer het opnieuw."),
        ) from None


def show_warnings(cb: Casebook) -> None:
    for warning in cb.warnings:
        say(_("Let op: {warning}").format(warning=warning))


@contextlib.contextmanager
def open_casebook(path: str | Path, *, writable: bool = False) -> Iterator[Casebook]:
    """Open a casebook for a command and close it afterwards, also on errors. Only
    ``writable=True`` may change anything on disk."""
    from klantapp.casebook import Casebook

    cb = signed(Casebook.open(path, read_passphrase(), writable=writable, actor=actor()))
    show_warnings(cb)
    try:
        yield cb
    finally:
        cb.close()


@contextlib.contextmanager
def open_to_log(path: str | Path) -> Iterator[Casebook]:
    """Open a casebook for a command whose output is a logged action (an export, AVG:
    docs/avg.md), so to write its entry (:func:`log_export`). One that cannot be opened
    to write (saved changes unreadable: ``klantapp repair``; a write-protected folder)
    is still opened, read-only, and :func:`log_export` then says that this output is
    not in the log."""
    from klantapp.casebook import Casebook
    from klantapp.errors import CasebookDamaged

    passphrase = read_passphrase()
    try:
        cb = Casebook.open(path, passphrase, writable=True, actor=actor())
    except (CasebookDamaged, OSError):  # (OSError: a folder we may not write to)
        cb = Casebook.open(path, passphrase, writable=False, actor=actor())
    signed(cb)
    show_warnings(cb)
    try:
        yield cb
    finally:
        cb.close()


def log_export(cb: Casebook, action: str, **entry: Any) -> None:
    """The audit entry of a command's output (see :func:`open_to_log`)."""
    from klantapp.avg.log import record_access

    if cb.writable:
        record_access(cb, action, **entry)
    else:
        say(_("Let op: deze export staat niet in het logboek (het dossier is alleen-lezen)."))


def log_restricted_reads(cb: Casebook, shown: list[dict[str, Any]]) -> None:
    """A command showed health data it withholds unless asked (``--show-restricted``):
    one audit entry per household, naming the records, as the client logs a reveal.
    ``shown``: the items with restricted values shown, each with ``household_id`` and
    ``record``."""
    households: dict[str | None, set[str]] = {}
    for item in shown:
        households.setdefault(item.get("household_id"), set()).add(str(item["record"]))
    for household, records in households.items():
        what = _("Vertrouwelijke gegevens getoond: {record}").format(
            record=", ".join(sorted(records))
        )
        log_export(cb, "restricted_read", what=what, household_id=household)


def write_output(path: str, data: bytes, *, personal: bool) -> None:
    """Write a file the user asked for: atomically, readable only by them. ``-`` means
    standard output."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from klantapp.vault.fsio import replace_file_atomically

    target = Path(path)
    if not target.parent.is_dir():
        raise UsageError(
            _("De map {folder} bestaat niet.").format(folder=target.parent),
            hint=_("Kies een bestaande map."),
        )
    try:
        replace_file_atomically(target, data)
    except OSError as exc:
        raise KlantappError(
            _("Kan {path} niet schrijven: {reason}.").format(path=target, reason=os_reason(exc))
        ) from exc
    if personal:
        say(
            _(
                "Let op: {path} bevat persoonsgegevens zonder versleuteling. Bewaar het veilig "
                "en verwijder het als het niet meer nodig is."
            ).format(path=target)
        )
