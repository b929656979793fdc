"""The Logboek's period and times are the klantmanager's local days and clock, while
every entry is stored in UTC."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from klantapp.avg import log
from klantapp.avg.log import AuditFilter, audit_entries, local_time, record_access
from klantapp.casebook import Casebook
from tests.avg.conftest import local_clock


@pytest.fixture
def amsterdam() -> Iterator[None]:
    with local_clock("Europe/Amsterdam"):
        yield


def test_a_late_evening_entry_counts_on_its_local_day(
    casebook: Casebook, amsterdam: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "now_utc", lambda: "2026-03-01T23:30:00+00:00")
    record_access(casebook, "export", what="Na middernacht geëxporteerd")

    def found(since: str, until: str) -> list[str]:
        entries = audit_entries(casebook, AuditFilter(since=since, until=until))
        return [e["what"] for e in entries if e["kind"] == "access"]

    assert found("2026-03-02", "2026-03-02") == ["Na middernacht geëxporteerd"]
    assert found("2026-03-01", "2026-03-01") == []  # its UTC day, not the klantmanager's
    assert local_time("2026-03-01T23:30:00+00:00") == "2026-03-02 00:30"
    assert local_time("2026-07-01T10:00:00.123+00:00") == "2026-07-01 12:00"  # summer
