"""Encrypted persistence of opaque bytes: one snapshot plus an append-only journal.

The contract (docs/dev/core-api.md, section "Vault"); the on-disk format is described
in docs/vault-format.md.
"""

from __future__ import annotations

from klantapp.vault.kdf import KdfParams, calibrate_kdf
from klantapp.vault.recovery import generate_recovery_identity
from klantapp.vault.vault import OpenMode, ProgressCallback, Vault, VaultContents

__all__ = [
    "KdfParams",
    "OpenMode",
    "ProgressCallback",
    "Vault",
    "VaultContents",
    "calibrate_kdf",
    "generate_recovery_identity",
]
