"""``klantapp bench-casebook`` (the benchmark inside a frozen build) edits notes, so it
must never touch a casebook that is not the benchmark's own copy, and stays hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, benchrun
from klantapp.casebook.demo import fill_demo
from klantapp.cli import main
from klantapp.vault import KdfParams

PASS = "een lange test wachtwoordzin"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASS)
    path = tmp_path / "demo"
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests())
    fill_demo(cb)
    cb.close()
    return path


def _files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


def test_a_real_casebook_is_refused_and_left_as_it_was(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _files(demo)
    assert main(["bench-casebook", str(demo), "--edits", "3", "--searches", "2"]) == 2
    assert "benchmark" in capsys.readouterr().err
    assert _files(demo) == before


def test_the_benchmarks_copy_is_measured(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo / benchrun.MARKER).touch()
    assert main(["bench-casebook", str(demo), "--edits", "3", "--searches", "2"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert len(figures["commit"]) == 3 and len(figures["search"]) == 2
    assert figures["db_mb"] > 0 and figures["peak_rss_mb"] >= figures["rss_before_open_mb"]
    # beside each sample's time the CPU time it took: no more than the time itself
    # (two clocks: a microsecond of slack), and work was done
    for kind in ("commit", "search", "timeline"):
        assert len(figures[f"{kind}_cpu"]) == len(figures[kind])
        for wall, cpu in zip(figures[kind], figures[f"{kind}_cpu"], strict=True):
            assert 0 <= cpu <= wall + 1e-6
        assert sum(figures[f"{kind}_cpu"]) > 0


def test_it_is_not_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "bench" not in capsys.readouterr().out
