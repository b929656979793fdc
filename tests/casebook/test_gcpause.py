"""The collector pause around bulk reads (monitor, Vandaag) gives the collector back as
it found it, also when nested or when the block fails."""

from __future__ import annotations

import gc

import pytest

from klantapp.casebook.gcpause import gc_paused


def test_the_collector_runs_again_after_the_block_even_when_it_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failing read")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_outer_one_paused() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not start it
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
