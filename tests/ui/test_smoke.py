from ui.mainwindow import MainWindow

from .conftest import unlock


def test_unlock_and_screens(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path)
    assert window.stack.currentWidget() is window.unlock_page
    unlock(qtbot, window)
    assert window.workspace is not None
    for key in ("today", "households", "agenda", "partners", "settings"):
        assert window.workspace.go(key)
