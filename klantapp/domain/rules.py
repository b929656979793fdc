"""The shapes a topic module's rules take, so every topic plugs in the same way.

* :data:`AddItem`: how a deadline rule reports a due item,
  ``add(rule, title, due_on, person_id, detail)`` (the due list's collector).
* :data:`CrossFieldRule`: a validation rule over a record's merged values, returning
  ``(field, message)`` pairs; :data:`CrossFieldRules` maps a record kind to
  ``(fields it reads, rule)`` pairs (:mod:`klantapp.domain.validate` runs them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from klantapp.domain.records import RecordKind

AddItem = Callable[[str, str, date, str | None, str], None]
CrossFieldRule = Callable[[Mapping[str, object], RecordKind], list[tuple[str, str]]]
CrossFieldRules = Mapping[str, tuple[tuple[tuple[str, ...], CrossFieldRule], ...]]

__all__ = ["AddItem", "CrossFieldRule", "CrossFieldRules"]
