"""Nothing readable on disk: no plaintext, no passphrase, no key; keys dropped on close;
the KDF bounds and calibration."""

from __future__ import annotations

import pytest

from klantapp.vault import KdfParams, Vault, calibrate_kdf
from klantapp.vault.kdf import PRODUCTION_MIN_MEMORY_KIB

MARKER = b"BSN-123456782-PLAINTEXT"


def test_no_plaintext_passphrase_or_key_on_disk_after_any_operation(env, monkeypatch) -> None:
    from klantapp.vault import snapshot as snapshots

    monkeypatch.setattr(snapshots, "CHUNK_SIZE", 64)
    vault, folder = env.create(snapshot=MARKER * 10)
    dek = bytes(vault._dek or b"")
    assert len(dek) == 32
    for i in range(5):
        vault.append(MARKER + str(i).encode())
    env.passwd(vault, "tweede " + env.passphrase, snapshot=MARKER * 4)
    rotated = bytes(vault._dek or b"")
    assert len(rotated) == 32 and rotated != dek
    vault.compact(MARKER * 3)
    vault.append(MARKER)
    vault.close()
    assert vault._dek is None and vault.closed
    journal = env.journal_file(folder)
    journal.write_bytes(journal.read_bytes()[:-3])  # a torn record, repaired on open
    vault, contents = Vault.open(folder, "tweede " + env.passphrase)
    assert contents.warnings
    vault.close()
    secrets = [MARKER, MARKER[:8], env.passphrase.encode(), b"tweede", dek, dek[:16], rotated]
    for path in folder.iterdir():
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, (path.name, secret)


def test_close_wipes_the_data_key(env) -> None:
    vault, _ = env.create()
    key = vault._dek
    assert key is not None and any(key)
    vault.close()
    assert not any(key)  # the bytearray we held was overwritten


def test_for_tests_params_are_cheap_but_valid() -> None:
    params = KdfParams.for_tests()
    assert params.within_bounds()
    assert params.memory_kib < PRODUCTION_MIN_MEMORY_KIB


@pytest.mark.parametrize(
    "params",
    [KdfParams(1024, 1, 1), KdfParams(8192, 0, 1), KdfParams(8192, 1, 0), KdfParams(2**40, 1, 1)],
)
def test_create_refuses_out_of_bounds_params(env, params) -> None:
    with pytest.raises(ValueError, match="grenzen"):
        Vault.create(
            env.root / "cb",
            "x",
            snapshot=b"",
            recovery_recipient=env.recovery_public,
            kdf=params,
        )


def test_calibration_gives_at_least_64_mib() -> None:
    params = calibrate_kdf(target_seconds=0.2)
    assert params.memory_kib >= PRODUCTION_MIN_MEMORY_KIB
    assert params.within_bounds()


def test_calibration_stays_within_what_a_header_may_claim(monkeypatch) -> None:
    """Even on a machine where Argon2id seems instant, calibration never asks for more
    than 256 MiB and the work cap, so its own headers are never refused as tampered."""
    from klantapp.vault import kdf as kdf_module

    for per_pass in (1e-6, 0.01, 0.2, 3.0):
        monkeypatch.setattr(
            kdf_module, "_seconds", lambda p, s=per_pass: s * p.memory_kib * p.iterations / 65536
        )
        params = calibrate_kdf()
        assert params.within_bounds() and params.as_calibrated(), (per_pass, params)
        assert params.memory_kib <= kdf_module.CALIBRATION_MAX_MEMORY_KIB
        assert params.memory_kib * params.iterations <= kdf_module.MAX_WORK_KIB
