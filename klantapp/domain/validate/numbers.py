"""Numbers: whole numbers within bounds (``"12"`` becomes ``12``) and ZRM scores."""

from __future__ import annotations

import re

from klantapp.domain.validate.base import InvalidValue
from klantapp.i18n import _


def check_int(
    value: object,
    label: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number (``12``, ``"12"`` or ``12.0``) between ``minimum`` and ``maximum``."""
    number: int
    if isinstance(value, bool):
        raise InvalidValue(_("{label}: vul een heel getal in.").format(label=_(label)))
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value)
    ):
        number = int(value)
    else:
        raise InvalidValue(
            _("{label}: vul een heel getal in, zonder letters of komma.").format(label=_(label))
        )
    too_low = minimum is not None and number < minimum
    too_high = maximum is not None and number > maximum
    if too_low or too_high:
        if minimum is not None and maximum is not None:
            raise InvalidValue(
                _("{label}: vul een getal in van {minimum} tot en met {maximum}.").format(
                    label=_(label), minimum=minimum, maximum=maximum
                )
            )
        if too_low:
            raise InvalidValue(
                _("{label}: het getal mag niet kleiner zijn dan {minimum}.").format(
                    label=_(label), minimum=minimum
                )
            )
        raise InvalidValue(
            _("{label}: het getal mag niet groter zijn dan {maximum}.").format(
                label=_(label), maximum=maximum
            )
        )
    return number


def check_score(value: object, label: str = "Score") -> int:
    """A ZRM score: a whole number 1 (acuut) to 5 (volledig zelfredzaam)."""
    try:
        return check_int(value, label, 1, 5)
    except InvalidValue:
        raise InvalidValue(
            _("{label}: kies een score van 1 tot en met 5.").format(label=_(label))
        ) from None
