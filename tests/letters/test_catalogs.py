"""Letter catalogs: complete, placeholders intact, review status recorded."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalog_records_who_reviewed_it_and_when(lang: str) -> None:
    headers = catalog_headers(lang)
    assert "x-reviewed-by" in headers and "x-reviewed-date" in headers
    # honest: nobody qualified has checked our drafts yet
    assert headers["x-translation-reviewed"] == "no" and headers["x-reviewed-by"] == ""


def test_the_gemeente_can_mark_a_language_reviewed() -> None:
    from datetime import date

    from klantapp.letters.review import mark_reviewed, review_of, unmark_reviewed

    gemeente = {"name": "Gemeente Heuveldal", "phone": "0548-123456"}
    assert not review_of("ti", gemeente).reviewed
    marked = mark_reviewed(gemeente, "ti", "A. Tesfay (beëdigd vertaler)", date(2026, 11, 30))
    review = review_of("ti", marked)
    assert review.reviewed and review.source == "gemeente"
    assert (review.by, review.on) == ("A. Tesfay (beëdigd vertaler)", "2026-11-30")
    assert marked["name"] == "Gemeente Heuveldal"  # the rest of the setting stays
    assert not review_of("ar", marked).reviewed
    rows = {code: ok for code, _, ok in letter_languages(marked)}
    assert rows["ti"] and not rows["ar"]
    assert not review_of("ti", unmark_reviewed(marked, "ti")).reviewed


def test_a_gemeente_mark_lapses_when_the_wording_changes() -> None:
    from klantapp.letters.review import mark_reviewed, review_of

    marked = mark_reviewed({}, "so", "H. Warsame")
    marked["reviewed_languages"]["so"]["catalog"] = "0" * 16  # checked an older text
    assert not review_of("so", marked).reviewed


def _catalog(lang: str) -> dict[object, str]:
    with (translations_dir() / DOMAIN / f"{lang}.po").open("rb") as fh:
        catalog = read_po(fh)
    return {(m.context, m.id): m.string for m in catalog if m.id}


def test_the_reviewers_findings_are_fixed() -> None:
    english = " ".join(_catalog("en").values())
    assert "Do you not come" not in english and "Can you not come" not in english
    sorani = _catalog("ckb")
    # formal "you" (ئێوە, -تان), not the informal تۆ / -ت forms
    assert not any(
        re.search(r"(^|\s)تۆ(\s|$)|ەکەت(\s|[.،؟]|$)|دەکەیت|بکە\.", s) for s in sorani.values()
    )
    amharic = " ".join(_catalog("am").values())
    assert "ሰዓት ሰዓት" not in amharic and "ከሰዓት ሰዓት" not in amharic
    assert (
        "за номером {phone}"
        in _catalog("uk")[(None, "Kunt u niet komen? Bel dan {phone}. Doe dit vóór de afspraak.")]
    )
    assert (
        "с помощью телефона"
        in _catalog("ru")[
            (None, "Scan de code met uw telefoon. Dan staat de afspraak in uw agenda.")
        ]
    )


@pytest.mark.parametrize("lang", ["ar", "ti", "ps"])
def test_gendered_catalogs_have_forms_for_women_and_men(lang: str) -> None:
    catalog = _catalog(lang)
    dear = "Beste {name},"
    assert catalog[("vrouw", dear)] != catalog[("man", dear)]
    assert "/" not in catalog[(None, dear)]  # neutral wording, not "عزيزي/عزيزتي"
