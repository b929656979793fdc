"""The tables of the printed reports (monitor, inzage): a column heading is never
broken inside a word, however narrow its column (checked with poppler, as a reader
of the PDF meets it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from klantapp.letters.report import CONTENT_WIDTH, build_report, table
from tests.letters.conftest import pdf_text


def test_a_long_heading_over_a_narrow_column_stays_one_word(tmp_path: Path) -> None:
    first = 110.0
    rest = (CONTENT_WIDTH - first) / 5
    rows = [
        ["", "Asielstatushouder", "Nareiziger", "Gezinsmigrant", "Overige migrant", "Onbekend"],
        ["Inburgeringsplichtig", "12", "0", "< 5", "0", "0"],
    ]
    pdf = build_report(
        "Monitor inburgering",
        {"name": "Heuveldal"},
        [table(rows, [first] + [rest] * 5)],
        on=date(2026, 11, 22),
    )
    words = pdf_text(pdf, tmp_path, "-layout").split()
    assert "Asielstatushouder" in words  # not "Asielstatushoude" and "r"
    assert "Asielstatushoude" not in words
