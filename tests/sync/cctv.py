"""The C2SP/CCTV age test vectors, fetched from the npm registry (package ``cctv-age``).

``npm pack`` brings the pinned version into a cache folder inside the virtualenv (so a
fresh CI machine fetches it during ``make test``, and later runs use the cache); the
tarball's sha512 is checked against the registry's integrity string recorded here. The
package ships the vectors as base64 strings inside ``index.js``; :func:`load` reads them
out without running any JavaScript.

Vector file format (the package README): ``key: value`` lines, an empty line, then the
age file, zlib-compressed when ``compressed: zlib``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "cctv-age"
VERSION = "0.2.0"
INTEGRITY = "sha512-1fiGAaWr+snqgu8+uCC7qPeApAuueOESET2npKe0FVLY+Huf+Kkia89Rybx/uoGNCml31SgAjiQIeFOY4K3New=="
_ENTRY = re.compile(r'// \.\./testdata/(\S+)\nvar \w+ = __toBinary\("([A-Za-z0-9+/=]*)"\);')


@dataclass(frozen=True)
class Vector:
    name: str
    expect: str  # "success", "no match", "HMAC failure", "header failure", "payload failure", ...
    payload_sha256: str | None
    identities: tuple[str, ...]
    passphrases: tuple[str, ...]
    armored: bool
    age_file: bytes
    comment: str

    def skip_reason(self) -> str | None:
        """Why Klantapp's reader does not run this vector, or None if it applies."""
        if self.passphrases:
            return "scrypt (passphrase) recipients: bundles use X25519 only"
        if self.armored:
            return "ASCII armor: bundles are binary age files"
        if any(not i.startswith("AGE-SECRET-KEY-1") for i in self.identities):
            return "post-quantum hybrid identities (mlkem768x25519): not used by bundles"
        return None


def cache_dir() -> Path:
    return Path(sys.prefix) / "cache" / f"{PACKAGE}-{VERSION}"


def fetch() -> Path:
    """``index.js`` of the pinned package, fetched once with ``npm pack``."""
    target = cache_dir()
    index = target / "index.js"
    if index.is_file():
        return index
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed to fetch the age test vectors (cctv-age); "
            "scripts/system-deps.sh installs it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()}")
        tgz = Path(tmp) / done.stdout.strip().splitlines()[-1]
        digest = base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
        if f"sha512-{digest}" != INTEGRITY:
            raise RuntimeError(f"{tgz.name}: sha512 differs from the pinned integrity")
        unpacked = Path(tmp) / "unpacked"
        unpacked.mkdir()
        with tarfile.open(tgz) as archive:
            member = archive.getmember("package/index.js")
            source = archive.extractfile(member)
            assert source is not None
            (unpacked / "index.js").write_bytes(source.read())
        with contextlib.suppress(OSError):  # another test worker was first: fine
            os.replace(unpacked, target)
    return index


def load() -> list[Vector]:
    """Every vector in the package."""
    vectors = []
    for name, encoded in _ENTRY.findall(fetch().read_text(encoding="utf-8")):
        raw = base64.b64decode(encoded)
        head, _, body = raw.partition(b"\n\n")
        keys: dict[str, list[str]] = {}
        for line in head.decode("utf-8").splitlines():
            key, _, value = line.partition(": ")
            keys.setdefault(key, []).append(value)
        if keys.get("compressed") == ["zlib"]:
            body = zlib.decompress(body)
        vectors.append(
            Vector(
                name=name,
                expect=keys["expect"][0],
                payload_sha256=keys.get("payload", [None])[0],
                identities=tuple(keys.get("identity", [])),
                passphrases=tuple(keys.get("passphrase", [])),
                armored=keys.get("armored") == ["yes"],
                age_file=body,
                comment=keys.get("comment", [""])[0],
            )
        )
    return vectors
