"""A tagged PDF: language, reading order and the real text of every shaped run.

HarfBuzz gives glyphs in visual order, and many have no code point of their own (Arabic
contextual forms, the lam-alef ligature): copied or read aloud they come out as
presentation forms in the wrong order, "لا" is lost and a Persian ۴ disappears. So:

* every line drawn is a marked-content sequence ``/P <</MCID n /Lang (..)>> BDC`` with
  one structure element (``/P``) in the document's structure tree, in drawing order
  (the reading order of the letter); a line with right-to-left runs gets the line in
  logical order as ``/ActualText``: what a screen reader reads, where the glyphs of
  right-to-left text stand in visual order;
* every glyph maps back to the characters it stands for (the ToUnicode map, see
  :mod:`klantapp.letters.shaping`), so copy-paste and pdftotext get the real words.
  (ActualText on the marked content itself would do the same for Acrobat, but poppler
  then puts right-to-left text in reverse, so the glyphs carry the text instead.)
* pictograms, rules and the QR code are ``/Artifact``s (decoration, not read aloud);
* the catalog says ``/Lang (nl-NL)``, ``/MarkInfo <</Marked true>>`` and has the
  ``/StructTreeRoot`` with a ``/ParentTree`` from each page back to its elements.

reportlab writes none of this itself; :class:`TaggedCanvas` adds it through its hooks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

# Unicode controls that steer the layout but are no text of their own.
_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f\u061c"))


def pdf_text_string(text: str) -> bytes:
    """A PDF text string in UTF-16BE with byte-order mark, hex-encoded: any script."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def plain(text: str) -> str:
    """The text without bidi controls; no-break spaces as plain spaces."""
    return text.translate(_CONTROLS).replace("\u00a0", " ")


class TaggedCanvas(Canvas):  # type: ignore[misc]
    """A reportlab canvas that records a structure tree while drawing."""

    def __init__(self, *args: Any, lang: str = "nl-NL", **kwargs: Any) -> None:
        super().__init__(*args, lang=lang, **kwargs)
        self._elements: list[list[tuple[int, str, str]]] = [[]]  # per page: mcid, lang, text
        self._doc_lang = lang

    @contextlib.contextmanager
    def tagged_line(self, lang: str = "", text: str = "") -> Iterator[None]:
        """One line of text: a ``/P`` structure element with its own marked content;
        ``text`` is the line in logical order."""
        page = self._elements[-1]
        mcid = len(page)
        page.append((mcid, lang, plain(text)))
        props = f"/MCID {mcid}" + (f" /Lang ({lang})" if lang else "")
        self._code.append(f"/P <<{props}>> BDC")
        try:
            yield
        finally:
            self._code.append("EMC")

    @contextlib.contextmanager
    def artifact(self) -> Iterator[None]:
        self._code.append("/Artifact BMC")
        try:
            yield
        finally:
            self._code.append("EMC")

    # reportlab calls this for every page it finishes: a good place for the page's keys.
    def _setAnnotations(self, page: Any) -> None:
        super()._setAnnotations(page)
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = len(self._elements) - 1
        page.Tabs = "/S"
        self._elements.append([])

    def save(self) -> None:
        self._build_structure()
        super().save()

    def _build_structure(self) -> None:
        doc = self._doc
        pages = self._elements[:-1] if not self._elements[-1] else self._elements
        root = PDFDictionary({"Type": "/StructTreeRoot"})
        root_ref = doc.Reference(root, "KlantappStructTreeRoot")
        document = PDFDictionary({"Type": "/StructElem", "S": "/Document", "P": root_ref})
        document_ref = doc.Reference(document, "KlantappStructDocument")
        kids: list[PDFObjectReference] = []
        nums: list[Any] = []
        for index, elements in enumerate(pages):
            page_ref = PDFObjectReference(f"Page{index + 1}")
            refs: list[PDFObjectReference] = []
            for mcid, lang, text in elements:
                # values as ready PDF bytes: reportlab formats thousands of these
                entry: dict[str, Any] = {
                    "Type": b"/StructElem",
                    "S": b"/P",
                    "P": document_ref,
                    "Pg": page_ref,
                    "K": str(mcid).encode("ascii"),
                }
                if lang:
                    entry["Lang"] = f"({lang})".encode("ascii")
                if text:
                    entry["ActualText"] = pdf_text_string(text)
                refs.append(doc.Reference(PDFDictionary(entry), f"KlantappSE{index}_{mcid}"))
            kids += refs
            nums += [index, PDFArray(refs)]
        document.dict["K"] = PDFArray(kids)
        document.dict["Lang"] = f"({self._doc_lang})"
        root.dict["K"] = PDFArray([document_ref])
        root.dict["ParentTree"] = PDFDictionary({"Nums": PDFArray(nums)})
        root.dict["ParentTreeNextKey"] = len(pages)
        catalog = doc.Catalog
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = PDFDictionary({"Marked": b"true"})
