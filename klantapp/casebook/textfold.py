"""Folding text for search: the same function indexes and queries.

Case, Latin diacritics ("Müller" finds "Muller") and Arabic vowel marks are ignored;
Arabic-script letter variants that people type interchangeably (alef with hamza,
Persian keh/yeh, ta marbuta, tatweel) are unified. Names themselves are stored exactly
as typed; only the search index holds folded text.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import unicodedata

_ARABIC_VARIANTS = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> yeh
        "\u06a9": "\u0643",  # Persian keh -> kaf
        "\u0629": "\u0647",  # ta marbuta -> heh
        "\u0640": None,  # tatweel (kashida)
        "\u200c": " ",  # zero-width non-joiner (Persian) separates like a space
        # Latin letters with no Unicode decomposition that people type without the mark
        "\u0131": "i",  # Turkish dotless i (Yılmaz -> yilmaz)
        "\u00f8": "o",  # ø
        "\u00d8": "o",  # Ø
        "\u0142": "l",  # ł
        "\u0141": "l",  # Ł
        "\u0111": "d",  # đ
        "\u0110": "d",  # Đ
        "\u00e6": "ae",  # æ
        "\u00c6": "ae",  # Æ
    }
)

# Words as the index's unicode61 tokenizer splits them: an underscore (\w in Python)
# separates words there, and a phrase of two tokens is an error on a detail=none index.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: object) -> str:
    """Fold ``text`` for the search index (``None`` becomes the empty string)."""
    if text is None:
        return ""
    s = str(text)
    if s.isascii():  # most of what is indexed: nothing to decompose, strip or unify
        return s.casefold()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = s.translate(_ARABIC_VARIANTS)
    return s.casefold()


def fts_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed: every word, as a prefix.

    Returns ``None`` when there is nothing to search for. User input never reaches
    FTS5 syntax unquoted, so quotes, AND/OR/NEAR and stars in it are just text.
    """
    tokens = fts_words(user_text)
    if not tokens:
        return None
    return " ".join(prefix_phrase(t) for t in tokens)


def fts_words(user_text: str) -> list[str]:
    """The folded words of what a user typed, as :func:`fts_query` searches them: split
    exactly where the index's tokenizer splits, so that no word becomes a phrase."""
    folded = fold(user_text)
    if folded.isascii():
        return _TOKEN.findall(folded)
    # SQLite's Unicode tables are not Python's (older for some letters, and it keeps
    # unassigned code points in words): outside ASCII, SQLite decides.
    return "".join(
        ch if (ch.isalnum() if ch.isascii() else _token_char(ch)) else " " for ch in folded
    ).split()


_PROBE_LOCK = threading.Lock()
_PROBE: sqlite3.Connection | None = None


@functools.cache
def _token_char(ch: str) -> bool:
    """Whether SQLite's unicode61 tokenizer (the index's, same options) keeps ``ch``
    inside a word: asked of SQLite itself, once per character."""
    global _PROBE
    with _PROBE_LOCK:
        if _PROBE is None:
            _PROBE = sqlite3.connect(":memory:", check_same_thread=False)
            _PROBE.execute(
                "CREATE VIRTUAL TABLE probe USING fts5(t, "
                "tokenize='unicode61 remove_diacritics 2', detail=none)"
            )
            _PROBE.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'row')")
        _PROBE.execute("DELETE FROM probe")
        _PROBE.execute("INSERT INTO probe (t) VALUES (?)", (f"a{ch}b",))
        (terms,) = _PROBE.execute("SELECT count(*) FROM probe_terms").fetchone()
    return bool(terms == 1)


def prefix_phrase(word: str) -> str:
    """FTS5 syntax for "a word starting with ``word``"."""
    return '"' + word.replace('"', '""') + '"*'


def exact_phrase(word: str) -> str:
    """FTS5 syntax for "exactly the word ``word``"."""
    return '"' + word.replace('"', '""') + '"'
