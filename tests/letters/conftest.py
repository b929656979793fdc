"""Letter fixtures: letter data built without a casebook, and PDF tool helpers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from klantapp.letters.model import Appointment, Gemeente, LetterData, Recipient

GEMEENTE = Gemeente(
    name="Gemeente Westerhoven",
    department="Team Inburgering",
    street="Marktplein 1",
    postcode="9712 AB",
    city="Westerhoven",
    phone="050 123 45 67",
    phone_hours="09:00-17:00",
    email="inburgering@westerhoven.nl",
    website="www.westerhoven.nl",
)

RECIPIENT = Recipient(
    name="Amina Haddad",
    street="Korenbloemstraat",
    house_number="14-B",
    postcode="9713 KL",
    city="Westerhoven",
    sex="v",
)


def make_letter(lang: str = "ar", *, sex: str = "v", **appointment: Any) -> LetterData:
    values: dict[str, Any] = {
        "kind": "brede_intake",
        "starts_at": datetime(2026, 12, 8, 10, 30),
        "location": "Gemeentehuis, Marktplein 1, 9712 AB Westerhoven",
        "duration_minutes": 60,
        "route_note": "Ingang aan de achterkant, balie 3",
        "with_whom": "Sanne de Vries",
        "interpreter_mode": "ter_plaatse",
        "interpreter_language": lang if lang != "nl" else "ar",
        "invitation_number": 2,
        "uid": "0d4f5a7e-3c1b-4a8e-9f2d-6b7c8e9f0a1b",
    }
    values.update(appointment)
    return LetterData(
        gemeente=GEMEENTE,
        recipient=replace(RECIPIENT, sex=sex),
        appointment=Appointment(**values),
        letter_date=date(2026, 11, 23),
        reference="INB-2026-0412",
        lang=lang,
        klantmanager="Sanne de Vries",
    )


@pytest.fixture
def letter() -> Callable[..., LetterData]:
    return make_letter


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")


def run_tool(tool: str, *args: str) -> str:
    _need(tool)
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def pdf_file(tmp_path: Path) -> Callable[[bytes, str], Path]:
    def write(data: bytes, name: str = "letter.pdf") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def pdf_text(pdf: bytes, tmp: Path, *args: str) -> str:
    """pdftotext of ``pdf`` with whitespace (and poppler's bidi marks) made plain."""
    import re

    path = tmp / f"t{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    text = run_tool("pdftotext", *args, str(path), "-")
    text = re.sub("[\u202a-\u202e\u200e\u200f]", "", text)
    return re.sub(r"\s+", " ", text)


def pdf_pages(pdf: bytes, tmp: Path) -> int:
    import re

    path = tmp / f"p{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    info = run_tool("pdfinfo", str(path))
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any, float, float]]:
    """Every line the letter draws: (logical text, line, x_left, y), in drawing order."""
    from klantapp.letters import render

    lines: list[tuple[str, Any, float, float]] = []
    original = render.draw_line

    def spy(canvas: Any, line: Any, x0: float, x1: float, y: float, *rest: Any) -> None:
        lines.append((line.logical, line, x0, y))
        original(canvas, line, x0, x1, y, *rest)

    monkeypatch.setattr(render, "draw_line", spy)
    return lines
