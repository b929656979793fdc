"""Checks on what a klantmanager types, driven by the field definitions in ``records``.

Two layers:

* **Primitive checks** (``check_bsn``, ``check_postcode``, ``check_date``, ...). Each
  takes a raw value and the field's Dutch label, and returns the *normalised* value or
  raises :class:`InvalidValue` whose message is a short Dutch sentence that names the
  field. The desktop client may call them for live feedback on one field.
* :func:`validate_record` checks a whole record (or, with ``partial=True``, an update)
  against :data:`klantapp.domain.records.RECORD_KINDS` and returns the normalised values
  plus every :class:`~klantapp.errors.Problem` it found. It never raises for bad input.

Normalisation, so that the same thing is always stored the same way:

* single-line text (``text``): surrounding whitespace is removed; nothing else changes.
  Names in any script are kept exactly as typed: no Unicode normalisation, no case
  changes, zero-width joiners and non-joiners stay. Empty text becomes ``None``.
* BSN and V-nummer: spaces, dots and dashes as people type them are dropped, leaving
  only the digits; an 8-digit BSN gets a leading zero.
* postcode: ``"1234ab"`` and ``" 1234  ab"`` become ``"1234 AB"``.
* dates: ``datetime.date`` objects become ``"YYYY-MM-DD"``; datetimes become
  ``"YYYY-MM-DDTHH:MM"`` (a space instead of the ``T`` is accepted).
* numbers typed as text (``"12"``) become ``int``; ``"ja"``/``"nee"`` become ``bool``.
* phone: surrounding whitespace removed and runs of spaces collapsed to one.
* e-mail: surrounding whitespace removed, the part after ``@`` in lower case.

Where each check sits (its code, its message and its rule together):

* :mod:`~klantapp.domain.validate.text`: text and names in any script
  (``check_text``, ``check_required``, ``check_max_length``);
* :mod:`~klantapp.domain.validate.identity`: BSN (``elfproef``, ``check_bsn``) and
  V-nummer;
* :mod:`~klantapp.domain.validate.contact`: postcode, phone, e-mail;
* :mod:`~klantapp.domain.validate.dates`: dates, partial birth dates, date and time,
  dates as typed (``read_date``);
* :mod:`~klantapp.domain.validate.numbers` and :mod:`~klantapp.domain.validate.choices`:
  whole numbers, ZRM scores, yes or no, choice lists;
* :mod:`~klantapp.domain.validate.fields`: one field by its kind;
  :mod:`~klantapp.domain.validate.rules`: the cross-field rules per record kind;
  :mod:`~klantapp.domain.validate.record`: :func:`validate_record`.

Pure Python: no I/O, no Qt, no SQL. The only outside input is "today" (for birth dates
in the future), which callers and tests may pass in.
"""

from __future__ import annotations

from klantapp.domain.validate.base import InvalidValue, is_blank
from klantapp.domain.validate.choices import check_bool, check_choice
from klantapp.domain.validate.contact import check_email, check_phone, check_postcode
from klantapp.domain.validate.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    check_date,
    check_datetime,
    check_partial_date,
    partial_date_bounds,
    read_date,
)
from klantapp.domain.validate.identity import check_bsn, check_vnummer, elfproef
from klantapp.domain.validate.numbers import check_int, check_score
from klantapp.domain.validate.record import validate_record, validate_values
from klantapp.domain.validate.text import check_max_length, check_required, check_text

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "InvalidValue",
    "check_bool",
    "check_bsn",
    "check_choice",
    "check_date",
    "check_datetime",
    "check_email",
    "check_int",
    "check_max_length",
    "check_partial_date",
    "check_phone",
    "check_postcode",
    "check_required",
    "check_score",
    "check_text",
    "check_vnummer",
    "elfproef",
    "is_blank",
    "partial_date_bounds",
    "read_date",
    "validate_record",
    "validate_values",
]
