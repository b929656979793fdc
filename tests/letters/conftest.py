"""Letter fixtures: letter data built without a casebook, and PDF tool helpers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
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
        recipient=Recipient(
            name="Amina Haddad",
            street="Korenbloemstraat",
            house_number="14-B",
            postcode="9713 KL",
            city="Westerhoven",
            sex=sex,
        ),
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
