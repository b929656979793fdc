"""The casebook's settings from the command line: show them, or change one.

    klantapp settings PATH                      every setting and its value
    klantapp settings PATH KEY --set JSON       change fields of one (null clears one)

The keys and their fields are those of klantapp/domain/settings.py; a value is checked
as the client checks it. A choice the central office makes (the retention periods, the
monitor's small numbers) is refused on a joined laptop.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from klantapp.commands.common import add_path, open_casebook, say
from klantapp.errors import UsageError
from klantapp.i18n import _

#: Fields too long to print: their length is shown instead.
_LONG = 200


def _shown(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_("({n} tekens)").format(n=len(v)) if isinstance(v, str) and len(v) > _LONG else v)
        for k, v in value.items()
    }


def _cmd_settings(args: argparse.Namespace) -> int:
    from klantapp.domain.settings import SETTINGS

    if args.key is not None and args.key not in SETTINGS:
        raise UsageError(
            _("Onbekende instelling {key}; kies uit {keys}.").format(
                key=args.key, keys=", ".join(SETTINGS)
            )
        )
    if args.values is not None:
        if args.key is None:
            raise UsageError(_("Noem de instelling die --set verandert, bijvoorbeeld retention."))
        try:
            given = json.loads(args.values)
        except ValueError:
            given = None
        if not isinstance(given, dict):
            raise UsageError(
                _("--set verwacht een JSON-object, bijvoorbeeld {example}.").format(
                    example="'{\"appointments\": 5}'"
                )
            )
        with open_casebook(args.path, writable=True) as cb:
            merged = {**cb.get_setting(args.key, {}), **given}
            cb.set_setting(args.key, {k: v for k, v in merged.items() if v is not None})
            value = cb.get_setting(args.key, {})
        say(_("Opgeslagen."))
        print(json.dumps({args.key: _shown(value)}, ensure_ascii=False, indent=2))
        return 0
    with open_casebook(args.path) as cb:
        keys = [args.key] if args.key else list(SETTINGS)
        doc = {key: _shown(cb.get_setting(key, {})) for key in keys}
    print(json.dumps(doc, ensure_ascii=False, indent=2))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("settings", help=_("toon de instellingen van het dossier, of wijzig er één"))
    add_path(p)
    p.add_argument(
        "key",
        nargs="?",
        metavar=_("INSTELLING"),
        help=_("bijvoorbeeld gemeente, retention of monitor"),
    )
    p.add_argument(
        "--set",
        dest="values",
        metavar="JSON",
        help=_("velden van de instelling, als JSON-object (null wist een veld)"),
    )
    p.set_defaults(func=_cmd_settings)
