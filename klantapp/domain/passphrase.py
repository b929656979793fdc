"""The one passphrase policy, for the command line and the desktop client alike.

A rough estimate of guessing entropy without network or big word lists: a long
phrase of several words beats a short password with symbols. The client shows the
levels as text while the user types (never colour alone); :func:`check_new_passphrase`
refuses what is not acceptable. The demo casebook (passphrase "demo") is the only
casebook made without this check.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from klantapp.errors import UsageError
from klantapp.i18n import _

MIN_LENGTH = 12
_COMMON = {
    "wachtwoord",
    "password",
    "welkom",
    "klantapp",
    "gemeente",
    "qwerty",
    "123456",
    "azerty",
    "geheim",
    "inburgering",
}


@dataclass(frozen=True)
class Strength:
    level: int  # 0 too short, 1 weak, 2 reasonable, 3 strong, 4 very strong
    bits: float
    label: str
    hint: str

    @property
    def acceptable(self) -> bool:
        return self.level >= 2


def estimate(passphrase: str) -> Strength:
    text = passphrase
    if len(text) < MIN_LENGTH:
        return Strength(
            0,
            0.0,
            _("Te kort"),
            _("Gebruik minstens {n} tekens; een zin van vier of meer woorden werkt goed.").format(
                n=MIN_LENGTH
            ),
        )
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"[0-9]", text):
        pool += 10
    if re.search(r"[^A-Za-z0-9]", text):
        pool += 33
    # repeated characters and common words add little
    distinct = len(set(text))
    effective_len = min(len(text), distinct * 2)
    bits = effective_len * math.log2(max(pool, 2))
    words = [w for w in re.split(r"[\s\-_.,;]+", text.lower()) if w]
    if any(w in _COMMON for w in words) or text.lower() in _COMMON:
        bits -= 20
    if len(words) >= 4:
        bits += 10
    bits = max(bits, 0.0)
    if bits < 50:
        return Strength(1, bits, _("Zwak"), _("Maak de zin langer of voeg een woord toe."))
    if bits < 70:
        return Strength(2, bits, _("Redelijk"), _("Een extra woord maakt hem sterker."))
    if bits < 90:
        return Strength(3, bits, _("Sterk"), "")
    return Strength(4, bits, _("Zeer sterk"), "")


def check_new_passphrase(new: str, *, current: str | None = None) -> None:
    """Refuse a new passphrase that is too weak, or the same as ``current``. The
    message never repeats the passphrase."""
    strength = estimate(new)
    if not strength.acceptable:
        raise UsageError(
            _("Deze wachtwoordzin is te zwak ({label}).").format(label=strength.label.lower()),
            hint=strength.hint
            or _("Een zin van vier of meer woorden is sterk en goed te onthouden."),
        )
    if current is not None and _same(new, current):
        raise UsageError(
            _("De nieuwe wachtwoordzin is gelijk aan de huidige."),
            hint=_("Kies een andere wachtwoordzin."),
        )


def _same(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
