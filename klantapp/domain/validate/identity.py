"""Identity numbers: the BSN (9 digits, the elfproef) and the V-nummer (10 digits).

Spaces, dots and dashes as people type them are dropped, leaving only the digits; an
8-digit BSN (as old records hold it) gets a leading zero.
"""

from __future__ import annotations

import re

from klantapp.domain.validate.base import InvalidValue, text_of
from klantapp.i18n import _


def _digits_only(value: object, label: str, what: str) -> str:
    """Digits of a number as people type it: spaces, dots and dashes are dropped."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidValue(_("{label} mag alleen cijfers bevatten.").format(label=_(label)))
        return str(value)
    text = text_of(value, label)
    digits = re.sub(r"[\s.\-]", "", text)
    if digits and (not digits.isascii() or not digits.isdigit()):
        raise InvalidValue(
            _(
                "{label} mag alleen cijfers bevatten; spaties, punten en streepjes mogen ook. "
                "Een {what} heeft geen letters."
            ).format(label=_(label), what=_(what))
        )
    return digits


def elfproef(digits: str) -> bool:
    """The BSN elfproef on exactly 9 ASCII digits: weights 9..2 and -1, sum divisible by 11.

    ``000000000`` passes the arithmetic but is no BSN, so it fails here.
    """
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(w * int(d) for w, d in zip(weights, digits, strict=True))
    return total % 11 == 0


def check_bsn(value: object, label: str = "BSN") -> str:
    """A Burgerservicenummer as 9 digits; 8 digits get a leading zero (as in old records)."""
    digits = _digits_only(value, label, "BSN")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise InvalidValue(
            _(
                "Dit {label} heeft {count} cijfers, maar een BSN heeft er 9. Controleer de cijfers."
            ).format(label=_(label), count=len(digits))
        )
    if digits == "000000000":
        raise InvalidValue(
            _("Dit {label} bestaat niet: alleen nullen. Controleer de cijfers.").format(
                label=_(label)
            )
        )
    if not elfproef(digits):
        raise InvalidValue(
            _("Dit {label} klopt niet: de elfproef faalt. Controleer de cijfers.").format(
                label=_(label)
            )
        )
    return digits


def check_vnummer(value: object, label: str = "V-nummer") -> str:
    """A V-nummer as its 10 digits; spaces, dots and dashes as typed are dropped."""
    digits = _digits_only(value, label, "V-nummer")
    if len(digits) != 10:
        raise InvalidValue(
            _(
                "Dit {label} heeft {count} cijfers, maar een V-nummer heeft er 10. "
                "Controleer de cijfers."
            ).format(label=_(label), count=len(digits))
        )
    return digits
