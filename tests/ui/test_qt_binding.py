"""The Qt binding must survive a working day: PySide6 6.12 on Python 3.11 drops a
reference to None on every Qt call that returns nothing, and the client aborts with
"Fatal Python error: none_dealloc" within minutes (issue 7).

The calls run in a child process, so the broken combination shows up as a failed test
(the child aborts or reports a changed count) instead of killing the test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from ui.app import unsafe_binding

VOID_CALLS = 20_000

CHILD = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton
    app = QApplication([])
    label, edit, button = QLabel(), QLineEdit(), QPushButton()
    before = sys.getrefcount(None)
    for i in range({VOID_CALLS} // 5):
        label.setText(str(i))          # each of these returns nothing (None)
        label.setToolTip("t")
        edit.setEnabled(i % 2 == 0)
        button.hide()
        button.setText("x")
    after = sys.getrefcount(None)
    print(before, after)
    """
)


def test_void_qt_calls_leave_nones_reference_count_alone() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, f"the Qt binding aborted the process: {done.stderr[-400:]}"
    before, after = (int(x) for x in done.stdout.split())
    assert after == before, f"None lost {before - after} references over {VOID_CALLS} Qt calls"


def test_the_client_runs_only_on_a_safe_binding() -> None:
    assert unsafe_binding() is None
