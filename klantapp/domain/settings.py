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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from klantapp.domain.records import RECORD_KINDS, Field, FieldKind, RecordKind
from klantapp.domain.validate import InvalidValue, validate_values
from klantapp.errors import Problem
from klantapp.i18n import _

log = logging.getLogger(__name__)

SettingScope = Literal["shared", "device"]


@dataclass(frozen=True)
class Custom:
    """A field whose shape the record registry's kinds do not describe: its own check
    (value, label -> normalised value, or InvalidValue) and its JSON Schema."""

    check: Callable[[object, str], object]
    schema: dict[str, Any]


@dataclass(frozen=True)
class Setting:
    key: str
    scope: SettingScope
    kind: RecordKind  # the fields of the value; ``kind.label`` names the setting
    custom: Mapping[str, Custom] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.kind.fields


def _f(name: str, kind: FieldKind, label: str, **kw: object) -> Field:
    return Field(name, kind, label, **kw)  # type: ignore[arg-type]


def _setting(
    key: str,
    scope: SettingScope,
    label: str,
    fields: tuple[Field, ...],
    custom: Mapping[str, Custom] | None = None,
) -> Setting:
    kind = RecordKind(name=key, label=label, label_plural=label, fields=fields)
    return Setting(key, scope, kind, custom or {})


_HOURS = re.compile(r"\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*")


def _phone_hours(value: object, label: str) -> object:
    """ "9:00-17:00" -> "09:00-17:00" (the letters print it in every language)."""
    m = _HOURS.fullmatch(value) if isinstance(value, str) else None
    if m:
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 <= 23 and h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    raise InvalidValue(_("{label}: schrijf de tijden als 09:00-17:00.").format(label=_(label)))


def _weekdays(value: object, label: str) -> object:
    if (
        isinstance(value, list)
        and value
        and all(type(d) is int and 0 <= d <= 6 for d in value)
        and len(set(value)) == len(value)
    ):
        return sorted(value)
    raise InvalidValue(
        _("{label}: verwacht een lijst met dagen, 0 (maandag) tot en met 6 (zondag).").format(
            label=_(label)
        )
    )


_REVIEW_KEYS = {"by", "date", "catalog"}


def _reviews(value: object, label: str) -> object:
    """{language code: {"by": name, "date": "YYYY-MM-DD", "catalog": fingerprint}}, as
    klantapp/letters/review.py writes it."""
    ok = isinstance(value, dict) and all(
        isinstance(lang, str)
        and 0 < len(lang) <= 8
        and isinstance(mark, dict)
        and set(mark) <= _REVIEW_KEYS
        and all(isinstance(v, str) and len(v) <= 200 for v in mark.values())
        for lang, mark in value.items()
    )
    if ok:
        return value
    raise InvalidValue(
        _("{label}: verwacht per taal wie de vertaling nakeek, wanneer, en welke tekst.").format(
            label=_(label)
        )
    )


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
        _f("phone_hours", "text", "Telefonisch bereikbaar", help="bijvoorbeeld 09:00-17:00"),
        _f("phone_days", "json", "Dagen telefonisch bereikbaar", help="0 = maandag"),
        _f("email", "email", "E-mail"),
        _f("website", "text", "Website", max_length=200),
        _f(
            "logo_png_b64",
            "text",
            "Logo",
            max_length=1_500_000,
            help="PNG-afbeelding, base64",
        ),
        _f("reviewed_languages", "json", "Door de gemeente nagekeken vertalingen"),
    ),
    {
        "phone_hours": Custom(
            _phone_hours, {"type": "string", "pattern": r"^\d{2}:\d{2}-\d{2}:\d{2}$"}
        ),
        "phone_days": Custom(
            _weekdays,
            {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
        ),
        "reviewed_languages": Custom(
            _reviews,
            {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {k: {"type": "string"} for k in sorted(_REVIEW_KEYS)},
                },
            },
        ),
    },
)

KLANTMANAGER = _setting(
    "klantmanager",
    "device",
    "Klantmanager (deze laptop)",
    (_f("name", "text", "Uw naam", max_length=200, help="staat als contactpersoon op brieven"),),
)


def _retention_fields() -> tuple[Field, ...]:
    from klantapp.domain.privacy import RETENTION_RULES

    return tuple(
        _f(
            rule.kind,
            "int",
            f"Bewaartermijn {RECORD_KINDS[rule.kind].label_plural.lower()} (jaren)",
            minimum=min(rule.choice),
            maximum=max(rule.choice),
            help="toegestaan: " + ", ".join(str(y) for y in rule.choice),
        )
        for rule in RETENTION_RULES.values()
        if rule.choice
    )


def _retention_choices() -> dict[str, Custom]:
    """Each field takes only the years its rule allows (docs/retention.md)."""
    from klantapp.domain.privacy import RETENTION_RULES

    def allowed(years: tuple[int, ...]) -> Callable[[object, str], object]:
        def check(value: object, label: str) -> object:
            if type(value) is int and value in years:
                return value
            raise InvalidValue(
                _("{label}: toegestaan zijn {years} jaar.").format(
                    label=_(label), years=", ".join(str(y) for y in years)
                )
            )

        return check

    return {
        rule.kind: Custom(allowed(rule.choice), {"type": "integer", "enum": list(rule.choice)})
        for rule in RETENTION_RULES.values()
        if rule.choice
    }


RETENTION = _setting(
    "retention",
    "shared",
    "Bewaartermijnen (keuzes van de gemeente, Archiefwet)",
    _retention_fields(),
    _retention_choices(),
)

MONITOR = _setting(
    "monitor",
    "shared",
    "Monitor",
    (
        _f(
            "show_small_numbers",
            "bool",
            "Kleine aantallen (onder 5) tonen in exports",
            help="standaard uit: een export toont '< 5', zodat niemand herkenbaar is",
        ),
    ),
)

SETTINGS: dict[str, Setting] = {s.key: s for s in (GEMEENTE, KLANTMANAGER, RETENTION, MONITOR)}


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
    plain = {k: v for k, v in value.items() if k not in known.custom}
    clean, problems = validate_values(known.kind, plain, partial=True, where=where)
    for name, custom in known.custom.items():
        if value.get(name) in (None, "", [], {}):
            continue
        try:
            clean[name] = custom.check(value[name], known.kind.field(name).label)
        except InvalidValue as err:
            problems.append(Problem(where, name, err.message))
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
