"""JSON exchange: round trip, all-or-nothing import, and the documented schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from klantapp.casebook import Casebook, queries
from klantapp.casebook.jsonio import export_document, import_document, json_schema
from klantapp.errors import InvalidInput
from klantapp.vault import KdfParams

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "casebook.schema.json"


def _fresh(tmp_path: Path, name: str) -> Casebook:
    cb, _ = Casebook.create(
        tmp_path / name, "een lange test wachtwoordzin", kdf=KdfParams.for_tests()
    )
    return cb


def test_export_import_export_gives_the_same_document(
    demo_casebook: Casebook, tmp_path: Path
) -> None:
    first = export_document(demo_casebook)
    target = _fresh(tmp_path, "nieuw")
    try:
        counts = import_document(target, copy.deepcopy(first))
        assert counts["persons"] == 17
        assert counts["handhaving"] == 5
        assert counts["trajectmodules"] == 5
        assert counts["exam_attempts"] == 3
        assert export_document(target) == first
    finally:
        target.close()


def test_export_matches_the_published_schema(demo_casebook: Casebook) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(export_document(demo_casebook), schema)


def test_published_schema_is_up_to_date() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "run: python scripts/gen_json_schema.py"
    )


def test_one_bad_record_means_nothing_is_imported_and_every_problem_is_listed(
    demo_casebook: Casebook, tmp_path: Path
) -> None:
    doc = export_document(demo_casebook)
    doc["households"][0]["persons"][0]["bsn"] = "111111111"  # fails the elfproef
    doc["households"][1]["status"] = "onbekend"
    doc["households"][2]["appointments"] = [
        {"id": "a-x", "kind": "pip", "outcome": "gepland", "location": "x"}
    ]
    doc["partners"][0]["email"] = "geen-adres"
    target = _fresh(tmp_path, "leeg")
    try:
        with pytest.raises(InvalidInput) as err:
            import_document(target, doc)
        found = {(p.record, p.field) for p in err.value.problems}
        assert ("households[0].persons[0]", "bsn") in found
        assert ("households[1]", "status") in found
        assert ("households[2].appointments[0]", "starts_at") in found
        assert ("partners[0]", "email") in found
        assert queries.count_households(target) == 0
        assert queries.all_records(target, "partners") == []
    finally:
        target.close()


def test_duplicate_and_existing_ids_are_refused(demo_casebook: Casebook) -> None:
    doc = export_document(demo_casebook)
    with pytest.raises(InvalidInput) as err:
        import_document(demo_casebook, doc)  # everything exists already
    assert all(p.field in ("id",) for p in err.value.problems)
    assert len(err.value.problems) >= len(doc["households"])


def test_references_must_resolve(tmp_path: Path) -> None:
    doc = {
        "format": "klantapp-casebook",
        "format_version": 1,
        "households": [
            {
                "id": "h1",
                "name": "X",
                "status": "azc",
                "referrals": [
                    {
                        "id": "r1",
                        "partner_id": "p-missing",
                        "date": "2026-01-01",
                        "status": "aangemeld",
                    }
                ],
            }
        ],
    }
    target = _fresh(tmp_path, "refs")
    try:
        with pytest.raises(InvalidInput) as err:
            import_document(target, doc)
        assert [(p.record, p.field) for p in err.value.problems] == [
            ("households[0].referrals[0]", "partner_id")
        ]
    finally:
        target.close()


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ([], "(document)"),
        ({"format": "iets anders", "format_version": 1}, "format"),
        ({"format": "klantapp-casebook", "format_version": 99}, "format_version"),
        ({"format": "klantapp-casebook", "format_version": 1, "extra": 1}, "extra"),
        ({"format": "klantapp-casebook", "format_version": 1, "households": {}}, "households"),
    ],
)
def test_malformed_documents_are_refused_clearly(
    casebook: Casebook, doc: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        import_document(casebook, doc)
    assert field in {p.field for p in err.value.problems}


def test_a_reference_into_another_household_of_the_same_document_is_refused(tmp_path: Path) -> None:
    doc = {
        "format": "klantapp-casebook",
        "format_version": 1,
        "households": [
            {
                "id": "h1",
                "name": "A",
                "status": "azc",
                "persons": [{"id": "p1", "role": "aanvrager", "family_name": "A"}],
            },
            {
                "id": "h2",
                "name": "B",
                "status": "azc",
                "notes": [
                    {"id": "n1", "person_id": "p1", "created_at": "2026-01-01T10:00", "text": "x"}
                ],
            },
        ],
    }
    target = _fresh(tmp_path, "cross")
    try:
        with pytest.raises(InvalidInput) as err:
            import_document(target, doc)
        assert [(p.record, p.field) for p in err.value.problems] == [
            ("households[1].notes[0]", "person_id")
        ]
    finally:
        target.close()
