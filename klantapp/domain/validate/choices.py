"""Choices: yes or no (``"ja"``/``"nee"`` become ``bool``) and one of a field's choices."""

from __future__ import annotations

from klantapp.domain.validate.base import InvalidValue
from klantapp.i18n import _

_TRUE = {"ja", "j", "true", "waar", "1", "yes"}
_FALSE = {"nee", "n", "false", "onwaar", "0", "no"}


def check_bool(value: object, label: str) -> bool:
    """Yes or no: ``True``/``False``, ``1``/``0`` or ``"ja"``/``"nee"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidValue(_("{label}: kies ja of nee.").format(label=_(label)))


def check_choice(value: object, label: str, choices: tuple[tuple[str, str], ...]) -> str:
    """One of the choice values. A different case (``"b1"`` for ``"B1"``) is corrected."""
    if not isinstance(value, str):
        raise InvalidValue(choice_message(label, choices))
    if any(value == v for v, _name in choices):
        return value
    text = value.strip()
    for v, _name in choices:
        if v == text:
            return v
    matches = [v for v, _name in choices if v.casefold() == text.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise InvalidValue(choice_message(label, choices))


def choice_message(label: str, choices: tuple[tuple[str, str], ...]) -> str:
    names = [_(name) for value, name in choices if value]
    if len(names) <= 8:
        return _("{label}: kies een van deze mogelijkheden: {choices}.").format(
            label=_(label), choices=", ".join(names)
        )
    return _("{label}: kies een waarde uit de lijst.").format(label=_(label))
