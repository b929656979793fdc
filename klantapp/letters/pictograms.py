"""Simple vector pictograms drawn with reportlab: no text inside, no pictures behind text.

Each function draws into the square (x, y, size) with its lower-left corner at (x, y).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Color = tuple[float, float, float]


def _person(c: Any, cx: float, base: float, h: float) -> None:
    """A person: a head and rounded shoulders, ``h`` tall, standing on ``base``."""
    c.circle(cx, base + h * 0.72, h * 0.2, stroke=0, fill=1)
    p = c.beginPath()
    w = h * 0.36
    p.moveTo(cx - w, base)
    p.lineTo(cx - w, base + h * 0.25)
    p.curveTo(cx - w, base + h * 0.5, cx + w, base + h * 0.5, cx + w, base + h * 0.25)
    p.lineTo(cx + w, base)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def _bubble(c: Any, x: float, y: float, w: float, h: float, tail_left: bool) -> None:
    c.roundRect(x, y, w, h, h * 0.3, stroke=1, fill=0)
    p = c.beginPath()
    tx = x + w * (0.25 if tail_left else 0.75)
    p.moveTo(tx - w * 0.08, y)
    p.lineTo(tx + (-w * 0.12 if tail_left else w * 0.12), y - h * 0.35)
    p.lineTo(tx + w * 0.08, y)
    c.drawPath(p, stroke=1, fill=0)


def what(c: Any, x: float, y: float, s: float) -> None:
    """Two people talking: the appointment is a conversation."""
    _person(c, x + s * 0.22, y + s * 0.05, s * 0.5)
    _person(c, x + s * 0.78, y + s * 0.05, s * 0.5)
    _bubble(c, x + s * 0.08, y + s * 0.68, s * 0.36, s * 0.22, True)
    _bubble(c, x + s * 0.56, y + s * 0.68, s * 0.36, s * 0.22, False)


def test(c: Any, x: float, y: float, s: float) -> None:
    """A computer screen: a test on the computer."""
    c.roundRect(x + s * 0.1, y + s * 0.35, s * 0.8, s * 0.55, s * 0.05, stroke=1, fill=0)
    c.rect(x + s * 0.45, y + s * 0.2, s * 0.1, s * 0.15, stroke=0, fill=1)
    c.rect(x + s * 0.25, y + s * 0.12, s * 0.5, s * 0.08, stroke=0, fill=1)
    # a tick on the screen
    p = c.beginPath()
    p.moveTo(x + s * 0.32, y + s * 0.62)
    p.lineTo(x + s * 0.45, y + s * 0.5)
    p.lineTo(x + s * 0.68, y + s * 0.78)
    c.drawPath(p, stroke=1, fill=0)


def group(c: Any, x: float, y: float, s: float) -> None:
    """A group of people: a meeting."""
    for i, dx in enumerate((0.2, 0.5, 0.8)):
        _person(c, x + s * dx, y + s * (0.1 if i != 1 else 0.2), s * 0.5)


def when(c: Any, x: float, y: float, s: float) -> None:
    """A calendar page with a clock."""
    c.roundRect(x + s * 0.05, y + s * 0.15, s * 0.6, s * 0.65, s * 0.05, stroke=1, fill=0)
    c.rect(x + s * 0.05, y + s * 0.65, s * 0.6, s * 0.15, stroke=0, fill=1)
    for i in range(3):
        for j in range(3):
            c.rect(x + s * (0.12 + i * 0.17), y + s * (0.2 + j * 0.13), s * 0.09, s * 0.08, 0, 1)
    c.setFillColorRGB(1, 1, 1)
    c.circle(x + s * 0.7, y + s * 0.3, s * 0.24, stroke=1, fill=1)
    p = c.beginPath()
    p.moveTo(x + s * 0.7, y + s * 0.44)
    p.lineTo(x + s * 0.7, y + s * 0.3)
    p.lineTo(x + s * 0.8, y + s * 0.24)
    c.drawPath(p, stroke=1, fill=0)


def where(c: Any, x: float, y: float, s: float) -> None:
    """A map pin."""
    cx = x + s * 0.5
    p = c.beginPath()
    p.moveTo(cx, y + s * 0.05)
    p.curveTo(cx - s * 0.1, y + s * 0.3, cx - s * 0.32, y + s * 0.45, cx - s * 0.32, y + s * 0.65)
    p.curveTo(cx - s * 0.32, y + s * 0.98, cx + s * 0.32, y + s * 0.98, cx + s * 0.32, y + s * 0.65)
    p.curveTo(cx + s * 0.32, y + s * 0.45, cx + s * 0.1, y + s * 0.3, cx, y + s * 0.05)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.circle(cx, y + s * 0.67, s * 0.12, stroke=0, fill=1)


def with_whom(c: Any, x: float, y: float, s: float) -> None:
    """One person (the klantmanager) behind a desk."""
    _person(c, x + s * 0.5, y + s * 0.25, s * 0.65)
    c.rect(x + s * 0.1, y + s * 0.12, s * 0.8, s * 0.13, stroke=0, fill=1)


def interpreter(c: Any, x: float, y: float, s: float) -> None:
    """An interpreter: a person with a headset between two speech bubbles."""
    cx = x + s * 0.5
    _person(c, cx, y + s * 0.05, s * 0.55)
    c.arc(cx - s * 0.16, y + s * 0.3, cx + s * 0.16, y + s * 0.62, 0, 180)
    c.circle(cx - s * 0.16, y + s * 0.44, s * 0.05, stroke=1, fill=1)
    c.circle(cx + s * 0.16, y + s * 0.44, s * 0.05, stroke=1, fill=1)
    _bubble(c, x + s * 0.0, y + s * 0.7, s * 0.3, s * 0.2, False)
    _bubble(c, x + s * 0.7, y + s * 0.7, s * 0.3, s * 0.2, True)


def bring(c: Any, x: float, y: float, s: float) -> None:
    """An identity card and a letter."""
    c.roundRect(x + s * 0.05, y + s * 0.3, s * 0.6, s * 0.4, s * 0.05, stroke=1, fill=0)
    c.circle(x + s * 0.2, y + s * 0.53, s * 0.07, stroke=0, fill=1)
    c.rect(x + s * 0.12, y + s * 0.36, s * 0.16, s * 0.08, stroke=0, fill=1)
    for i in range(3):
        c.rect(x + s * 0.34, y + s * (0.38 + i * 0.09), s * 0.24, s * 0.03, stroke=0, fill=1)
    # the letter behind/right
    c.rect(x + s * 0.55, y + s * 0.12, s * 0.4, s * 0.3, stroke=1, fill=0)
    p = c.beginPath()
    p.moveTo(x + s * 0.55, y + s * 0.42)
    p.lineTo(x + s * 0.75, y + s * 0.26)
    p.lineTo(x + s * 0.95, y + s * 0.42)
    c.drawPath(p, stroke=1, fill=0)


def phone(c: Any, x: float, y: float, s: float) -> None:
    """A telephone handset."""
    p = c.beginPath()
    p.moveTo(x + s * 0.2, y + s * 0.85)
    p.lineTo(x + s * 0.38, y + s * 0.85)
    p.lineTo(x + s * 0.42, y + s * 0.65)
    p.lineTo(x + s * 0.32, y + s * 0.58)
    p.curveTo(x + s * 0.38, y + s * 0.45, x + s * 0.5, y + s * 0.35, x + s * 0.6, y + s * 0.3)
    p.lineTo(x + s * 0.68, y + s * 0.4)
    p.lineTo(x + s * 0.88, y + s * 0.36)
    p.lineTo(x + s * 0.88, y + s * 0.18)
    p.curveTo(x + s * 0.5, y + s * 0.05, x + s * 0.1, y + s * 0.45, x + s * 0.2, y + s * 0.85)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def mandatory(c: Any, x: float, y: float, s: float) -> None:
    """A warning triangle with an exclamation mark: this appointment is mandatory."""
    p = c.beginPath()
    p.moveTo(x + s * 0.5, y + s * 0.92)
    p.lineTo(x + s * 0.96, y + s * 0.1)
    p.lineTo(x + s * 0.04, y + s * 0.1)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.roundRect(x + s * 0.455, y + s * 0.38, s * 0.09, s * 0.34, s * 0.04, stroke=0, fill=1)
    c.circle(x + s * 0.5, y + s * 0.24, s * 0.055, stroke=0, fill=1)


def warning_letter(c: Any, x: float, y: float, s: float) -> None:
    """An envelope with a warning sign on it: you get a warning."""
    c.rect(x + s * 0.05, y + s * 0.2, s * 0.75, s * 0.5, stroke=1, fill=0)
    p = c.beginPath()
    p.moveTo(x + s * 0.05, y + s * 0.7)
    p.lineTo(x + s * 0.425, y + s * 0.42)
    p.lineTo(x + s * 0.8, y + s * 0.7)
    c.drawPath(p, stroke=1, fill=0)
    c.saveState()
    mandatory(c, x + s * 0.5, y + s * 0.42, s * 0.5)
    c.restoreState()


def _euro(c: Any, cx: float, cy: float, r: float) -> None:
    """The euro sign drawn as lines: a C and two bars (no text inside pictograms)."""
    c.arc(cx - r, cy - r, cx + r, cy + r, 45, 270)
    c.line(cx - r * 1.25, cy + r * 0.2, cx + r * 0.35, cy + r * 0.2)
    c.line(cx - r * 1.25, cy - r * 0.2, cx + r * 0.2, cy - r * 0.2)


def fine(c: Any, x: float, y: float, s: float) -> None:
    """A banknote with the euro sign: you pay a fine."""
    c.roundRect(x + s * 0.04, y + s * 0.22, s * 0.92, s * 0.56, s * 0.06, stroke=1, fill=0)
    c.circle(x + s * 0.14, y + s * 0.32, s * 0.03, stroke=0, fill=1)
    c.circle(x + s * 0.86, y + s * 0.68, s * 0.03, stroke=0, fill=1)
    _euro(c, x + s * 0.52, y + s * 0.5, s * 0.17)


def plan_without_you(c: Any, x: float, y: float, s: float) -> None:
    """A plan (a page with lines) and a person crossed out: the plan is made without you."""
    c.rect(x + s * 0.06, y + s * 0.08, s * 0.5, s * 0.84, stroke=1, fill=0)
    for i in range(4):
        c.rect(x + s * 0.14, y + s * (0.7 - i * 0.14), s * 0.34, s * 0.04, stroke=0, fill=1)
    _person(c, x + s * 0.76, y + s * 0.3, s * 0.42)
    c.setLineWidth(max(1.2, s * 0.07))
    c.line(x + s * 0.56, y + s * 0.25, x + s * 0.96, y + s * 0.75)


ICONS: dict[str, Callable[[Any, float, float, float], None]] = {
    "what": what,
    "test": test,
    "group": group,
    "when": when,
    "where": where,
    "with_whom": with_whom,
    "interpreter": interpreter,
    "bring": bring,
    "phone": phone,
    "mandatory": mandatory,
    "warning_letter": warning_letter,
    "fine": fine,
    "plan_without_you": plan_without_you,
}


def draw_icon(c: Any, key: str, x: float, y: float, size: float, color: Color) -> None:
    c.saveState()
    c.setFillColorRGB(*color)
    c.setStrokeColorRGB(*color)
    c.setLineWidth(max(0.8, size * 0.035))
    c.setLineJoin(1)
    c.setLineCap(1)
    ICONS[key](c, x, y, size)
    c.restoreState()
