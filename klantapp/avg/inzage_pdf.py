"""The inzage as a readable PDF in Dutch: one section per record kind, every field
with its label, then the audit trail and the requests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from reportlab.platypus import Spacer

from klantapp.casebook.casebook import Casebook
from klantapp.domain.records import RECORD_KINDS, choice_label
from klantapp.i18n import _
from klantapp.letters.report import CONTENT_WIDTH, build_report, para, styles, table

_SKIP = {"id", "household_id", "person_id", "owner"}


def _value(kind: str, name: str, value: Any) -> str:
    rk = RECORD_KINDS[kind]
    if name not in rk.field_names:
        return str(value)
    f = rk.field(name)
    if value is None or value == "" or value == []:
        return ""
    if f.kind == "bool":
        return _("ja") if value else _("nee")
    if f.kind in ("choice", "language") and f.choices:
        return _(choice_label(f.choices, str(value)))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render_inzage(cb: Casebook, doc: dict[str, Any]) -> bytes:
    st = styles()
    story: list[Any] = [
        para(_("Inzage in uw gegevens (artikel 15 AVG)"), st["title"]),
        para(
            _(
                "Dit overzicht bevat alle gegevens die de gemeente in dit klantdossier over "
                "{name} bewaart, en wie wanneer iets heeft gewijzigd of ingezien. Gemaakt op "
                "{day}."
            ).format(name=doc["name"], day=doc["made_on"]),
            st["body"],
        ),
    ]
    if doc["restricted_withheld"]:
        story.append(
            para(
                _(
                    "Vertrouwelijke gezondheidsgegevens ({n}) zijn weggelaten; ze worden alleen "
                    "na uitdrukkelijke bevestiging opgenomen."
                ).format(n=doc["restricted_withheld"]),
                st["small"],
            )
        )
    for kind, rows in doc["records"].items():
        if not rows:
            continue
        rk = RECORD_KINDS[kind]
        story.append(para(f"{_(rk.label_plural)} ({len(rows)})", st["h2"]))
        for row in rows:
            lines = [
                [_(rk.field(n).label), _value(kind, n, v)]
                for n, v in row.items()
                if n not in _SKIP and n in rk.field_names and _value(kind, n, v)
            ]
            if lines:
                story.append(table(lines, [55 * 2.835, CONTENT_WIDTH - 55 * 2.835], header=False))
                story.append(Spacer(1, 4))
    story.append(para(_("Wie heeft wat gedaan (logboek)"), st["h2"]))
    audit_rows = [[_("Wanneer"), _("Wie"), _("Wat")]] + [
        [a["at"][:16].replace("T", " "), a["actor"], a["what"]] for a in doc["audit"]
    ]
    story.append(table(audit_rows, [32 * 2.835, 35 * 2.835, CONTENT_WIDTH - 67 * 2.835]))
    if doc["requests"]:
        story.append(para(_("Verzoeken"), st["h2"]))
        req_rows = [[_("Ontvangen"), _("Uiterlijk"), _("Beantwoord")]] + [
            [r["received_on"], r["deadline"], r.get("answered_on") or ""] for r in doc["requests"]
        ]
        story.append(table(req_rows, [CONTENT_WIDTH / 3] * 3))
    story.append(Spacer(1, 8))
    story.append(
        para(
            _(
                "U mag de gemeente vragen gegevens te verbeteren of te verwijderen (artikel 16 "
                "en 17 AVG). Bent u het niet eens met hoe de gemeente met uw gegevens omgaat, "
                "dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens."
            ),
            st["small"],
        )
    )
    return build_report(
        _("Inzage AVG"),
        cb.get_setting("gemeente", {}),
        story,
        on=date.fromisoformat(doc["made_on"]),
    )
