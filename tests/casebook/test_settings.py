"""Settings are typed and validated like records, scoped shared or device, and read
tolerantly (issue 8, finding 6)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from klantapp.casebook import Casebook
from klantapp.casebook.jsonio import export_document, import_document
from klantapp.cli import main
from klantapp.domain.settings import SETTINGS
from klantapp.errors import InvalidInput

PASS = "een lange test wachtwoordzin"


def doc(settings: object) -> dict:
    return {"format": "klantapp-casebook", "format_version": 1, "settings": settings}


def store_raw(cb: Casebook, key: str, value: object) -> None:
    """What an older or broken program may have stored: past the validation."""
    with cb.transaction() as tx:
        tx.insert("settings", {"value": value}, row_id=key)


def test_every_setting_has_a_scope() -> None:
    assert {k: s.scope for k, s in SETTINGS.items()} == {
        "gemeente": "shared",
        "klantmanager": "device",
        "retention": "shared",
        "monitor": "shared",
    }


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"gemeente": "x"}, "gemeente"),
        ({"gemeente": {"postcode": "12345"}}, "gemeente.postcode"),
        ({"gemeente": {"email": "geen adres"}}, "gemeente.email"),
        ({"gemeente": {"klantmanager": "Sanne"}}, "gemeente.klantmanager"),  # moved out
        ({"gemeente": {"name": ["lijst"]}}, "gemeente.name"),
        ({"klantmanager": {"name": "Sanne\x00"}}, "klantmanager.name"),
        ({"thema": {"kleur": "paars"}}, "thema"),
    ],
)
def test_import_refuses_a_bad_setting_naming_the_field(
    casebook: Casebook, settings: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_document(casebook, doc(settings))
    assert [p.field for p in refused.value.problems] == [field]
    assert export_document(casebook)["settings"] == {}  # nothing was saved


def test_import_json_exit_5_names_the_field(
    casebook_path: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    Casebook.create(casebook_path, PASS)[0].close()
    bad = tmp_path / "instellingen.json"
    bad.write_text(json.dumps(doc({"gemeente": "x"})), encoding="utf-8")
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASS)
    assert main(["import-json", str(casebook_path), str(bad)]) == 5
    assert "settings: gemeente:" in capsys.readouterr().err


def test_set_setting_validates_and_normalises(casebook: Casebook) -> None:
    with pytest.raises(InvalidInput) as refused:
        casebook.set_setting("gemeente", {"name": "Heuveldal", "postcode": "99999"})
    assert [p.field for p in refused.value.problems] == ["gemeente.postcode"]
    assert "99999" not in str(refused.value)  # the refused value is not repeated
    casebook.set_setting("gemeente", {"name": " Heuveldal ", "postcode": "7461ab", "city": ""})
    assert casebook.get_setting("gemeente") == {"name": "Heuveldal", "postcode": "7461 AB"}


@pytest.mark.parametrize(
    "stored",
    ["x", 42, None, [1, 2], {"name": {"diep": ["genest"]}}, {"postcode": "fout", "name": "Ok"}],
)
def test_reading_is_tolerant_and_never_logs_the_value(
    casebook: Casebook, stored: object, caplog
) -> None:
    store_raw(casebook, "gemeente", stored)
    with caplog.at_level(logging.WARNING):
        value = casebook.get_setting("gemeente", {})
    assert value == ({"name": "Ok"} if isinstance(stored, dict) and "postcode" in stored else {})
    assert "fout" not in caplog.text and "genest" not in caplog.text
    if stored is not None:
        assert "gemeente" in caplog.text
    export_document(casebook)  # and an export still works


def test_the_klantmanager_name_moves_out_of_the_gemeente_setting(tmp_path: Path) -> None:
    """A casebook of the first release (schema 1, the demo's gemeente setting holds the
    klantmanager's name): the migrations make the name a device setting of its own,
    kept on this laptop only."""
    import os
    import shutil

    target = tmp_path / "oud"
    shutil.copytree(Path(__file__).parent.parent / "data" / "casebook-v1", target)
    os.chmod(target, 0o700)
    cb = Casebook.open(target, "voorbeeld wachtwoordzin 2026")
    try:
        assert "klantmanager" not in (cb.get_setting("gemeente") or {})
        assert cb.get_setting("klantmanager") == {"name": "Sanne de Vries"}
        with cb.reading() as conn:
            shared = [r[0] for r in conn.execute("SELECT id FROM settings")]
        assert "klantmanager" not in shared  # a device setting never travels
    finally:
        cb.close()


def test_letters_take_the_klantmanager_from_the_device_setting(demo_casebook: Casebook) -> None:
    from klantapp.letters import letter_data

    demo_casebook.set_setting("klantmanager", {"name": "Fatma Yılmaz"})
    with demo_casebook.reading() as conn:
        (appointment,) = conn.execute("SELECT id FROM appointments LIMIT 1").fetchone()
    data = letter_data(demo_casebook, appointment)
    assert data.klantmanager == "Fatma Yılmaz"  # who signs the letter


def test_a_first_release_casebook_gets_the_split_too(tmp_path: Path) -> None:
    """tests/data/casebook-v1 (made by the first release) holds the demo gemeente with
    the klantmanager's name inside it."""
    import shutil

    sample = Path(__file__).parent.parent / "data" / "casebook-v1"
    target = tmp_path / "oud"
    shutil.copytree(sample, target)
    cb = Casebook.open(target, "voorbeeld wachtwoordzin 2026", writable=False)
    try:
        assert cb.get_setting("klantmanager") == {"name": "Sanne de Vries"}
        assert "klantmanager" not in cb.get_setting("gemeente")
        assert cb.get_setting("gemeente")["name"] == "Gemeente Heuveldal"
    finally:
        cb.close()
