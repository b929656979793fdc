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
    KlantappError,
    NotEnoughMemory,
    UsageError,
    WrongPassphrase,
)
from klantapp.i18n import _, ngettext


def _restore() -> str:
    return _(
        "Zet een back-up van het dossier terug, of vraag het centrale kantoor om het "
        "dossier opnieuw in te richten."
    )


def damaged(path: Path, what: str, *, repairable: Path | None = None) -> CasebookDamaged:
    """Accidental damage: a truncated, unreadable or incomplete file. ``repairable``:
    the casebook folder, when ``klantapp repair`` can carry on with what is readable."""
    return CasebookDamaged(
        _("Het dossier is beschadigd en kan niet worden geopend: {what} ({path}).").format(
            what=what, path=path
        ),
        hint=_restore() + (" " + _repair_hint(repairable) if repairable else ""),
    )


def tampered(path: Path, what: str, *, repairable: Path | None = None) -> CasebookTampered:
    """A well-formed file that fails authentication (changed on purpose or by a bit flip)."""
    return CasebookTampered(
        _(
            "Het dossier is buiten Klantapp om gewijzigd of beschadigd en wordt daarom niet "
            "geopend: {what} ({path})."
        ).format(what=what, path=path),
        hint=_restore()
        + " "
        + _("Meld dit ook bij het centrale kantoor.")
        + (" " + _repair_hint(repairable) if repairable else ""),
    )


def wrong_passphrase(*, unusual_kdf: bool = False, older_versions: bool = False) -> WrongPassphrase:
    """``unusual_kdf``: the header asks for key parameters Klantapp would not choose,
    so the file may have been changed; ``older_versions``: other versions of the
    casebook lie in the folder, so the passphrase may have been changed recently."""
    hint = _(
        "Let op hoofdletters en de toetsenbordinstelling en probeer het opnieuw. "
        "Bent u de wachtwoordzin kwijt, vraag dan het centrale kantoor om het dossier "
        "met de herstelsleutel te openen."
    )
    if older_versions:
        hint += " " + _(
            "Is de wachtwoordzin kort geleden gewijzigd? Dan opent alleen de nieuwe "
            "wachtwoordzin het dossier."
        )
    if unusual_kdf:
        hint += " " + _(
            "Let op: de sleutelinstellingen in het kopbestand zijn niet zoals Klantapp ze "
            "kiest. Het bestand is mogelijk buiten Klantapp om gewijzigd; meld dit bij het "
            "centrale kantoor."
        )
    return WrongPassphrase(_("De wachtwoordzin klopt niet."), hint=hint)


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


def _repair_hint(folder: Path) -> str:
    return _(
        "Met de opdracht 'klantapp repair {path}' gaat u verder met wat leesbaar is; de "
        "oorspronkelijke bestanden blijven bewaard. Vraag bij twijfel het centrale kantoor "
        "om hulp."
    ).format(path=folder)


def changes_lost(folder: Path, count: int) -> CasebookDamaged:
    """Saved changes at the end of the journal are unreadable: not a torn last write."""
    return CasebookDamaged(
        ngettext(
            "Het wijzigingenbestand van het dossier in {path} is beschadigd: {count} "
            "opgeslagen wijziging aan het eind is onleesbaar. Het dossier wordt daarom niet "
            "geopend om te bewerken.",
            "Het wijzigingenbestand van het dossier in {path} is beschadigd: {count} "
            "opgeslagen wijzigingen aan het eind zijn onleesbaar. Het dossier wordt daarom "
            "niet geopend om te bewerken.",
            count,
        ).format(path=folder, count=count),
        hint=_repair_hint(folder),
    )


def changes_lost_warning(count: int) -> str:
    return ngettext(
        "{count} opgeslagen wijziging aan het eind van het wijzigingenbestand is onleesbaar "
        "en ontbreekt hier. Het dossier is alleen geopend om te lezen.",
        "{count} opgeslagen wijzigingen aan het eind van het wijzigingenbestand zijn "
        "onleesbaar en ontbreken hier. Het dossier is alleen geopend om te lezen.",
        count,
    ).format(count=count)


def newest_unreadable(
    folder: Path, newest: int, opened: int, cause: CasebookDamaged
) -> CasebookDamaged:
    """A newer generation exists but cannot be read; an older one can."""
    return CasebookDamaged(
        _(
            "De nieuwste versie van het dossier in {path} (versie {newest}) kan niet worden "
            "gelezen. Een oudere versie (versie {opened}) wel, maar daarin ontbreekt wat "
            "later is opgeslagen; het dossier wordt daarom niet geopend om te bewerken."
        ).format(path=folder, newest=newest, opened=opened)
        + " "
        + cause.message,
        hint=_repair_hint(folder),
    )


def newest_unreadable_warning(newest: int, opened: int) -> str:
    return _(
        "De nieuwste versie van het dossier (versie {newest}) kan niet worden gelezen. Dit "
        "is een oudere versie (versie {opened}), alleen geopend om te lezen."
    ).format(newest=newest, opened=opened)


def other_files_kept(names: list[str]) -> str:
    return _(
        "In de map van het dossier staan ook bestanden van een andere versie ({names}), "
        "bijvoorbeeld van een onderbroken opslag of een teruggezette back-up. Klantapp "
        "heeft de nieuwste versie geopend en laat die bestanden staan: er kan iets in staan "
        "dat hier ontbreekt. De opdracht 'klantapp repair' zet ze in een aparte map."
    ).format(names=", ".join(names))


def read_only(folder: Path) -> KlantappError:
    return KlantappError(
        _("Het dossier in {path} is alleen geopend om te lezen.").format(path=folder),
        hint=_("Sluit het en open het opnieuw om te bewerken."),
    )


def needs_recovery_recipient() -> KlantappError:
    return UsageError(
        _(
            "Dit dossier is gemaakt met een oudere Klantapp en kent de openbare "
            "herstelsleutel van het centrale kantoor niet; die is nodig om de sleutels te "
            "vernieuwen."
        ),
        hint=_(
            "Vraag het centrale kantoor om zijn openbare herstelsleutel (age1…) en geef die "
            "eenmalig mee: klantapp passwd MAP --recovery-key age1…."
        ),
    )
