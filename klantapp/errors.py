"""Errors meant for people.

Every error the core raises on purpose is a :class:`KlantappError`: its message says
what happened in plain words and, where possible, what to do next. The command line
maps each class to a stable exit code (a contract for scripts at the central office);
the desktop client shows the message as is.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from klantapp.i18n import _, ngettext


class KlantappError(Exception):
    """Base class: ``str(err)`` is a complete sentence for the user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class UsageError(KlantappError):
    exit_code = 2


class WrongPassphrase(KlantappError):
    exit_code = 3


class CasebookDamaged(KlantappError):
    """The files are unreadable: disk damage, an interrupted copy, a truncated file."""

    exit_code = 4


class CasebookTampered(CasebookDamaged):
    """The files are well-formed but fail authentication: changed on purpose or by a bit flip."""

    exit_code = 4


class NotEnoughMemory(KlantappError):
    exit_code = 1


class CasebookInUse(KlantappError):
    exit_code = 1


class CasebookNotFound(KlantappError):
    exit_code = 1


class CasebookExists(KlantappError):
    exit_code = 1


class Refused(KlantappError):
    """Sync refused something it was handed: a bundle, a roster, an office card, an
    enrolment request or a device. Nothing was applied.

    ``reason`` is a short machine-readable code (``"bad_signature"``, ``"damaged"``,
    ``"unknown_sender"``, ...) for the command line's ``--json`` output and for tests;
    the message says the same in plain words."""

    exit_code = 6

    def __init__(self, reason: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class BundleRefused(Refused):
    """A sync bundle (``.kbundle``) was refused: damaged, tampered, not for us, from an
    unknown sender, from another central office, or signed by the wrong key."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input: which record, which field, what is wrong."""

    record: str  # e.g. "households[3].members[1]" or "persoon 5f2c…"
    field: str  # field name as in the JSON format / the form
    message: str  # plain words, e.g. "BSN klopt niet (elfproef)"

    def __str__(self) -> str:
        where = f"{self.record}: " if self.record else ""
        return f"{where}{self.field}: {self.message}"


class InvalidInput(KlantappError):
    """Input refused; nothing was saved. ``problems`` names every record and field."""

    exit_code = 5

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        summary = message or ngettext(
            "De invoer klopt niet; er is niets opgeslagen.",
            "De invoer klopt niet op {count} plaatsen; er is niets opgeslagen.",
            count,
        ).format(count=count)
        super().__init__(summary)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  - {p}" for p in self.problems)])


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in plain words in the interface
    language (the operating system's own text is English and technical)."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("de schijf is vol")
    if code in (errno.EACCES, errno.EPERM):
        return _("Klantapp heeft daar geen toestemming voor")
    if code == errno.ENOENT:
        return _("het bestand of de map bestaat niet")
    if code == errno.EROFS:
        return _("de schijf is alleen te lezen")
    if code == errno.EISDIR:
        return _("dit is een map, geen bestand")
    if code == errno.EIO:
        return _("de schijf gaf een fout bij lezen of schrijven")
    return _("een fout van het besturingssysteem (nummer {code})").format(code=code)
