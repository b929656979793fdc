"""Property: any sequence of appends, compactions, reopens and crashes gives back
exactly the records appended (and acknowledged), in order; and nothing readable is
ever on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantapp.vault import KdfParams, Vault, fsio

MARKER = b"PLAINTEXT-MARKER"

records = st.binary(max_size=300).map(lambda b: MARKER + b)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("append"), records),
        st.tuples(st.just("compact"), st.binary(max_size=400)),
        st.tuples(st.just("reopen"), st.none()),
        st.tuples(st.just("crash-append"), st.tuples(records, st.integers(0, 1))),
        st.tuples(st.just("crash-compact"), st.tuples(st.binary(max_size=50), st.integers(0, 20))),
    ),
    max_size=14,
)


def crash_at(n: int) -> fsio.FaultHook:
    count = [0]

    def hook(name: str, path: Path) -> None:
        count[0] += 1
        if count[0] - 1 == n:
            raise fsio.SimulatedCrash

    return hook


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=operations)
def test_random_histories_replay_exactly(env, fast_kdf, ops) -> None:
    # env only supplies constants and the memoized KDF; each example gets its own folder.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cb"
        passphrase = env.passphrase
        vault = Vault.create(
            folder,
            passphrase,
            snapshot=MARKER,
            recovery_recipient=env.recovery_public,
            kdf=KdfParams.for_tests(),
        )
        snapshot, expected = MARKER, []
        try:
            for op, arg in ops:
                if op == "append":
                    vault.append(arg)
                    expected.append(arg)
                elif op == "compact":
                    vault.compact(MARKER + arg)
                    snapshot, expected = MARKER + arg, []
                elif op == "reopen":
                    vault.close()
                    vault, contents = Vault.open(folder, passphrase)
                    assert (contents.snapshot, contents.records) == (snapshot, expected)
                    # only: "files of another version are kept" (after an interrupted compaction)
                    assert all("andere versie" in w for w in contents.warnings)
                else:
                    payload, step = arg
                    with fsio.fault_hook(crash_at(step)):
                        try:
                            if op == "crash-append":
                                vault.append(payload)
                            else:
                                vault.compact(MARKER + payload)
                        except fsio.SimulatedCrash:
                            pass
                        else:  # the step number was past the end: it just worked
                            vault.close()
                    vault.close()
                    vault, contents = Vault.open(folder, passphrase)
                    old = (snapshot, expected)
                    if op == "crash-append":
                        new = (snapshot, [*expected, payload])
                    else:
                        new = (MARKER + payload, [])
                    assert (contents.snapshot, contents.records) in (old, new)
                    snapshot, expected = contents.snapshot, contents.records
                assert vault.journal_records == len(expected)
            vault.close()
            vault, contents = Vault.open(folder, passphrase)
            assert (contents.snapshot, contents.records) == (snapshot, expected)
        finally:
            vault.close()
        for path in folder.iterdir():
            data = path.read_bytes()
            assert MARKER not in data, path.name
            assert passphrase.encode() not in data, path.name
