"""Canonical JSON and the field checks shared by every sync document.

The manifest, the roster, the office card and the enrolment request are JSON objects in
one canonical encoding, so the bytes that are signed are the only bytes that parse:
UTF-8, keys sorted, no insignificant whitespace, no floats, no duplicate keys, non-ASCII
characters as themselves (not ``\\u`` escapes), one final newline.

:class:`Fields` reads a parsed object and raises :class:`FieldError` naming the first
field that is missing, of the wrong type, out of range or unexpected; :func:`damaged`
and :func:`unsupported` are the refusals of a card, request or roster that does not
parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from klantapp.errors import Refused
from klantapp.i18n import _

ID_PATTERN = re.compile(r"[0-9a-z]{1,64}")
HEX64 = re.compile(r"[0-9a-f]{64}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
MAX_INT = 2**63 - 1
MAX_TEXT = 200


class FieldError(ValueError):
    """A document field is wrong; ``field`` names it (dotted path)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def dumps(obj: Mapping[str, Any]) -> bytes:
    """The canonical encoding of ``obj`` (with a final newline)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def loads(data: bytes) -> dict[str, Any]:
    """Parse canonical JSON; :class:`FieldError` (field ``""``) if it is not canonical."""
    try:
        obj = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FieldError("") from None
    if not isinstance(obj, dict) or dumps(obj) != data:
        raise FieldError("")
    return obj


def utc_now() -> str:
    """Now, in the documents' time format: ``"2026-12-01T09:30:00Z"``."""
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """``moment`` (aware) in the documents' time format, in UTC, whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """A document time as an aware UTC datetime (ValueError if it is not one)."""
    if not TIMESTAMP.fullmatch(text):
        raise ValueError(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check_id(value: str, field: str) -> str:
    """``value`` if it is a valid id (1-64 characters ``0-9a-z``), else FieldError."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise FieldError(field)
    return value


class Fields:
    """Typed access to one JSON object; every key must be read exactly once
    (:meth:`done` refuses keys that were not)."""

    def __init__(self, obj: object, where: str = "") -> None:
        if not isinstance(obj, dict):
            raise FieldError(where)
        self._obj: dict[str, Any] = obj
        self._where = where
        self._read: set[str] = set()

    def path(self, name: str) -> str:
        """The dotted path of field ``name``, for a FieldError."""
        return f"{self._where}.{name}" if self._where else name

    def _get(self, name: str, optional: bool = False) -> Any:
        self._read.add(name)
        if name not in self._obj:
            if optional:
                return None
            raise FieldError(self.path(name))
        return self._obj[name]

    def text(
        self, name: str, *, max_len: int = MAX_TEXT, empty: bool = False, lines: bool = False
    ) -> str:
        """A string of at most ``max_len`` characters, without control characters
        (``lines``: newlines allowed), non-empty unless ``empty``."""
        value = self._get(name)
        if not isinstance(value, str) or len(value) > max_len or (not value and not empty):
            raise FieldError(self.path(name))
        if any(
            (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) and not (lines and c == "\n") for c in value
        ):
            raise FieldError(self.path(name))
        return value

    def choice(self, name: str, options: tuple[str, ...]) -> str:
        value = self._get(name)
        if value not in options:
            raise FieldError(self.path(name))
        return str(value)

    def const(self, name: str, expected: object) -> None:
        value = self._get(name)
        if type(value) is not type(expected) or value != expected:
            raise FieldError(self.path(name))

    def integer(self, name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
        return _int(self._get(name), self.path(name), minimum, maximum)

    def ident(self, name: str) -> str:
        return check_id(self._get(name), self.path(name))

    def pattern(self, name: str, regex: re.Pattern[str]) -> str:
        value = self._get(name)
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise FieldError(self.path(name))
        return value

    def time(self, name: str, *, optional: bool = False) -> str | None:
        value = self._get(name, optional)
        if value is None and optional:
            return None
        try:
            parse_time(value)
        except (TypeError, ValueError):
            raise FieldError(self.path(name)) from None
        return str(value)

    def id_list(self, name: str, *, max_items: int) -> tuple[str, ...]:
        value = self._get(name)
        path = self.path(name)
        if not isinstance(value, list) or not 0 < len(value) <= max_items:
            raise FieldError(path)
        items = tuple(check_id(v, path) for v in value)
        if list(items) != sorted(set(items)):
            raise FieldError(path)
        return items

    def int_map(self, name: str, *, max_items: int) -> dict[str, int]:
        value = self._map(name, max_items)
        path = self.path(name)
        return {k: _int(v, f"{path}.{k}", 0, MAX_INT) for k, v in value.items()}

    def range_map(self, name: str, *, max_items: int) -> dict[str, tuple[int, int]]:
        value = self._map(name, max_items)
        path = self.path(name)
        out: dict[str, tuple[int, int]] = {}
        for key, pair in value.items():
            if not isinstance(pair, list) or len(pair) != 2:
                raise FieldError(f"{path}.{key}")
            first = _int(pair[0], f"{path}.{key}", 0, MAX_INT)
            last = _int(pair[1], f"{path}.{key}", first, MAX_INT)
            out[key] = (first, last)
        return out

    def objects(self, name: str, *, max_items: int) -> list[Fields]:
        value = self._get(name)
        path = self.path(name)
        if not isinstance(value, list) or len(value) > max_items:
            raise FieldError(path)
        return [Fields(item, f"{path}[{i}]") for i, item in enumerate(value)]

    def _map(self, name: str, max_items: int) -> dict[str, Any]:
        value = self._get(name)
        path = self.path(name)
        if not isinstance(value, dict) or len(value) > max_items:
            raise FieldError(path)
        for key in value:
            check_id(key, path)
        return value

    def done(self) -> None:
        extra = sorted(set(self._obj) - self._read)
        if extra:
            raise FieldError(self.path(extra[0]))


def _int(value: object, path: str, minimum: int, maximum: int) -> int:
    if type(value) is not int or not minimum <= value <= maximum:
        raise FieldError(path)
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("duplicate key")
        out[key] = value
    return out


def _no_float(text: str) -> Any:
    raise ValueError("no floats in sync documents")


# --- refusals of a document -------------------------------------------------------------


def damaged(what: str, field: str) -> Refused:
    """Refusal of a card, request or roster (``what``) that does not parse; names the
    field."""
    if field:
        return Refused(
            "damaged",
            sentence(
                _("{what} is beschadigd: het veld {field} klopt niet."), what=what, field=field
            ),
        )
    return Refused(
        "damaged", sentence(_("{what} is beschadigd of is geen Klantapp-bestand."), what=what)
    )


def unsupported(what: str) -> Refused:
    """Refusal of a card, request or roster (``what``) of a newer format version."""
    return Refused(
        "unsupported",
        sentence(_("{what} is gemaakt door een nieuwere versie van Klantapp."), what=what),
        hint=_("Installeer de nieuwste versie van Klantapp."),
    )


def sentence(template: str, **values: str) -> str:
    """``template`` filled in, with a capital first letter (``what`` may begin it)."""
    text = template.format(**values)
    return text[:1].upper() + text[1:]
