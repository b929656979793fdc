"""The QR code of a letter: reportlab's encoder, made fast enough for a day's batch.

* Error correction M: 15 % of the code may be lost to a fold, a stain or a blur.
* One fixed mask: reportlab would try all 8 patterns in pure Python (more than the
  rest of a letter together); decoders read any mask, and the checkerboard breaks up
  large light or dark areas well.
* Reed-Solomon with log/antilog tables: reportlab's polynomial arithmetic builds the
  generator polynomial anew for every block and took a third of a letter's time at
  level M. :func:`_create_bytes` gives the same codewords (a test compares the
  matrices with reportlab's own encoder) and replaces it for the whole process.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from reportlab.graphics.barcode import qrencoder

QR_MASK = 0
QR_LEVEL = qrencoder.QRErrorCorrectLevel.M
QR_QUIET = 4  # modules of white around the code (ISO/IEC 18004)

_EXP = qrencoder.EXP_TABLE
_LOG = qrencoder.LOG_TABLE


@lru_cache(maxsize=64)
def _generator(ec_count: int) -> tuple[int, ...]:
    """Coefficients (highest first, without the leading 1) of the generator polynomial."""
    poly = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count)
    return tuple(poly.get(i) for i in range(1, poly.getLength()))


def _remainder(data: list[int], ec_count: int) -> list[int]:
    """The error-correction codewords of one block (polynomial division over GF(256))."""
    gen = [_LOG[g] if g else -1 for g in _generator(ec_count)]
    rem = [0] * ec_count
    for byte in data:
        factor = byte ^ rem[0]
        rem = rem[1:]
        rem.append(0)
        if factor:
            lf = _LOG[factor]
            for i, lg in enumerate(gen):
                if lg >= 0:
                    rem[i] ^= _EXP[(lg + lf) % 255]
    return rem


def _create_bytes(buffer: Any, rs_blocks: Any) -> list[int]:
    offset = 0
    dcdata: list[list[int]] = []
    ecdata: list[list[int]] = []
    for block in rs_blocks:
        dc_count = block.dataCount
        ec_count = block.totalCount - dc_count
        dcdata.append(list(buffer.buffer[offset : offset + dc_count]))
        offset += dc_count
        ecdata.append(_remainder(dcdata[-1], ec_count))
    return [
        d
        for dd in itertools.chain(itertools.zip_longest(*dcdata), itertools.zip_longest(*ecdata))
        for d in dd
        if d is not None
    ]


REPORTLAB_CREATE_BYTES = qrencoder.QRCode.createBytes  # kept for the test that compares
qrencoder.QRCode.createBytes = staticmethod(_create_bytes)


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code of ``payload`` (UTF-8 bytes) as rows of dark modules."""
    qr = qrencoder.QRCode(None, QR_LEVEL)
    qr.addData(qrencoder.QR8bitByte(payload))  # UTF-8 bytes, never Kanji mode
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    return [[bool(m) for m in row] for row in qr.modules]
