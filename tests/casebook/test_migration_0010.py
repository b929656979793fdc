"""Schema 10: the PIP's free-text einddoel becomes the KIS integratieroute, without
losing anything an older casebook or export held."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, services
from klantapp.casebook.jsonio import export_document, import_document
from klantapp.casebook.migrations import migrate
from klantapp.errors import InvalidInput
from klantapp.monitor import compute

from .older_schema import at_schema

SAMPLE = Path(__file__).parent.parent / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"


def test_each_pip_gets_the_route_its_leerroute_leads_to_and_keeps_its_einddoel() -> None:
    conn = at_schema(9)
    conn.execute(
        "INSERT INTO pips (id, household_id, person_id, version, status, leerroute, goal, "
        "notes) VALUES ('b', 'h', 'p1', 1, 'vastgesteld', 'b1', 'Werk als kapper', NULL), "
        "('o', 'h', 'p2', 1, 'vastgesteld', 'onderwijs', 'Mbo zorg', 'Wil verpleegkundige'), "
        "('z', 'h', 'p3', 1, 'concept', 'z', '  ', 'Eerst alfabetisering'), "
        "('n', 'h', 'p4', 1, 'concept', NULL, NULL, NULL)"
    )
    conn.execute(
        "INSERT INTO clocks (tbl, row_id, field, hlc, device, seq, change_id) "
        "VALUES ('pips', 'b', 'goal', '0000000000001-0000', 'd1', 1, 1)"
    )
    migrate(conn)
    rows = conn.execute("SELECT id, integratieroute, notes FROM pips ORDER BY id").fetchall()
    assert rows == [
        ("b", "werk", "Einddoel: Werk als kapper"),
        ("n", None, None),
        ("o", "onderwijs", "Wil verpleegkundige\nEinddoel: Mbo zorg"),
        ("z", "participatie", "Eerst alfabetisering"),
    ]
    columns = {r[1] for r in conn.execute("PRAGMA table_info(pips)")}
    assert "goal" not in columns and "integratieroute" in columns
    assert conn.execute("SELECT count(*) FROM clocks WHERE field = 'goal'").fetchone()[0] == 0


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "oud-dossier"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    for f in target.iterdir():
        os.chmod(f, 0o600)
    return target


def test_the_sample_casebook_keeps_every_einddoel_and_its_monitor_figure(sample: Path) -> None:
    cb = Casebook.open(sample, SAMPLE_PASSPHRASE)
    try:
        pips = [p for h in export_document(cb)["households"] for p in h.get("pips", [])]
        figure = compute(cb, date(2026, 11, 22)).figure("integratieroute")
    finally:
        cb.close()
    assert len(pips) == 4 and all("goal" not in p for p in pips)
    by_goal = {p["notes"].splitlines()[-1]: (p["leerroute"], p["integratieroute"]) for p in pips}
    assert by_goal == {
        "Einddoel: Zelfredzaamheid en A1": ("z", "participatie"),
        "Einddoel: B1 op alle vaardigheden; werk als elektricien": ("b1", "werk"),
        "Einddoel: Zelfredzaam in de wijk; A1 spreken": ("z", "participatie"),
        "Einddoel: B1 en werk in de horeca": ("b1", "werk"),
    }
    # the notes a PIP had stay in front of the einddoel
    assert any(p["notes"].startswith("Start van de lessen wacht op kinderopvang.\n") for p in pips)
    counts = {r.key: r.count for r in figure.rows}
    assert counts["activering"] == 0 and counts["werk"] + counts["participatie"] >= 1


def test_a_format_3_export_imports_with_its_einddoel_in_the_toelichting(
    casebook: Casebook,
) -> None:
    old = {
        "format": "klantapp-casebook",
        "format_version": 3,
        "households": [
            {
                "id": "h1",
                "name": "Haile",
                "status": "traject",
                "persons": [{"id": "p1", "role": "aanvrager", "family_name": "Haile"}],
                "pips": [
                    {
                        "id": "v1",
                        "person_id": "p1",
                        "version": 1,
                        "status": "vastgesteld",
                        "vastgesteld_on": "2026-01-10",
                        "leerroute": "onderwijs",
                        "goal": "Mbo niveau 3",
                    }
                ],
            }
        ],
    }
    import_document(casebook, old)
    [h] = export_document(casebook)["households"]
    [pip] = h["pips"]
    assert "goal" not in pip
    assert (pip["integratieroute"], pip["notes"]) == ("onderwijs", "Einddoel: Mbo niveau 3")


def test_activering_is_recorded_on_the_pip_and_counted_by_the_monitor(casebook: Casebook) -> None:
    hid = services.add_record(
        casebook,
        "households",
        {"name": "Y", "status": "traject", "inschrijving_date": "2026-01-05"},
    )
    pid = services.add_record(
        casebook,
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Y",
            "birth_date": "1980",
            "plicht_status": "plichtig",
            "permit_basis": "asiel_bepaald",
        },
    )
    pip = {"household_id": hid, "person_id": pid, "version": 1, "status": "vastgesteld"}
    services.add_record(
        casebook,
        "pips",
        {**pip, "vastgesteld_on": "2026-02-01", "leerroute": "z", "integratieroute": "activering"},
    )
    counts = {
        r.key: r.count for r in compute(casebook, date(2026, 6, 30)).figure("integratieroute").rows
    }
    assert counts["activering"] == 1 and counts["participatie"] == 0

    with pytest.raises(InvalidInput) as refused:
        services.add_record(
            casebook, "pips", {**pip, "version": 2, "integratieroute": "vrije tijd"}
        )
    assert "Integratieroute" in str(refused.value)
