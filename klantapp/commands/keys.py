"""Key sub-commands: passwd (new passphrase and/or recovery key) and recover (open with
the central office's recovery key and set a new passphrase). Each one gives the
casebook a new data key, so nothing saved afterwards opens with what was replaced."""

from __future__ import annotations

import argparse
from typing import Any

from klantapp.commands.common import (
    NEW_PASSPHRASE_ENV,
    actor,
    add_path,
    add_recovery_key_options,
    read_new_passphrase,
    read_passphrase,
    read_text_file,
    recovery_key,
    show_warnings,
)
from klantapp.errors import UsageError
from klantapp.i18n import _


def _cmd_passwd(args: argparse.Namespace) -> int:
    from klantapp.casebook import Casebook
    from klantapp.vault.recovery import check_recovery_recipient

    recipient = recovery_key(args)
    if args.keep_passphrase and recipient is None:
        raise UsageError(
            _("--keep-passphrase hoort bij --recovery-key: er verandert anders niets.")
        )
    if recipient is not None:
        check_recovery_recipient(recipient)
    current = read_passphrase()
    cb = Casebook.open(args.path, current, actor=actor())
    try:
        show_warnings(cb)
        if args.keep_passphrase:
            assert recipient is not None
            cb.change_recovery_key(recipient, current)
        else:
            new = read_new_passphrase(env=NEW_PASSPHRASE_ENV, current=current)
            cb.change_passphrase(new, recovery_recipient=recipient)
    finally:
        cb.close()
    if recipient is not None:
        print(_("De herstelsleutel is vervangen; de oude opent het dossier niet meer."))
    if not args.keep_passphrase:
        print(_("De wachtwoordzin is gewijzigd; de oude opent het dossier niet meer."))
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from klantapp.casebook import Casebook

    identity = read_text_file(args.recovery_secret)
    cb = Casebook.open_with_recovery(args.path, identity, actor=actor())
    try:
        show_warnings(cb)
        new = read_new_passphrase(env=NEW_PASSPHRASE_ENV)
        cb.change_passphrase(new)
    finally:
        cb.close()
    print(
        _(
            "Het dossier is geopend met de herstelsleutel en heeft een nieuwe wachtwoordzin. "
            "De oude wachtwoordzin opent het niet meer."
        )
    )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "passwd",
        help=_("wijzig de wachtwoordzin (of de herstelsleutel)"),
        description=_(
            "Wijzig de wachtwoordzin; de nieuwe komt van een prompt of uit {env}. Het dossier "
            "krijgt daarbij een nieuwe sleutel: de oude wachtwoordzin opent niets wat daarna "
            "wordt opgeslagen, ook niet met een oude kopie van het kopbestand. Met "
            "--recovery-key komt er ook een nieuwe herstelsleutel."
        ).format(env=NEW_PASSPHRASE_ENV),
    )
    add_path(p)
    add_recovery_key_options(
        p, _("vervang de herstelsleutel door deze openbare sleutel van het centrale kantoor")
    )
    p.add_argument(
        "--keep-passphrase",
        action="store_true",
        help=_("met --recovery-key: alleen de herstelsleutel vervangen"),
    )
    p.set_defaults(func=_cmd_passwd)

    p = sub.add_parser(
        "recover",
        help=_("open met de herstelsleutel en kies een nieuwe wachtwoordzin"),
        description=_(
            "Voor een vergeten wachtwoordzin: open het dossier met de geheime herstelsleutel "
            "van het centrale kantoor (een bestand van age-keygen of het bestand dat Klantapp "
            "schreef) en kies een nieuwe wachtwoordzin (prompt of {env}). Het dossier krijgt "
            "een nieuwe sleutel."
        ).format(env=NEW_PASSPHRASE_ENV),
    )
    add_path(p)
    p.add_argument(
        "--recovery-secret",
        required=True,
        metavar=_("BESTAND"),
        help=_("bestand met de geheime herstelsleutel (AGE-SECRET-KEY-1...)"),
    )
    p.set_defaults(func=_cmd_recover)
