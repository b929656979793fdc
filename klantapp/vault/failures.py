"""The vault's errors, each a plain Dutch sentence plus what to do next.

One place for the wording, so every module reports the same situation the same way.
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

_RESTORE = (
    "Zet een back-up van het dossier terug, of vraag het centrale kantoor om het "
    "dossier opnieuw in te richten."
)


def damaged(path: Path, what: str) -> CasebookDamaged:
    """Accidental damage: a truncated, unreadable or incomplete file."""
    return CasebookDamaged(
        f"Het dossier is beschadigd en kan niet worden geopend: {what} ({path}).",
        hint=_RESTORE,
    )


def tampered(path: Path, what: str) -> CasebookTampered:
    """A well-formed file that fails authentication (changed on purpose or by a bit flip)."""
    return CasebookTampered(
        "Het dossier is buiten Klantapp om gewijzigd of beschadigd en wordt daarom niet "
        f"geopend: {what} ({path}).",
        hint=_RESTORE + " Meld dit ook bij het centrale kantoor.",
    )


def wrong_passphrase() -> WrongPassphrase:
    return WrongPassphrase(
        "De wachtwoordzin klopt niet.",
        hint=(
            "Let op hoofdletters en de toetsenbordinstelling en probeer het opnieuw. "
            "Bent u de wachtwoordzin kwijt, vraag dan het centrale kantoor om het dossier "
            "met de herstelsleutel te openen."
        ),
    )


def wrong_recovery_key(why: str) -> WrongPassphrase:
    return WrongPassphrase(
        f"De herstelsleutel {why}.",
        hint="Controleer of u de herstelsleutel van dit dossier gebruikt en of hij volledig is.",
    )


def not_enough_memory() -> NotEnoughMemory:
    return NotEnoughMemory(
        "Er is niet genoeg werkgeheugen vrij om het dossier te openen of op te slaan.",
        hint="Sluit andere programma's en probeer het opnieuw.",
    )


def in_use(path: Path) -> CasebookInUse:
    return CasebookInUse(
        f"Het dossier in {path} is al geopend, in een ander Klantapp-venster of door een "
        "ander programma.",
        hint="Sluit dat venster eerst en probeer het dan opnieuw.",
    )


def not_found(path: Path, why: str = "") -> CasebookNotFound:
    detail = f" ({why})" if why else ""
    return CasebookNotFound(
        f"Er staat geen dossier in {path}{detail}.",
        hint="Controleer of u de goede map hebt gekozen.",
    )


def exists(path: Path) -> CasebookExists:
    return CasebookExists(
        f"In {path} staat al een dossier of staan andere bestanden; er is niets overschreven.",
        hint="Kies een lege map of een nieuwe naam.",
    )
