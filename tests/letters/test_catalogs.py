"""Letter catalogs: complete, placeholders intact, review status recorded."""

from __future__ import annotations

import string

import pytest
from babel.messages.pofile import read_po

from klantapp.letters import letter_languages
from klantapp.letters.review import catalog_headers, catalog_reviewed
from klantapp.letters.texts import ALL_MESSAGES, DOMAIN, LETTER_LANGUAGES
from klantapp.paths import translations_dir

TRANSLATED = [code for code in LETTER_LANGUAGES if code != "nl"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_fourteen_languages_of_the_issue() -> None:
    assert set(TRANSLATED) == {
        "en", "ar", "ti", "fa", "prs", "ps", "so", "tr", "kmr", "ckb", "am", "uk", "ru", "fr",
    }  # fmt: skip


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_complete_with_same_placeholders(lang: str) -> None:
    path = translations_dir() / DOMAIN / f"{lang}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    by_id = {m.id: m.string for m in catalog if m.id}
    for msg in ALL_MESSAGES:
        assert by_id.get(msg), f"{lang}: missing {msg!r}"
        assert _fields(by_id[msg]) == _fields(msg), (lang, msg)
    assert catalog_headers(lang).get("x-translation-reviewed") in ("yes", "no")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_our_drafts_are_marked_not_reviewed(lang: str) -> None:
    assert catalog_reviewed(lang) is False


def test_letter_languages_lists_own_names_and_review_state() -> None:
    rows = letter_languages()
    assert rows[0] == ("nl", "Nederlands", True)
    names = dict((code, name) for code, name, _ in rows)
    assert names["ar"] == "العربية"
    assert names["ti"] == "ትግርኛ"
    assert names["tr"] == "Türkçe"
    assert len(rows) == 15


def test_a_reviewed_catalog_is_recognised(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / DOMAIN
    folder.mkdir()
    source = (translations_dir() / DOMAIN / "tr.po").read_text(encoding="utf-8")
    reviewed = source.replace('"X-Translation-Reviewed: no\\n"', '"X-Translation-Reviewed: yes\\n"')
    assert reviewed != source
    (folder / "tr.po").write_text(reviewed, encoding="utf-8")
    monkeypatch.setenv("KLANTAPP_TRANSLATIONS", str(tmp_path))
    catalog_reviewed.cache_clear()
    try:
        assert catalog_reviewed("tr") is True
        assert catalog_reviewed("ar") is False  # no catalog there at all
    finally:
        catalog_reviewed.cache_clear()
