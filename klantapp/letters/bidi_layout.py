"""Lines of mixed-script, mixed-direction text: breaking, bidi runs, fonts, drawing.

The steps, per paragraph:

1. Break into lines in *logical* order, measuring each word with its shaped width.
2. For each line, resolve the Unicode bidi embedding levels (python-bidi, rules X1-I2
   with the paragraph direction given, not guessed) and cut the line into runs of one
   level and one font (a script's font; neutrals take their neighbour's font).
3. Order the runs visually (rule L2, on runs instead of characters: within a
   right-to-left run HarfBuzz already puts the glyphs in visual order).
4. Draw the runs left to right; right-to-left paragraphs are right-aligned.

Values that must keep their own left-to-right order inside right-to-left text (street
names with house numbers, postcodes, times, phone numbers, amounts) are wrapped in
LRE ... PDF by :func:`ltr`; the bidi algorithm then keeps e.g. ``+31 50 123 45 67`` in
one piece instead of reversing its groups.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bidi import algorithm as _uba

from klantapp.letters.fonts import Script, font_name, has_glyph, script_of
from klantapp.letters.shaping import ShapedRun, shape_run

LRE = "\u202a"
RLE = "\u202b"
PDF = "\u202c"
LRO = "\u202d"
RLO = "\u202e"
_EMBEDDINGS = frozenset({LRE, RLE, LRO, RLO})
# Characters that steer the bidi algorithm but are never drawn.
_INVISIBLE = frozenset({LRE, RLE, PDF, LRO, RLO, "\u200e", "\u200f", "\u061c"})
_STRONG_RTL = frozenset({"R", "AL"})
ZWNJ = "\u200c"
ZWJ = "\u200d"
_JOINERS = frozenset({ZWNJ, ZWJ})


def ltr(value: str) -> str:
    """Mark ``value`` as one left-to-right unit (safe in left-to-right text too)."""
    return f"{LRE}{value}{PDF}" if value else value


def needs_bidi(text: str) -> bool:
    """Holds right-to-left script (or a bidi embedding): to be laid out here."""
    for ch in text:
        cp = ord(ch)
        if (0x0590 <= cp <= 0x08FF or 0xFB1D <= cp <= 0xFEFF) or ch in _EMBEDDINGS:
            return True
    return False


def rtl_first(text: str) -> bool:
    """Right-to-left as a paragraph: its first strong character is (rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _STRONG_RTL:
            return True
        if kind == "L":
            return False
    return False


@dataclass(frozen=True)
class Run:
    """One directional, single-font run of a line, in logical order."""

    text: str
    level: int
    script: Script

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@lru_cache(maxsize=8192)
def bidi_levels(text: str, rtl_base: bool) -> tuple[tuple[str, int], ...]:
    """(character, resolved embedding level) for the visible characters of one line.

    Uses python-bidi's implementation of UAX #9 rules X1-I2 with the paragraph level
    fixed by ``rtl_base`` (0 or 1), then rule L1 for trailing whitespace. Explicit
    embedding characters are removed (rule X9); LRM/RLM/ALM are dropped after use.
    """
    base = 1 if rtl_base else 0
    if not needs_bidi(text) and not rtl_base:
        return tuple((ch, 0) for ch in text if ch not in _INVISIBLE)
    storage: dict[str, Any] = _uba.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = "R" if base else "L"
    _uba.get_embedding_levels(text, storage)
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage, False)
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    chars: list[dict[str, Any]] = storage["chars"]
    out = [(c["ch"], int(c["level"])) for c in chars]
    # L1: whitespace at the end of the line takes the paragraph level.
    i = len(out) - 1
    while i >= 0 and chars[i]["orig"] in ("WS", "BN"):
        out[i] = (out[i][0], base)
        i -= 1
    return tuple((ch, lvl) for ch, lvl in _restore_joiners(text, out, base) if ch not in _INVISIBLE)


def _restore_joiners(text: str, out: list[tuple[str, int]], base: int) -> list[tuple[str, int]]:
    """Put back the joiners that rule X9 removed, with the level of the character before.

    python-bidi drops every character of class BN, and ZWNJ and ZWJ are BN. But they
    decide how Arabic-script letters join (Farsi سه‌شنبه, می‌کنیم): without them HarfBuzz
    joins what must stay apart. UAX #9 (section 5.2, "Retaining BNs and Explicit
    Formatting Characters") allows keeping them at the level of the preceding character.
    """
    if not any(ch in _JOINERS for ch in text):
        return out
    result: list[tuple[str, int]] = []
    k = 0  # index into ``out``: the characters python-bidi kept, in the same order
    for ch in text:
        if k < len(out) and out[k][0] == ch:
            result.append(out[k])
            k += 1
        elif ch in _JOINERS:
            level = result[-1][1] if result else (out[k][1] if k < len(out) else base)
            result.append((ch, level))
    result.extend(out[k:])
    return result


def split_runs(text: str, rtl_base: bool) -> list[Run]:
    """Cut one line into runs of equal bidi level and font, in logical order."""
    levels = bidi_levels(text, rtl_base)
    n = len(levels)
    if n == 0:
        return []
    scripts: list[Script | None] = [script_of(ch) for ch, _ in levels]
    # Neutrals (spaces, digits, punctuation) take the font of the nearest character at
    # the same level, looking back first, if that font has the glyph; else Noto Sans.
    resolved: list[Script] = []
    for i, (ch, lvl) in enumerate(levels):
        s = scripts[i]
        if s is None:
            s = _neighbour_script(levels, scripts, resolved, i, lvl, ch)
        elif not has_glyph(s, ch):
            s = "latin"
        resolved.append(s)
    runs: list[Run] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or levels[i][1] != levels[start][1] or resolved[i] != resolved[start]:
            runs.append(
                Run("".join(ch for ch, _ in levels[start:i]), levels[start][1], resolved[start])
            )
            start = i
    return runs


