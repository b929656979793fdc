"""What every deadline rule shares: :class:`DueItem`, the collector the rules add items
to, and reading record dicts (whole numbers, names, the newest PIP version)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def int_of(value: object) -> int:
    """A whole number as a record may hold it (a bool, int, float or digits); else 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def current_pip(pips: Sequence[Mapping[str, object]]) -> Mapping[str, object] | None:
    """The newest version (highest version number) among one person's PIP versions."""
    return max(pips, key=lambda p: int_of(p.get("version")), default=None)


@dataclass(frozen=True)
class DueItem:
    """Something a klantmanager must do or know by ``due_on``."""

    rule: str  # a key of RULES
    title: str  # plain words in the current language, one line
    due_on: date
    overdue: bool  # due_on lies before the day asked about
    household_id: str
    person_id: str | None
    detail: str  # plain words in the current language: why, and what to do


def person_name(person: Mapping[str, object]) -> str:
    """Given names and family name, as the due items name a person."""
    parts = [person.get("given_names"), person.get("family_name")]
    return " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip()) or "?"


class Collector:
    """The due items of one household on ``on``, as the rules add them."""

    def __init__(self, household_id: str, on: date, horizon_days: int) -> None:
        self.household_id = household_id
        self.on = on
        self.horizon = timedelta(days=max(0, horizon_days))
        self.items: list[DueItem] = []

    def add(
        self,
        rule: str,
        title: str,
        due_on: date,
        person_id: str | None,
        detail: str,
        *,
        signal: bool = False,
    ) -> None:
        """List an item due on ``due_on`` when it falls within the horizon or has
        passed. A ``signal`` (no action by a fixed date) disappears once ``due_on`` is
        more than the horizon ago; otherwise it would stay overdue for ever."""
        if due_on > self.on + self.horizon:
            return
        if signal and due_on < self.on - self.horizon:
            return
        self.items.append(
            DueItem(
                rule=rule,
                title=title,
                due_on=due_on,
                overdue=due_on < self.on,
                household_id=self.household_id,
                person_id=person_id,
                detail=detail,
            )
        )


def str_or_none(value: object) -> str | None:
    """A non-empty text, else ``None``."""
    return value if isinstance(value, str) and value else None
