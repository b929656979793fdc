"""``ops.jsonl``: the changes a bundle carries, one JSON object a line.

Three kinds of line (docs/sync.md has examples):

- ``{"change": {"dev", "at", "actor", "sum", "prev", "dg", "n"}}``: a change header:
  who made it, when, on which device, its digest and predecessor, and how many
  operation lines follow;
- an operation, as the journal stores it (``t``, ``id``, ``op``, ``d``, ``h``, ``dev``,
  ``s``, and ``b`` / ``c`` where present) plus ``dg``, the digest of its change;
- ``{"control": {...}}``: what the sender tells the receiver besides data (a baseline,
  the roster, a refusal, the names of devices, a full re-send).

Reading is strict: every line a JSON object, operations only under their header, the
header's count right, the digests matching, sizes bounded by the bundle reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from klantapp.casebook.ops import Change, Op
from klantapp.i18n import _

MAX_LINE_BYTES = 4 * 1024 * 1024


class PayloadError(ValueError):
    """ops.jsonl is not what a sender of this format writes (reason in plain words)."""


@dataclass
class Payload:
    changes: list[Change] = field(default_factory=list)
    controls: dict[str, Any] = field(default_factory=dict)


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def encode(payload: Payload) -> bytes:
    out: list[bytes] = []
    if payload.controls:
        out.append(_line({"control": payload.controls}))
    for change in payload.changes:
        out.append(
            _line(
                {
                    "change": {
                        "dev": change.device,
                        "at": change.at,
                        "actor": change.actor,
                        "sum": change.summary,
                        "prev": change.prev,
                        "dg": change.digest,
                        "n": len(change.ops),
                    }
                }
            )
        )
        for op in change.ops:
            out.append(_line({**op.to_json(), "dg": change.digest}))
    return b"".join(line + b"\n" for line in out)


_DECODER = json.JSONDecoder()


def _loads(line: str) -> Any:
    """``json.loads(line)``, without its two whitespace scans when the line is bare JSON
    (as every sender writes it): a bundle has two lines per operation."""
    try:
        obj, end = _DECODER.raw_decode(line)
    except json.JSONDecodeError:
        return json.loads(line)  # leading whitespace, or not JSON: as json.loads says
    return obj if end == len(line) else json.loads(line)


def decode(data: bytes) -> Payload:
    payload = Payload()
    header: dict[str, Any] | None = None
    ops: list[Op] = []
    expected = 0

    def close() -> None:
        nonlocal header, ops
        if header is None:
            return
        if len(ops) != expected:
            raise PayloadError(_("een wijziging in de bundel is niet compleet"))
        payload.changes.append(
            Change(
                device=str(header["dev"]),
                at=str(header["at"]),
                actor=str(header["actor"]),
                ops=tuple(ops),
                summary=str(header.get("sum") or ""),
                prev=str(header.get("prev") or ""),
                digest=str(header.get("dg") or ""),
            )
        )
        header, ops = None, []

    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw:
            continue
        if len(raw) > MAX_LINE_BYTES:
            raise PayloadError(_("regel {n} van de bundel is te lang").format(n=number))
        try:
            obj = _loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise PayloadError(_("regel {n} van de bundel is geen JSON").format(n=number)) from None
        if not isinstance(obj, dict):
            raise PayloadError(_("regel {n} van de bundel is geen object").format(n=number))
        try:
            if "control" in obj:
                if not isinstance(obj["control"], dict) or header is not None:
                    raise PayloadError(
                        _("regel {n} van de bundel staat op de verkeerde plaats").format(n=number)
                    )
                payload.controls.update(obj["control"])
            elif "change" in obj:
                close()
                header = obj["change"]
                if not isinstance(header, dict):
                    raise PayloadError(_("regel {n} van de bundel is geen object").format(n=number))
                expected = int(header["n"])
                if expected <= 0:
                    raise PayloadError(_("een wijziging in de bundel is leeg"))
            else:
                if header is None:
                    raise PayloadError(
                        _("regel {n} van de bundel hoort bij geen wijziging").format(n=number)
                    )
                if str(obj.get("dg") or "") != str(header.get("dg") or ""):
                    raise PayloadError(
                        _("regel {n} van de bundel hoort bij een andere wijziging").format(n=number)
                    )
                obj.pop("dg", None)
                ops.append(Op.from_json(obj))
                if len(ops) > expected:
                    raise PayloadError(_("een wijziging in de bundel is te lang"))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, PayloadError):
                raise
            raise PayloadError(
                _("regel {n} van de bundel mist gegevens of heeft een verkeerde vorm").format(
                    n=number
                )
            ) from None
    close()
    return payload
