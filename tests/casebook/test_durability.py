"""What is saved stays saved: crashes during a commit, random histories, and nothing
readable on disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from klantapp.casebook import Casebook, queries, services
from klantapp.casebook.jsonio import export_document
from klantapp.vault import KdfParams
from klantapp.vault.fsio import SimulatedCrash, fault_hook

PASS = "een lange test wachtwoordzin"


def _state(cb: Casebook) -> dict[str, Any]:
    return export_document(cb)


def _crash_points(action) -> int:  # type: ignore[no-untyped-def]
    """How many write steps ``action`` makes (so we can crash at each one)."""
    steps: list[str] = []
    with fault_hook(lambda step, path: steps.append(step)):
        action()
    return len(steps)


def _die(cb: Casebook) -> None:
    """The process 'dies': the lock is released, nothing is compacted or flushed."""
    cb._vault.close()  # type: ignore[union-attr]
    cb._vault = None


@pytest.mark.parametrize("operation", ["commit", "compact"])
def test_a_crash_at_any_write_step_loses_nothing_saved_and_keeps_no_half_change(
    tmp_path: Path, operation: str
) -> None:
    """Kill -9 at every single write step of a commit (journal append) and of a
    compaction: the reopened casebook is exactly the state before or after."""
    import shutil

    base = tmp_path / "base"
    cb, _ = Casebook.create(base, PASS, kdf=KdfParams.for_tests())
    hid = services.add_record(cb, "households", {"name": "Voor", "status": "azc"})
    cb.close()

    def act(c: Casebook) -> None:
        if operation == "commit":
            with c.transaction() as tx:  # one transaction touching two rows
                tx.update("households", hid, {"name": "Na"})
                tx.insert(
                    "notes",
                    {"household_id": hid, "created_at": "2026-01-01T10:00", "text": "nieuw"},
                )
        else:
            c.compact()

    shutil.copytree(base, tmp_path / "count")
    counting = Casebook.open(tmp_path / "count", PASS)
    total = _crash_points(lambda: act(counting))
    _die(counting)
    assert total >= 2

    for crash_at in range(total):
        work = tmp_path / f"crash-{crash_at}"
        shutil.copytree(base, work)
        c = Casebook.open(work, PASS)
        count = 0

        def hook(step: str, path: Path, crash_at: int = crash_at) -> None:
            nonlocal count
            if count == crash_at:
                raise SimulatedCrash(step)
            count += 1

        with pytest.raises(SimulatedCrash), fault_hook(hook):
            act(c)
        _die(c)
        reopened = Casebook.open(work, PASS)
        try:
            state = _state(reopened)
            names = [h["name"] for h in state["households"]]
            notes = [n for h in state["households"] for n in h.get("notes", [])]
            if operation == "commit":
                assert (names, len(notes)) in ((["Voor"], 0), (["Na"], 1)), (
                    f"crash at step {crash_at}"
                )
            else:
                assert (names, notes) == (["Voor"], []), f"crash at step {crash_at}"
        finally:
            reopened.close()


def test_verify_detects_a_search_index_that_differs_from_the_data(demo_casebook: Casebook) -> None:
    from klantapp.casebook.verify import verify

    assert verify(demo_casebook).ok
    with demo_casebook.reading() as conn:  # simulate corruption behind the casebook's back
        conn.execute("DROP TRIGGER persons_fts_ad")
        conn.execute("DELETE FROM persons WHERE given_names = 'Yonas'")
    report = verify(demo_casebook)
    assert not report.ok
    assert any("zoekindex persons" in line for line in report.lines)


MARKERS = ["Al-Hassan", "الحسن", "ዮናስ", "Rugklachten", "Lindelaan", "2012345678", "Heuveldal"]


def _scan(folder: Path, markers: list[str]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for m in markers:
                for enc in ("utf-8", "utf-16-le"):
                    if m.encode(enc) in data:
                        found.append(f"{path.name}: {m}")
    return found


def test_nothing_readable_on_disk_after_any_operation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klantapp.casebook.demo import fill_demo

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    path = tmp_path / "dossier"
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests())
    fill_demo(cb)
    hid = queries.list_households(cb, text="Al-Hassan")[0]["id"]
    services.update_record(cb, "households", hid, {"street": "Lindelaan"})
    assert _scan(path, MARKERS) == []  # journal only
    cb.compact()
    assert _scan(path, MARKERS) == []  # snapshot
    queries.search(cb, "الحسن")
    cb.change_passphrase("een nieuwe lange zin")
    cb.close()
    assert _scan(path, MARKERS) == []
    assert _scan(tmp, MARKERS) == []
    assert sorted(os.listdir(tmp)) == []  # no temp files at all
    for p in path.iterdir():
        assert p.stat().st_mode & 0o077 == 0, p.name  # files only the user can read


# What a person can type into a one-line field: any script, no control characters.
_TYPED = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_ONE_LINE = st.text(alphabet=_TYPED, min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and bool(s)
)


class Histories(RuleBasedStateMachine):
    """Random sequences of transactions, reopens and compactions: the reopened casebook
    always equals what was committed, and aborted transactions leave no trace."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="klantapp-prop-"))
        self.cb, _ = Casebook.create(self.dir / "cb", PASS, kdf=KdfParams.for_tests())
        self.model: dict[str, dict[str, Any]] = {}

    @initialize()
    def start(self) -> None:
        pass

    @rule(name=_ONE_LINE, city=st.none() | _ONE_LINE)
    def add(self, name: str, city: str | None) -> None:
        values = {"name": name, "status": "azc", **({"city": city} if city else {})}
        hid = services.add_record(self.cb, "households", values)
        self.model[hid] = values

    @rule(data=st.data(), city=_ONE_LINE)
    def edit(self, data: st.DataObject, city: str) -> None:
        if self.model:
            hid = data.draw(st.sampled_from(sorted(self.model)))
            services.update_record(self.cb, "households", hid, {"city": city})
            self.model[hid]["city"] = city

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if self.model:
            hid = data.draw(st.sampled_from(sorted(self.model)))
            services.delete_record(self.cb, "households", hid)
            del self.model[hid]

    @rule()
    def aborted(self) -> None:
        with pytest.raises(ValueError), self.cb.transaction() as tx:
            tx.insert("households", {"name": "nooit", "status": "azc"})
            raise ValueError

    @rule()
    def reopen(self) -> None:
        self.cb.close()
        self.cb = Casebook.open(self.dir / "cb", PASS)

    @rule()
    def compact(self) -> None:
        self.cb.compact()

    @invariant()
    def matches_model(self) -> None:
        rows = {h["id"]: h for h in queries.all_records(self.cb, "households")}
        assert set(rows) == set(self.model)
        for hid, values in self.model.items():
            for k, v in values.items():
                assert rows[hid][k] == v

    def teardown(self) -> None:
        self.cb.close()
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)


TestHistories = Histories.TestCase
TestHistories.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
