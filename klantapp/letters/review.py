"""Who checked the translation of a letter language, and when.

Two sources, both recorded with a name and a date:

* the catalog itself: header fields ``X-Translation-Reviewed: yes|no``,
  ``X-Reviewed-By`` and ``X-Reviewed-Date`` in ``translations/letters/<lang>.po``, set
  by a qualified translator who checked every entry;
* the gemeente: the casebook setting ``gemeente`` may hold ``reviewed_languages``,
  ``{lang: {"by": name, "date": "YYYY-MM-DD", "catalog": fingerprint}}``, set in the
  client's settings when the gemeente had a language checked. The fingerprint ties the
  mark to the catalog's wording: a new version of the texts needs a new check.

Until one of them says so a language is "niet nagekeken", and printing it warns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from klantapp.paths import translations_dir

DOMAIN = "letters"


def catalog_headers(lang: str) -> dict[str, str]:
    """The header fields of ``translations/letters/<lang>.po`` (empty when missing).

    Read from the file itself: babel keeps only the standard fields, and the review
    fields are custom ones.
    """
    path = translations_dir() / DOMAIN / f"{lang}.po"
    if not path.is_file():
        return {}
    text: list[str] = []
    in_header = False
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not in_header:
                if line == 'msgstr ""':
                    in_header = True
                continue
            if not line.startswith('"'):
                break
            text.append(line[1:-1].replace('\\"', '"').replace("\\n", "\n"))
    headers: dict[str, str] = {}
    for entry in "".join(text).split("\n"):
        key, sep, value = entry.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


@lru_cache(maxsize=64)
def catalog_reviewed(lang: str) -> bool:
    """Whether a qualified translator reviewed the letter catalog of ``lang``.

    Dutch, the source, counts as reviewed; a missing catalog or header counts as not
    reviewed.
    """
    if lang == "nl":
        return True
    value = catalog_headers(lang).get("x-translation-reviewed", "")
    return value.lower() in ("yes", "ja", "true", "1")


@lru_cache(maxsize=64)
def catalog_fingerprint(lang: str) -> str:
    """A short fingerprint of the catalog's entries (not its header): changes when any
    translated text changes."""
    path = translations_dir() / DOMAIN / f"{lang}.po"
    if not path.is_file():
        return ""
    body = path.read_text(encoding="utf-8")
    # the entries start after the header block (the first empty line)
    _, _, entries = body.partition("\n\n")
    return hashlib.sha256(entries.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Review:
    reviewed: bool
    by: str = ""
    on: str = ""  # YYYY-MM-DD
    source: str = ""  # "catalog", "gemeente" or "" (not reviewed)


def gemeente_reviews(gemeente: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """The ``reviewed_languages`` of the gemeente setting, read tolerantly."""
    raw = (gemeente or {}).get("reviewed_languages")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, dict[str, str]] = {}
    for lang, mark in raw.items():
        if isinstance(lang, str) and isinstance(mark, dict):
            out[lang] = {k: str(v) for k, v in mark.items() if isinstance(v, str | int)}
    return out


def review_of(lang: str, gemeente: Mapping[str, Any] | None = None) -> Review:
    """The review state of a letter language: the catalog's, else the gemeente's mark
    (only while the catalog still has the wording that was checked)."""
    if lang == "nl":
        return Review(True, source="catalog")
    if catalog_reviewed(lang):
        headers = catalog_headers(lang)
        return Review(
            True,
            by=headers.get("x-reviewed-by", ""),
            on=headers.get("x-reviewed-date", ""),
            source="catalog",
        )
    mark = gemeente_reviews(gemeente).get(lang)
    if mark and mark.get("by") and mark.get("catalog") == catalog_fingerprint(lang):
        return Review(True, by=mark["by"], on=mark.get("date", ""), source="gemeente")
    return Review(False)


def mark_reviewed(
    gemeente: Mapping[str, Any], lang: str, by: str, on: date | None = None
) -> dict[str, Any]:
    """A copy of the gemeente setting with ``lang`` marked as reviewed by ``by``."""
    reviews = gemeente_reviews(gemeente)
    reviews[lang] = {
        "by": by.strip(),
        "date": (on or date.today()).isoformat(),
        "catalog": catalog_fingerprint(lang),
    }
    return {**gemeente, "reviewed_languages": reviews}


def unmark_reviewed(gemeente: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A copy of the gemeente setting without the gemeente's review mark for ``lang``."""
    reviews = gemeente_reviews(gemeente)
    reviews.pop(lang, None)
    return {**gemeente, "reviewed_languages": reviews}


def letter_languages(
    gemeente: Mapping[str, Any] | None = None,
) -> list[tuple[str, str, bool]]:
    """(code, name in its own language, reviewed) for every letter language."""
    from klantapp.letters.texts import LANGUAGE_TABLE

    return [(code, name, review_of(code, gemeente).reviewed) for code, name, *_ in LANGUAGE_TABLE]
