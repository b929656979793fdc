"""The installed ``klantapp`` and ``klantappw`` commands.

The core (``klantapp/``) never imports the desktop client, so the direction is:
this launcher -> :func:`klantapp.cli.main`, handing it a way to start the client for
``klantapp`` without a sub-command and ``klantapp gui [PATH]``. Every other
sub-command runs without loading Qt. ``klantappw`` is the same program registered as
a GUI script, so on Windows the client opens without a console window.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from klantapp.cli import main as cli_main
from klantapp.hardening import disable_crash_dumps
from klantapp.i18n import _


def start_gui(path: str | None) -> int:
    try:
        from ui.app import run_gui
    except ImportError as exc:
        from klantapp.errors import KlantappError

        raise KlantappError(
            _("Het bureaubladprogramma kan niet starten: de Qt-onderdelen ontbreken."),
            hint=_("Installeer Klantapp opnieuw (make run) of gebruik de opdrachten, zie --help."),
        ) from exc
    return int(run_gui(path))


def main(argv: Sequence[str] | None = None) -> int:
    """``klantapp``: the client without arguments, else the command line."""
    return cli_main(argv, start_gui=start_gui)


def gui_main() -> int:
    """``klantappw [PATH]``: the client only. Without a console there is no stderr to
    print to, so nothing here may depend on one."""
    disable_crash_dumps()
    paths = [a for a in sys.argv[1:] if a != "gui"]
    return start_gui(paths[-1] if paths else None)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
