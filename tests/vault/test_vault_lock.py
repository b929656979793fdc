"""One instance per casebook; the operating system frees the lock when a process dies."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from klantapp.errors import CasebookInUse
from klantapp.vault import Vault

HOLD = textwrap.dedent(
    """
    import sys, time
    from klantapp.vault import Vault
    vault, _ = Vault.open(sys.argv[1], sys.argv[2])
    print("open", flush=True)
    time.sleep(60)
    """
)

TRY = textwrap.dedent(
    """
    import sys
    from klantapp.errors import CasebookInUse
    from klantapp.vault import Vault
    try:
        Vault.open(sys.argv[1], sys.argv[2])[0].close()
    except CasebookInUse:
        sys.exit(7)
    """
)


def test_second_open_in_the_same_process_is_refused(env) -> None:
    vault, folder = env.create()
    with pytest.raises(CasebookInUse, match="al geopend"):
        Vault.open(folder, env.passphrase)
    with pytest.raises(CasebookInUse):
        Vault.open_with_recovery(folder, env.recovery_secret)
    vault.close()
    env.read(folder)  # free again


def test_a_wrong_passphrase_does_not_keep_the_lock(env) -> None:
    vault, folder = env.create()
    vault.close()
    with pytest.raises(Exception, match="wachtwoord"):
        Vault.open(folder, "fout")
    env.read(folder)


def test_another_process_is_refused_and_a_killed_holder_frees_the_lock(env) -> None:
    vault, folder = env.create()
    vault.close()
    root = str(Path(__file__).resolve().parents[2])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), env.passphrase],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(CasebookInUse):
            Vault.open(folder, env.passphrase)
        other = subprocess.run(
            [sys.executable, "-c", TRY, str(folder), env.passphrase], cwd=root, check=False
        )
        assert other.returncode == 7
    finally:
        holder.kill()  # kill -9: no close(), no cleanup
        holder.wait()
    env.read(folder)
