"""UI strings: every Dutch source string has an English translation; switching works live."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from klantapp import i18n
from klantapp.domain.records import RECORD_KINDS
from ui import i18n as ui_i18n

from .conftest import unlock

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _ui_calls(name: str) -> list[ast.Call]:
    calls = []
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
            ):
                calls.append(node)
    return calls


def _ui_strings() -> set[str]:
    return {
        node.args[0].value
        for node in _ui_calls("_")
        if node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _ui_plurals() -> set[tuple[str, str]]:
    found = set()
    for node in _ui_calls("ngettext"):
        one, many = node.args[0], node.args[1]
        assert isinstance(one, ast.Constant) and isinstance(many, ast.Constant), (
            "ngettext needs literal texts"
        )
        found.add((one.value, many.value))
    return found


def test_every_ui_plural_has_english_forms():
    with (ROOT / "translations" / "klantapp" / "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    plurals = {m.id: m.string for m in catalog if isinstance(m.id, tuple)}
    missing = sorted(one for one, many in _ui_plurals() if not all(plurals.get((one, many)) or ()))
    assert not missing, missing


def _catalog() -> dict[str, str]:
    with (ROOT / "translations" / "klantapp" / "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    return {m.id: m.string for m in catalog if m.id}


def test_every_ui_string_and_field_label_has_an_english_translation():
    catalog = _catalog()
    wanted = _ui_strings()
    for rk in RECORD_KINDS.values():
        wanted |= {rk.label, rk.label_plural, *(f.label for f in rk.fields)}
        for f in rk.fields:
            wanted |= {label for _v, label in f.choices}
    missing = sorted(s for s in wanted if not catalog.get(s))
    assert not missing, f"{len(missing)} strings without English: {missing[:10]}"


def _pairs() -> list[tuple[str, str]]:
    """(source, translation) for every form; a plural entry (ngettext) gives one pair per
    form, the first form against the singular and the others against the plural."""
    with (ROOT / "translations" / "klantapp" / "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    pairs: list[tuple[str, str]] = []
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, str):
            pairs.append((m.id, m.string))
        else:
            pairs += [(m.id[min(i, 1)], form) for i, form in enumerate(m.string)]
    return pairs


def test_placeholders_survive_translation():
    for msgid, msgstr in _pairs():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_languages_named_in_their_own_language():
    assert dict(ui_i18n.ui_languages()) == {"nl": "Nederlands", "en": "English"}


def test_switch_to_english_in_settings_rebuilds_the_window(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    ws = window.workspace
    ws.go("settings")
    combo = ws.settings_screen.language
    combo.setCurrentIndex(combo.findData("en"))
    qtbot.waitUntil(lambda: window.workspace is not None and window.workspace is not ws)
    assert i18n.current_language() == "en"
    assert window.settings.language == "en"
    new = window.workspace
    assert new.current_screen() is new.settings_screen  # the user stays where they were
    assert [new.nav.item(i).text() for i in range(new.nav.count())][:2] == ["Today", "Households"]
    assert ui_i18n._qt_translators  # Qt's own dialogs follow (qtbase_en.qm)
    assert window.unlock_page.unlock_button.text() == "Unlock"


def test_qt_file_dialog_is_dutch(qtbot):
    from PySide6.QtWidgets import QFileDialog, QLabel

    ui_i18n.apply_language("nl")
    dialog = QFileDialog(None, "x")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Zoeken in:", "Bestands&type:"} <= texts, texts
    assert not texts & {"&Look in:", "Files of &type:"}
    # the texts it does not know are left to Qt's own catalog (a key name stays whole)
    from PySide6.QtGui import QKeySequence

    assert QKeySequence("Ctrl+F").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+F"


def test_language_list_names_dutch_and_own_script():
    assert ui_i18n.language_label("ti") == "Tigrinya — ትግርኛ"
    assert ui_i18n.language_label("nl") == "Nederlands"
    assert ui_i18n.language_name("ti") == "Tigrinya"
