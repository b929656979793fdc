"""Regenerate the example letter images in this folder.

Usage:  .venv/bin/python docs/letters/make_examples.py   (needs pdftoppm, poppler-utils)

Each PNG shows the pages of one letter side by side, rendered at 80 dpi. All names
and addresses are fictional. The Dutch-only example shows that such a letter fits on
one page.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from klantapp.casebook.demo import GEMEENTE as DEMO_GEMEENTE  # noqa: E402
from klantapp.letters import render_letter  # noqa: E402
from klantapp.letters.model import Appointment, Gemeente, LetterData, Recipient  # noqa: E402

GEMEENTE = Gemeente(**DEMO_GEMEENTE)  # the fictional gemeente of the demo casebook
OFFICE = "Gemeentehuis Heuveldal, Marktplein 1, 7461 AB Heuveldal"

EXAMPLES = {
    "ar": (
        Recipient(name="Amina Haddad", street="Korenbloemstraat", house_number="14-B", postcode="7462 KL", city="Heuveldal", sex="v"),
        Appointment(
            kind="brede_intake", starts_at=datetime(2026, 12, 8, 14, 0), location=OFFICE,
            duration_minutes=90, route_note="Ingang aan de achterkant, balie 3",
            with_whom="Sanne de Vries", interpreter_mode="ter_plaatse",
            interpreter_language="ar", invitation_number=2,
            bring_items=("identiteitsbewijs", "bankpas", "deze_brief"), uid="example-ar",
        ),
    ),
    "ti": (
        Recipient(name="Selam Gebremedhin", street="Dennenweg", house_number="2", postcode="7464 EF", city="Heuveldal", care_of="AZC Heuveldal", address_source="azc", sex="v"),
        Appointment(
            kind="warme_overdracht", starts_at=datetime(2026, 12, 9, 14, 0),
            location="AZC Heuveldal, Dennenweg 2, 7464 EF Heuveldal", duration_minutes=60,
            with_whom="Sanne de Vries", interpreter_mode="telefoon", interpreter_language="ti",
            bring_items=("identiteitsbewijs",), uid="example-ti",
        ),
    ),
    "so": (
        Recipient(name="Hodan Warsame", street="Molenweg", house_number="33", postcode="7461 GH", city="Heuveldal", sex="v"),
        Appointment(
            kind="leerbaarheidstoets", starts_at=datetime(2026, 12, 10, 9, 0), location=OFFICE,
            duration_minutes=120, with_whom="Toetsbegeleider Taalcentrum De Brug",
            bring_items=("identiteitsbewijs", "leesbril"), bring="Een pen", uid="example-so",
        ),
    ),
    "fa": (
        Recipient(name="Omid Rahimi", street="Kerkstraat", house_number="5", postcode="7461 JK", city="Heuveldal", sex="m"),
        Appointment(
            kind="pip", starts_at=datetime(2026, 12, 8, 11, 15), location=OFFICE,
            duration_minutes=60, with_whom="Mohamed Bouali", interpreter_mode="video",
            interpreter_language="fa", bring_items=("diplomas", "brieven_duo"), uid="example-fa",
        ),
    ),
    "nl": (
        Recipient(name="Dilan Yılmaz", street="Beukenhof", house_number="8", postcode="7461 LM", city="Heuveldal", sex="v"),
        Appointment(
            kind="brede_intake", starts_at=datetime(2026, 12, 10, 10, 30), location=OFFICE,
            duration_minutes=90, with_whom="Sanne de Vries", invitation_number=3,
            bring_items=("identiteitsbewijs", "bankpas", "zorgpas"), uid="example-nl",
        ),
    ),
}  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for lang, (recipient, appointment) in EXAMPLES.items():
            data = LetterData(
                gemeente=GEMEENTE,
                recipient=recipient,
                appointment=appointment,
                letter_date=date(2026, 11, 23),
                reference=f"AFS-EXAMPLE-{lang.upper()}",
                lang=lang,
                klantmanager="Sanne de Vries",
            )
            pdf = Path(tmp) / f"{lang}.pdf"
            pdf.write_bytes(render_letter(data))
            subprocess.run(  # noqa: S603 - a fixed tool on our own temporary files
                ["pdftoppm", "-r", "80", "-png", str(pdf), str(Path(tmp) / lang)],  # noqa: S607
                check=True,
            )
            pages = [Image.open(p) for p in sorted(Path(tmp).glob(f"{lang}-*.png"))]
            sheet = Image.new(
                "RGB",
                (sum(p.width for p in pages) + 20 * (len(pages) - 1), max(p.height for p in pages)),
                (200, 200, 200),
            )
            x = 0
            for page in pages:
                sheet.paste(page, (x, 0))
                x += page.width + 20
            out = HERE / f"letter-{lang}.png"
            sheet.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out, optimize=True)
            print(out.relative_to(HERE.parents[1]), f"{out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
