"""The casebook's settings: each one typed, validated and scoped, like a record kind.

A setting's value is one object whose fields are described with the record registry's
:class:`~klantapp.domain.records.Field`, so validation, the JSON format and its schema
treat settings exactly like records. Each setting has a **scope**:

- ``"shared"``: the same for every laptop of the gemeente and owned by the central
  office, such as the letterhead (it will travel with sync);
- ``"device"``: this laptop's own, such as the klantmanager's name (never synced).

Writing validates (:func:`validate_setting`; bad input is refused with the field
named). Reading is tolerant (:func:`read_setting`): whatever is stored, even by an
older or broken program, the client still opens; a value that does not fit is left
out with a logged warning that names the setting and field but never the value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from klantapp.domain.records import Field, FieldKind, RecordKind
from klantapp.domain.validate import validate_values
from klantapp.errors import Problem
from klantapp.i18n import _

log = logging.getLogger(__name__)

SettingScope = Literal["shared", "device"]


@dataclass(frozen=True)
class Setting:
    key: str
    scope: SettingScope
    kind: RecordKind  # the fields of the value; ``kind.label`` names the setting

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.kind.fields


def _f(name: str, kind: FieldKind, label: str, **kw: object) -> Field:
    return Field(name, kind, label, **kw)  # type: ignore[arg-type]


def _setting(key: str, scope: SettingScope, label: str, fields: tuple[Field, ...]) -> Setting:
    return Setting(key, scope, RecordKind(name=key, label=label, label_plural=label, fields=fields))


GEMEENTE = _setting(
    "gemeente",
    "shared",
    "Gemeente (briefhoofd)",
    (
        _f("name", "text", "Naam gemeente", max_length=200),
        _f("department", "text", "Afdeling", max_length=200),
        _f("street", "text", "Bezoekadres (straat en nummer)", max_length=200),
        _f("postcode", "postcode", "Postcode"),
        _f("city", "text", "Plaats", max_length=100),
        _f("phone", "phone", "Telefoon"),
        _f("email", "email", "E-mail"),
        _f("website", "text", "Website", max_length=200),
        _f(
            "logo_png_b64",
            "text",
            "Logo",
            max_length=1_500_000,
            help="PNG-afbeelding, base64",
        ),
    ),
)

KLANTMANAGER = _setting(
    "klantmanager",
    "device",
    "Klantmanager (deze laptop)",
    (_f("name", "text", "Uw naam", max_length=200, help="staat als contactpersoon op brieven"),),
)

SETTINGS: dict[str, Setting] = {s.key: s for s in (GEMEENTE, KLANTMANAGER)}


def setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def validate_setting(
    key: str, value: object, *, where: str = "settings"
) -> tuple[dict[str, object], list[Problem]]:
    """Check a value for setting ``key``. Returns the normalised value (empty fields
    left out) and the problems, each naming ``key.field``."""
    known = SETTINGS.get(key)
    if known is None:
        return {}, [Problem(where, key, _("Deze instelling bestaat niet."))]
    if not isinstance(value, Mapping):
        return {}, [
            Problem(
                where,
                key,
                _("{setting}: verwacht een object met de velden {fields}.").format(
                    setting=_(known.kind.label), fields=", ".join(f.name for f in known.fields)
                ),
            )
        ]
    clean, problems = validate_values(known.kind, dict(value), partial=True, where=where)
    named = [Problem(p.record, f"{key}.{p.field}", p.message) for p in problems]
    return {k: v for k, v in clean.items() if v is not None}, named


def read_setting(key: str, raw: str | None) -> dict[str, object] | None:
    """The stored value of ``key`` as far as it is valid; None when there is none or
    nothing of it is usable. Never raises for what is stored."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        log.warning("setting %s: the stored value is not valid JSON; ignored", key)
        return None
    if not isinstance(value, dict):
        log.warning("setting %s: the stored value is not an object; ignored", key)
        return None
    clean, problems = validate_setting(key, value)
    for problem in problems:
        log.warning("setting %s: field %s is not valid; ignored", key, problem.field)
        clean.pop(problem.field.partition(".")[2], None)
    return clean or None
