"""The ``klantapp`` command line: sub-commands for people and for scripts.

This is a contract for scripts at the central office. Exit codes:
0 ok; 1 other error; 2 usage; 3 wrong passphrase; 4 casebook damaged or tampered with;
5 invalid input data; 6 a sync bundle or device refused. Messages are plain words on
stderr in the interface language (Dutch; ``KLANTAPP_LANG=en`` for English), never a traceback (set KLANTAPP_DEBUG=1 to
see one). The passphrase comes from a prompt, or from the environment variable
KLANTAPP_PASSPHRASE when it is set.

Direction of the imports: the core never imports the desktop client. The installed
``klantapp`` command is :func:`ui.launch.main`, which calls :func:`main` here and
passes in how to start the client (for ``klantapp`` without a sub-command and for
``klantapp gui``); ``python -m klantapp.cli`` is the command line alone.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence

from klantapp import hardening
from klantapp.commands import avg as avg_commands
from klantapp.commands import bench as bench_commands
from klantapp.commands import casebook as casebook_commands
from klantapp.commands import hub as hub_commands
from klantapp.commands import keys as key_commands
from klantapp.commands import letters as letter_commands
from klantapp.commands import monitor as monitor_commands
from klantapp.commands import settings as settings_commands
from klantapp.commands import sync as sync_commands
from klantapp.errors import KlantappError, UsageError
from klantapp.i18n import _, current_language, translation

#: Starts the desktop client on a casebook folder (or the last one / the first-run
#: screen for None) and returns its exit code.
GuiStarter = Callable[[str | None], int]

#: Modules that add sub-commands (imported statically, so a frozen build has them all).
COMMAND_MODULES = (
    casebook_commands,
    key_commands,
    letter_commands,
    sync_commands,
    hub_commands,
    avg_commands,
    monitor_commands,
    settings_commands,
    bench_commands,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(
            f"{self.prog}: {message}", hint=_("Zie '{prog} --help'.").format(prog=self.prog)
        )


def _argparse_in_our_language() -> None:
    """argparse's own texts ("usage:", "the following arguments are required", ...) in
    the interface language too: its source texts are English, our catalog
    translations/argparse/ has the Dutch (and an English that never echoes a refused
    value)."""
    catalog = translation("argparse", current_language(), source="en")
    setattr(argparse, "_", catalog.gettext)  # noqa: B010 - argparse looks these up at call time
    setattr(argparse, "ngettext", catalog.ngettext)  # noqa: B010


def build_parser() -> argparse.ArgumentParser:
    _argparse_in_our_language()
    parser = _Parser(
        prog="klantapp",
        description=_(
            "Klantapp: versleuteld klantdossier voor inburgering (Wi2021). Zonder opdracht "
            "start het programma. De wachtwoordzin komt van een prompt of uit "
            "KLANTAPP_PASSPHRASE."
        ),
        epilog=_(
            "Exitcodes: 0 goed, 1 andere fout, 2 gebruik, 3 verkeerde wachtwoordzin, "
            "4 dossier beschadigd of gewijzigd, 5 ongeldige invoer, 6 bundel of apparaat "
            "geweigerd."
        ),
    )
    from klantapp.versions import version_line

    parser.add_argument(
        "--version",
        action="version",
        version=version_line(),
        help=_("toon het versienummer"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("OPDRACHT"), parser_class=_Parser)
    p = sub.add_parser("gui", help=_("start het programma (met dit dossier)"))
    p.add_argument("path", nargs="?", metavar=_("MAP"), help=_("de map van het dossier"))
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _start(start_gui: GuiStarter | None, path: str | None) -> int:
    if start_gui is None:
        raise KlantappError(
            _("Het bureaubladprogramma hoort niet bij deze manier van starten."),
            hint=_("Start 'klantapp' zelf, of gebruik de opdrachten (zie --help)."),
        )
    return int(start_gui(path))


def utf8_streams() -> None:
    """Output in UTF-8 whatever the console or a redirect would pick (on Windows a
    redirected stdout is cp1252, in which "Şükrü" cannot be written)."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in (
            "utf-8",
            "utf8",
        ):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors=errors)


def _reader_went_away() -> int:
    """``klantapp search ... | head``: the reader stopped early. Nothing more to say;
    point stdout at nothing so the interpreter's final flush stays quiet too."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 1


def main(argv: Sequence[str] | None = None, *, start_gui: GuiStarter | None = None) -> int:
    hardening.disable_crash_dumps()
    utf8_streams()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        if not args_list:
            return _start(start_gui, None)
        args = parser.parse_args(args_list)
        if args.command == "gui":
            return _start(start_gui, args.path)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except KlantappError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("Afgebroken."), file=sys.stderr)
        return 130
    except Exception:
        if os.environ.get("KLANTAPP_DEBUG"):
            raise
        print(
            _(
                "Er ging iets onverwachts mis. Wat al was opgeslagen, is niet verloren. Zet "
                "KLANTAPP_DEBUG=1 voor details en meld dit aan de beheerder."
            ),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
