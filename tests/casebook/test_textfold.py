"""Folding for search: the ASCII shortcut gives what the full folding gives."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from klantapp.casebook.textfold import _ARABIC_VARIANTS, fold


def folded_the_long_way(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.translate(_ARABIC_VARIANTS).casefold()


@given(st.text(alphabet=string.printable) | st.text())
def test_every_text_folds_as_the_full_rule_says(text: str) -> None:
    assert fold(text) == folded_the_long_way(text)


def test_examples() -> None:
    assert fold("Müller") == fold("MULLER") == "muller"
    assert fold("Yılmaz") == "yilmaz"
    assert fold("BSN 123456782") == "bsn 123456782"
