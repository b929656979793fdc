"""What every check shares: :class:`InvalidValue`, and reading a value as text."""

from __future__ import annotations

from klantapp.i18n import _


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``message`` is a Dutch sentence naming the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: object) -> bool:
    """True for "nothing filled in": ``None`` or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(value: object, label: str) -> str:
    """The value as text with surrounding whitespace removed; refused when it is no text."""
    if not isinstance(value, str):
        raise InvalidValue(_("{label}: hier hoort tekst te staan.").format(label=_(label)))
    return value.strip()
