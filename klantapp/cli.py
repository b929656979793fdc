"""The ``klantapp`` command: the desktop client by default, sub-commands for scripts.

This is a contract for scripts at the central office. Exit codes:
0 ok; 1 other error; 2 usage; 3 wrong passphrase; 4 casebook damaged or tampered with;
5 invalid input data. Messages are plain words on stderr, never a traceback
(set KLANTAPP_DEBUG=1 to see one). The passphrase comes from a prompt, or from the
environment variable KLANTAPP_PASSPHRASE when it is set.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from klantapp.errors import KlantappError, UsageError

PASSPHRASE_ENV = "KLANTAPP_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "KLANTAPP_NEW_PASSPHRASE"  # noqa: S105 - a variable name
MIN_PASSPHRASE_LENGTH = 10

#: Modules that add sub-commands: each has ``register(subparsers) -> None``.
COMMAND_MODULES = ("klantapp.commands.casebook", "klantapp.commands.letters")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", hint=f"Zie '{self.prog} --help'.")


def read_passphrase(prompt: str = "Wachtwoordzin: ", *, env: str = PASSPHRASE_ENV) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(
            "Geen wachtwoordzin: er is geen terminal om erom te vragen.",
            hint=f"Zet de omgevingsvariabele {env}.",
        )
    return getpass.getpass(prompt)


def read_new_passphrase(*, env: str = PASSPHRASE_ENV, minimum: int = MIN_PASSPHRASE_LENGTH) -> str:
    """A new passphrase: from ``env``, or typed twice at a prompt."""
    value = os.environ.get(env)
    if value is None:
        if not sys.stdin.isatty():
            raise UsageError(
                "Geen nieuwe wachtwoordzin: er is geen terminal om erom te vragen.",
                hint=f"Zet de omgevingsvariabele {env}.",
            )
        value = getpass.getpass("Nieuwe wachtwoordzin: ")
        if getpass.getpass("Herhaal de wachtwoordzin: ") != value:
            raise UsageError(
                "De twee wachtwoordzinnen zijn niet gelijk.", hint="Probeer het opnieuw."
            )
    if len(value) < minimum:
        raise UsageError(
            f"De wachtwoordzin is te kort: gebruik minstens {minimum} tekens.",
            hint="Een zin van een paar woorden is sterk en goed te onthouden.",
        )
    return value


@contextlib.contextmanager
def open_casebook(path: str | Path) -> Iterator[object]:
    """Open a casebook for a command (passphrase from the environment or a prompt) and
    close it afterwards, also on errors."""
    from klantapp.casebook import Casebook

    cb = Casebook.open(path, read_passphrase(), actor=os.environ.get("USER", "cli"))
    for warning in cb.warnings:
        print(f"Let op: {warning}", file=sys.stderr)
    try:
        yield cb
    finally:
        cb.close()


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
        raise UsageError(f"De map {target.parent} bestaat niet.", hint="Kies een bestaande map.")
    replace_file_atomically(target, data)
    if personal:
        print(
            f"Let op: {target} bevat persoonsgegevens zonder versleuteling. "
            "Bewaar het veilig en verwijder het als het niet meer nodig is.",
            file=sys.stderr,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="klantapp",
        description=(
            "Klantapp: versleuteld klantdossier voor inburgering (Wi2021). Zonder opdracht "
            "start het programma. De wachtwoordzin komt van een prompt of uit "
            f"{PASSPHRASE_ENV}."
        ),
        epilog="Exitcodes: 0 goed, 1 andere fout, 2 gebruik, 3 verkeerde wachtwoordzin, "
        "4 dossier beschadigd of gewijzigd, 5 ongeldige invoer.",
    )
    from klantapp import __version__

    parser.add_argument("--version", action="version", version=f"klantapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        if not args_list:
            from klantapp.commands.casebook import start_gui

            return start_gui(None)
        args = parser.parse_args(args_list)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args))
    except KlantappError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("KLANTAPP_DEBUG"):
            raise
        print(
            f"Onverwachte fout ({type(exc).__name__}). Er is niets verloren dat al was "
            "opgeslagen. Zet KLANTAPP_DEBUG=1 voor details en meld dit aan de beheerder.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