def _neighbour_script(
    levels: tuple[tuple[str, int], ...],
    scripts: list[Script | None],
    resolved: list[Script],
    i: int,
    lvl: int,
    ch: str,
) -> Script:
    if i > 0 and levels[i - 1][1] == lvl and has_glyph(resolved[i - 1], ch):
        return resolved[i - 1]
    for j in range(i + 1, len(levels)):
        if levels[j][1] != lvl:
            break
        s = scripts[j]
        if s is not None:
            return s if has_glyph(s, ch) else "latin"
    return "latin"


def visual_order(levels: list[int]) -> list[int]:
    """Indices of runs in visual (left-to-right) order: rule L2 applied to runs."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


@dataclass(frozen=True)
class TextStyle:
    size: float = 12.0
    bold: bool = False
    leading: float = 16.0
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # Arabic and Ge'ez glyphs look small next to Latin at the same size.
    script_scale: tuple[tuple[Script, float], ...] = (("arabic", 1.12), ("ethiopic", 1.0))

    def size_for(self, script: Script) -> float:
        for s, k in self.script_scale:
            if s == script:
                return round(self.size * k, 2)
        return self.size


@dataclass
class Line:
    """A laid-out line: shaped runs in visual order and their total width."""

    runs: list[ShapedRun] = field(default_factory=list)
    width: float = 0.0
    rtl: bool = False
    logical: str = ""


def shape_line(text: str, style: TextStyle, rtl_base: bool) -> Line:
    """Bidi-split, shape and visually order one line of text."""
    runs = split_runs(text, rtl_base)
    order = visual_order([r.level for r in runs])
    shaped = [
        shape_run(
            runs[i].text,
            font_name(runs[i].script, style.bold),
            style.size_for(runs[i].script),
            runs[i].rtl,
        )
        for i in order
    ]
    return Line(shaped, sum(r.width for r in shaped), rtl_base, text)


@lru_cache(maxsize=20000)
def word_width(word: str, style: TextStyle, rtl_base: bool) -> float:
    """Shaped width of a word (no spaces) in logical order, script by script."""
    return shape_line(word, style, rtl_base).width


def _open_embeddings(text: str, stack: list[str]) -> list[str]:
    for ch in text:
        if ch in _EMBEDDINGS:
            stack.append(ch)
        elif ch == PDF and stack:
            stack.pop()
    return stack


def break_lines(text: str, width: float, style: TextStyle, rtl_base: bool) -> list[str]:
    """Greedy line breaking at spaces, in logical order, with shaped widths.

    A word wider than the line is cut between characters. An embedding opened on one
    line (see :func:`ltr`) is reopened at the start of the next.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        space = word_width("\u00a0", style, rtl_base) if para else 0.0
        current: list[str] = []
        current_w = 0.0
        stack: list[str] = []
        prefix = ""
        for word in words:
            if not word:
                continue
            w = word_width(word, style, rtl_base)
            extra = w if not current else current_w + space + w
            if current and extra > width:
                line = prefix + " ".join(current)
                lines.append(line)
                prefix = "".join(_open_embeddings(" ".join(current), stack))
                current, current_w = [], 0.0
            if not current and w > width:
                for piece in _cut_word(word, width, style, rtl_base):
                    lines.append(prefix + piece)
                    prefix = "".join(_open_embeddings(piece, stack))
                continue
            current.append(word)
            current_w = w if len(current) == 1 else current_w + space + w
        if current or not lines:
            lines.append(prefix + " ".join(current))
    return lines


def _cut_word(word: str, width: float, style: TextStyle, rtl_base: bool) -> Iterable[str]:
    piece = ""
    for ch in word:
        if piece and word_width(piece + ch, style, rtl_base) > width:
            yield piece
            piece = ""
        piece += ch
    if piece:
        yield piece


def layout_paragraph(text: str, width: float, style: TextStyle, rtl_base: bool) -> list[Line]:
    """Break ``text`` into lines of at most ``width`` points and shape each line."""
    return [shape_line(t, style, rtl_base) for t in break_lines(text, width, style, rtl_base)]


def draw_line(
    canvas: Any, line: Line, x_left: float, x_right: float, y: float, lang: str = ""
) -> None:
    """Draw a line: left-aligned, or right-aligned when its paragraph is right-to-left.

    On a :class:`~klantapp.letters.tagging.TaggedCanvas` the line becomes a structure
    element (in ``lang``), with the line in logical order as ActualText where it has
    right-to-left runs; each glyph also maps back to its characters (see
    :mod:`klantapp.letters.shaping`).
    """
    tagged = hasattr(canvas, "tagged_line")
    # Only a line with right-to-left runs needs its logical text spelled out: elsewhere
    # the glyphs already stand in reading order.
    actual = line.logical if any(run.rtl for run in line.runs) else ""
    with canvas.tagged_line(lang, actual) if tagged else contextlib.nullcontext():
        x = x_right - line.width if line.rtl else x_left
        for run in line.runs:
            canvas.setFont(run.font, run.size)
            canvas.drawString(x, y, run.text)
            x += run.width
