"""Messages made by the core follow the interface language; every msgid has English.

The source text is Dutch; with the language switched to English, validation problems,
deadline items, the timeline and vault errors come out in English. The Dutch wording
itself is checked by the other tests (the default language is Dutch).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from klantapp import i18n
from klantapp.casebook import Casebook, queries, services
from klantapp.domain.deadlines import RULES, due_for_household
from klantapp.domain.validate import InvalidValue, check_bsn, validate_record
from klantapp.errors import InvalidInput, Problem, WrongPassphrase
from klantapp.vault import KdfParams

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
PASSPHRASE = "een lange test wachtwoordzin"

# The core: everything under klantapp/ (the command line too: its messages follow
# KLANTAPP_LANG) except the letters, which have their own catalogs.
_NOT_CORE = ("klantapp/letters/",)


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(before)


# --- messages in English ----------------------------------------------------------------


def test_validation_problems_in_english(english: None) -> None:
    _values, problems = validate_record(
        "persons", {"household_id": "hh-1", "role": "aanvrager", "bsn": "123456788"}
    )
    messages = {p.field: p.message for p in problems}
    assert messages == {
        "bsn": "This BSN is not right: it fails the elfproef (eleven test). Check the digits.",
        "family_name": "Family name is required. Please fill it in.",
    }


def test_choice_labels_in_a_problem_are_translated(english: None) -> None:
    _values, problems = validate_record(
        "pips", {"status": "vastgesteld"}, partial=True, current={"status": "concept"}
    )
    assert [p.message for p in problems] == [
        "Date of issue (adopted on) is required when the status is 'Adopted'. "
        "Fill in the date of the decision (beschikking)."
    ]


def test_a_primitive_check_speaks_english(english: None) -> None:
    with pytest.raises(InvalidValue) as err:
        check_bsn("12345")
    assert err.value.message == "This BSN has 5 digits, but a BSN has 9. Check the digits."


def test_invalid_input_summary_counts_in_english(english: None) -> None:
    one = InvalidInput([Problem("", "bsn", "x")])
    two = InvalidInput([Problem("", "bsn", "x"), Problem("", "role", "y")])
    assert one.message == "The input is not right; nothing was saved."
    assert two.message == "The input is not right in 2 places; nothing was saved."


def test_invalid_input_summary_stays_dutch_by_default() -> None:
    assert i18n.current_language() == "nl"
    one = InvalidInput([Problem("", "bsn", "x")])
    three = InvalidInput([Problem("", "a", "x"), Problem("", "b", "y"), Problem("", "c", "z")])
    assert one.message == "De invoer klopt niet; er is niets opgeslagen."
    assert three.message == "De invoer klopt niet op 3 plaatsen; er is niets opgeslagen."


def test_deadline_item_in_english(english: None) -> None:
    household = {"id": "hh-1", "name": "Familie Haile", "inschrijving_date": "2026-10-01"}
    person = {
        "id": "p-1",
        "household_id": "hh-1",
        "role": "aanvrager",
        "family_name": "Haile",
        "given_names": "Selam",
        "birth_date": "1990",
        "regime": "wi2021",
        "doelgroep": "asiel",
        "plicht_status": "plichtig",
    }
    items = due_for_household(household, [person], [], [], date(2026, 12, 1), horizon_days=30)
    [item] = [i for i in items if i.rule == "pip_vaststellen"]
    assert item.title == "Adopt the PIP (10 weeks after registration)"
    assert item.detail == (
        "Selam Haile: the PIP must be adopted by 10 December 2026 at the latest "
        "(10 weeks after registration in the gemeente on 1 October 2026)."
    )
    assert RULES["pip_vaststellen"] == (
        "Adopt the PIP within 10 weeks of registration or of the start of the obligation"
    )


def test_rule_descriptions_follow_the_language_when_read() -> None:
    assert RULES["termijn_einde"] == "Einde inburgeringstermijn"
    i18n.set_language("en")
    try:
        assert RULES["termijn_einde"] == "End of the integration termijn"
    finally:
        i18n.set_language("nl")


def test_timeline_in_english(casebook: Casebook) -> None:
    hid = services.add_record(casebook, "households", {"name": "Familie Haile", "status": "azc"})
    services.update_record(casebook, "households", hid, {"name": "Familie Haile-Tesfay"})
    assert [e["what"] for e in queries.timeline(casebook, hid)] == [
        "Huishouden gewijzigd: Naam huishouden",
        "Huishouden toegevoegd",
    ]
    i18n.set_language("en")
    try:
        whats = [e["what"] for e in queries.timeline(casebook, hid)]
    finally:
        i18n.set_language("nl")
    assert whats == ["Household changed: Household name", "Household added"]


def test_wrong_passphrase_in_english(casebook_path: Path, english: None) -> None:
    cb, _secret = Casebook.create(casebook_path, PASSPHRASE, kdf=KdfParams.for_tests())
    cb.close()
    with pytest.raises(WrongPassphrase) as err:
        Casebook.open(casebook_path, "een andere lange wachtwoordzin")
    assert err.value.message == "The passphrase is not correct."
    assert err.value.hint is not None and err.value.hint.startswith("Check capital letters")


# --- every core msgid has English -------------------------------------------------------


def _core_files() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "klantapp").rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(_NOT_CORE)
    ]


def _calls(name: str) -> Iterator[tuple[Path, ast.Call]]:
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
                and node.args
            ):
                yield path, node


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _core_msgids() -> tuple[set[str], set[tuple[str, str]]]:
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for name in ("_", "N_"):
        for _path, call in _calls(name):
            text = _constant(call.args[0])
            if text is not None:
                singles.add(text)
    for path, call in _calls("ngettext"):
        one, many = _constant(call.args[0]), _constant(call.args[1])
        assert one is not None and many is not None, f"{path}: ngettext without literal texts"
        plurals.add((one, many))
    return singles, plurals


def _english() -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    with (ROOT / "translations" / "klantapp" / "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    return {m.id: m.string for m in catalog if m.id}


def _names(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_core_has_many_msgids() -> None:
    singles, plurals = _core_msgids()
    assert len(singles) > 150  # validation, deadlines, casebook, vault
    assert plurals


def test_every_core_msgid_has_english_with_the_same_placeholders() -> None:
    english = _english()
    singles, plurals = _core_msgids()
    problems: list[str] = []
    for msgid in sorted(singles):
        msgstr = english.get(msgid)
        if not isinstance(msgstr, str) or not msgstr.strip():
            problems.append(f"no English: {msgid!r}")
        elif _names(msgid) != _names(msgstr):
            problems.append(f"placeholders differ: {msgid!r}")
    for one, many in sorted(plurals):
        forms = english.get((one, many))
        if not isinstance(forms, tuple) or not all(f.strip() for f in forms):
            problems.append(f"no English plural: {one!r}")
            continue
        if _names(many) != _names(forms[-1]):
            problems.append(f"placeholders differ: {many!r}")
    assert not problems, "\n".join(problems)


def test_core_msgids_use_named_placeholders_and_no_fstrings() -> None:
    singles, plurals = _core_msgids()
    for text in singles | {t for pair in plurals for t in pair}:
        assert "" not in PLACEHOLDER.findall(text), f"unnamed placeholder in {text!r}"
    for name in ("_", "N_", "ngettext"):
        for path, call in _calls(name):
            assert not isinstance(call.args[0], ast.JoinedStr), (
                f"{path.relative_to(ROOT)}:{call.lineno}: f-string inside {name}()"
            )
