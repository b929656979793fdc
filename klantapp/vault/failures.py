"""The vault's errors, each a plain sentence plus what to do next.

One place for the wording, so every module reports the same situation the same way.
The sentences are Dutch source text, translated into the current language when the
error is made; ``what`` and ``why`` come translated from the caller.
"""

from __future__ import annotations

from pathlib import Path

from klantapp.errors import (
    CasebookDamaged,
    CasebookExists,
    CasebookInUse,
    CasebookNotFound,
    CasebookTampered,
    NotEnoughMemory,
    WrongPassphrase,
)
from klantapp.i18n import _


def _restore() -> str:
    return _(
        "Zet een back-up van het dossier terug, of vraag het centrale kantoor om het "
        "dossier opnieuw in te richten."
    )


def damaged(path: Path, what: str) -> CasebookDamaged:
    """Accidental damage: a truncated, unreadable or incomplete file."""
    return CasebookDamaged(
        _("Het dossier is beschadigd en kan niet worden geopend: {what} ({path}).").format(
            what=what, path=path
        ),
        hint=_restore(),
    )


def tampered(path: Path, what: str) -> CasebookTampered:
    """A well-formed file that fails authentication (changed on purpose or by a bit flip)."""
    return CasebookTampered(
        _(
            "Het dossier is buiten Klantapp om gewijzigd of beschadigd en wordt daarom niet "
            "geopend: {what} ({path})."
        ).format(what=what, path=path),
        hint=_restore() + " " + _("Meld dit ook bij het centrale kantoor."),
    )


def wrong_passphrase() -> WrongPassphrase:
    return WrongPassphrase(
        _("De wachtwoordzin klopt niet."),
        hint=_(
            "Let op hoofdletters en de toetsenbordinstelling en probeer het opnieuw. "
            "Bent u de wachtwoordzin kwijt, vraag dan het centrale kantoor om het dossier "
            "met de herstelsleutel te openen."
        ),
    )


def wrong_recovery_key(why: str) -> WrongPassphrase:
    return WrongPassphrase(
        _("De herstelsleutel {why}.").format(why=why),
        hint=_("Controleer of u de herstelsleutel van dit dossier gebruikt en of hij volledig is."),
    )


def not_enough_memory() -> NotEnoughMemory:
    return NotEnoughMemory(
        _("Er is niet genoeg werkgeheugen vrij om het dossier te openen of op te slaan."),
        hint=_("Sluit andere programma's en probeer het opnieuw."),
    )


def in_use(path: Path) -> CasebookInUse:
    return CasebookInUse(
        _(
            "Het dossier in {path} is al geopend, in een ander Klantapp-venster of door een "
            "ander programma."
        ).format(path=path),
        hint=_("Sluit dat venster eerst en probeer het dan opnieuw."),
    )


def not_found(path: Path, why: str = "") -> CasebookNotFound:
    if why:
        message = _("Er staat geen dossier in {path} ({why}).").format(path=path, why=why)
    else:
        message = _("Er staat geen dossier in {path}.").format(path=path)
    return CasebookNotFound(message, hint=_("Controleer of u de goede map hebt gekozen."))


def exists(path: Path) -> CasebookExists:
    return CasebookExists(
        _(
            "In {path} staat al een dossier of staan andere bestanden; er is niets overschreven."
        ).format(path=path),
        hint=_("Kies een lege map of een nieuwe naam."),
    )
