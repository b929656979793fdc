"""One field's value, by the field's kind in :mod:`klantapp.domain.records`.

:func:`check_field` sends each kind to its check (text, dates, identity numbers,
contact, numbers, choices) and checks the structured kinds itself: long text, lists of
texts or choices, JSON parts, references to another record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from klantapp.domain.records import ITEM_LABELS, Field
from klantapp.domain.validate.base import InvalidValue
from klantapp.domain.validate.choices import check_bool, check_choice
from klantapp.domain.validate.contact import check_email, check_phone, check_postcode
from klantapp.domain.validate.dates import check_date, check_datetime, check_partial_date
from klantapp.domain.validate.identity import check_bsn, check_vnummer
from klantapp.domain.validate.numbers import check_int, check_score
from klantapp.domain.validate.text import bad_characters, check_max_length, check_text
from klantapp.i18n import _


@dataclass(frozen=True)
class FieldContext:
    today: date


def check_longtext(value: object, field: Field) -> str | None:
    if not isinstance(value, str):
        raise InvalidValue(_("{label}: hier hoort tekst te staan.").format(label=_(field.label)))
    if not value.strip():
        return None
    bad_characters(value, field.label, multiline=True)
    return check_max_length(value, field.label, field.max_length)


def _textlist_message(field: Field) -> str:
    return _("{label}: verwacht een lijst met teksten.").format(label=_(field.label))


def _check_textlist(value: object, field: Field) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidValue(_textlist_message(field))
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidValue(_textlist_message(field))
        if item.strip():
            out.append(check_text(item, field.label, field.max_length))
    return out


def _check_multichoice(value: object, field: Field) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidValue(
            _("{label}: verwacht een lijst met keuzes.").format(label=_(field.label))
        )
    out: list[str] = []
    for item in value:
        chosen = check_choice(item, field.label, field.choices)
        if chosen not in out:
            out.append(chosen)
    return out


def _check_json_object(obj: object, field: Field, entry: int | None = None) -> dict[str, object]:
    label = _(field.label) if entry is None else f"{_(field.label)} {entry}"
    if not isinstance(obj, dict):
        raise InvalidValue(_("{label}: de gegevens hebben niet de goede vorm.").format(label=label))
    items = field.items or {}
    out: dict[str, object] = {}
    for key, sub in obj.items():
        if not isinstance(key, str) or (items and key not in items):
            raise InvalidValue(
                _("{label}: onbekend onderdeel '{part}'.").format(label=label, part=key)
            )
        sub_kind = items.get(key, "json")
        part_label = f"{label} ({_(ITEM_LABELS.get(key, key))})"
        if sub is None or (isinstance(sub, str) and not sub.strip()):
            out[key] = None
        elif sub_kind == "text":
            # Parts of a profile (education, work, ...) may run over several lines.
            if not isinstance(sub, str):
                raise InvalidValue(
                    _("{label}: hier hoort tekst te staan.").format(label=part_label)
                )
            bad_characters(sub, part_label, multiline=True)
            out[key] = sub.strip()
        elif sub_kind == "int":
            out[key] = check_int(sub, part_label, minimum=0)
        else:
            out[key] = sub
    return out


def _check_json(value: object, field: Field) -> object:
    """One object, or for a repeated field (Werkervaring) a list of them; one object
    given for a repeated field is its only entry. Entries are numbered in messages."""
    if field.repeated:
        entries = [value] if isinstance(value, dict) else value
        if not isinstance(entries, list | tuple):
            raise InvalidValue(
                _("{label}: de gegevens hebben niet de goede vorm.").format(label=_(field.label))
            )
        checked = [_check_json_object(item, field, i) for i, item in enumerate(entries, 1)]
        return [entry for entry in checked if any(v is not None for v in entry.values())]
    return _check_json_object(value, field)


def _ref_message(field: Field) -> str:
    return _("{label}: de verwijzing ontbreekt of klopt niet.").format(label=_(field.label))


def _check_ref(value: object, field: Field) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100:
        raise InvalidValue(_ref_message(field))
    text = value.strip()
    if any(ch.isspace() for ch in text):
        raise InvalidValue(_ref_message(field))
    return text


def check_field(field: Field, value: object, ctx: FieldContext) -> object:
    """Check and normalise one non-blank value of ``field``."""
    k = field.kind
    label = field.label
    if k == "text":
        return check_text(value, label, field.max_length)
    if k == "longtext":
        return check_longtext(value, field)
    if k == "date":
        return check_date(value, label)
    if k == "partial_date":
        return check_partial_date(value, label, not_after=ctx.today)
    if k == "datetime":
        return check_datetime(value, label)
    if k == "int":
        return check_int(value, label, field.minimum, field.maximum)
    if k == "bool":
        return check_bool(value, label)
    if k in ("choice", "language"):
        if field.choices:
            return check_choice(value, label, field.choices)
        return check_text(value, label, field.max_length)
    if k == "multichoice":
        return _check_multichoice(value, field)
    if k == "textlist":
        return _check_textlist(value, field)
    if k == "json":
        return _check_json(value, field)
    if k == "ref":
        return _check_ref(value, field)
    if k == "bsn":
        return check_bsn(value, label)
    if k == "vnummer":
        return check_vnummer(value, label)
    if k == "postcode":
        return check_postcode(value, label)
    if k == "phone":
        return check_phone(value, label)
    if k == "email":
        return check_email(value, label)
    if k == "score":
        return check_score(value, label)
    raise AssertionError(f"no check for field kind {k!r}")  # pragma: no cover


def is_empty_value(field: Field, value: object) -> bool:
    """Nothing filled in. For a choice with an explicit empty option ("Geen tolk"), ``""``
    is a real answer, not an empty field."""
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return not (field.kind in ("choice", "language") and value == "" and _has_empty(field))
    return False


def _has_empty(field: Field) -> bool:
    return any(v == "" for v, _name in field.choices)
