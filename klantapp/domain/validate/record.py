"""A whole record (or an update of one) against its record kind."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from klantapp.domain.records import Field, RecordKind
from klantapp.domain.records import kind as record_kind
from klantapp.domain.validate.base import InvalidValue
from klantapp.domain.validate.fields import FieldContext, check_field, is_empty_value
from klantapp.domain.validate.rules import CROSS_FIELD_RULES
from klantapp.errors import Problem
from klantapp.i18n import _


def _required(field: Field) -> str:
    return _("{label} is verplicht. Vul dit in.").format(label=_(field.label))


def validate_record(
    kind_name: str,
    values: Mapping[str, object],
    *,
    partial: bool = False,
    where: str = "",
    current: Mapping[str, object] | None = None,
    today: date | None = None,
) -> tuple[dict[str, object], list[Problem]]:
    """Check ``values`` for a record of kind ``kind_name``; return (normalised, problems).

    * ``partial=False`` (a new record): every required field must be filled in.
    * ``partial=True`` (an update): only the fields given are checked; a required field
      that is given must not be empty.
    * ``current``: the stored record an update applies to. Cross-field rules (a tolk
      needs a language, an invitation number only on a brede intake, a vastgesteld PIP
      needs its dagtekening, an amount only on a boete, ...) look at the stored values
      merged with the update. For an update without ``current``, a rule runs only when
      the update holds every field it reads.
    * ``today``: for "birth date not in the future"; defaults to ``date.today()``.

    The normalised dict has exactly the keys of ``values``; blank values become ``None``
    and a value with a problem is returned unchanged. ``id`` is accepted as a key (every
    record has one); any other name not in the record kind is a problem. Each problem's
    ``record`` is ``where`` and its ``field`` the field name. Raises ``KeyError`` only for
    an unknown ``kind_name`` (a programming error, not bad input).
    """
    return validate_values(
        record_kind(kind_name),
        values,
        partial=partial,
        where=where,
        current=current,
        today=today,
    )


def validate_values(
    kind: RecordKind,
    values: Mapping[str, object],
    *,
    partial: bool = False,
    where: str = "",
    current: Mapping[str, object] | None = None,
    today: date | None = None,
) -> tuple[dict[str, object], list[Problem]]:
    """:func:`validate_record` for any set of fields described like a record kind
    (the settings in :mod:`klantapp.domain.settings` are)."""
    ctx = FieldContext(today=today or date.today())
    fields = kind.by_name
    out: dict[str, object] = {}
    problems: list[Problem] = []
    bad: set[str] = set()

    def problem(name: str, message: str) -> None:
        problems.append(Problem(record=where, field=name, message=message))
        bad.add(name)

    for name, value in values.items():
        if name == "id":
            if not isinstance(value, str) or not value.strip():
                problem("id", _("Het nummer (id) van dit record ontbreekt of klopt niet."))
                out[name] = value
            else:
                out[name] = value.strip()
            continue
        field = fields.get(name)
        if field is None:
            problem(
                name,
                _(
                    "Het veld '{field}' bestaat niet bij {record}. Het kan niet worden opgeslagen."
                ).format(field=name, record=_(kind.label)),
            )
            out[name] = value
            continue
        if is_empty_value(field, value):
            out[name] = None
            if field.required:
                problem(name, _required(field))
            continue
        try:
            normalised = check_field(field, value, ctx)
        except InvalidValue as err:
            problem(name, err.message)
            out[name] = value
            continue
        if normalised is None and field.required:
            problem(name, _required(field))
        out[name] = normalised

    if not partial:
        for field in kind.fields:
            if field.required and field.name not in values:
                problem(field.name, _required(field))

    merged: dict[str, object] = dict(current or {})
    merged.update(out)
    for reads, rule in CROSS_FIELD_RULES.get(kind.name, ()):
        if bad.intersection(reads):
            continue  # the field itself is already wrong; say that first
        if partial and current is None and not all(r in values for r in reads):
            continue
        for name, message in rule(merged, kind):
            problem(name, message)
    return out, problems
