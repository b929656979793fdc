"""The main window: the gate (first run, create, unlock) and, once unlocked, the workspace.

Locking (Ctrl+L, or after the idle time) saves what can be saved, remembers where the
user was, deletes the workspace with all decrypted data, closes the casebook in a
worker (it may compact) and shows the unlock screen. Unlocking returns to the same
place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from klantapp.i18n import _
from ui.about import show_about
from ui.i18n import apply_language
from ui.idle import IdleWatcher
from ui.screens.start import CreatePage, StartPage
from ui.screens.unlock import UnlockPage, show_forgot_passphrase
from ui.session import Session
from ui.settings import AppSettings
from ui.tasks import run_task
from ui.widgets import install_wheel_guard
from ui.workspace import NAV, Location, Workspace


@dataclass
class AppConfig:
    settings: AppSettings
    kdf: Any = None  # KdfParams for new casebooks; None = calibrate (tests pass for_tests())
    idle_ms: int | None = None  # override of the auto-lock time (tests)
    extra: dict[str, Any] = field(default_factory=dict)


def default_size(window: QWidget) -> QSize:
    """The first window: most of the screen (a 1366x768 gemeente laptop gets almost all
    of it), never more than the screen, and not bigger than useful on a large one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
    fm = window.fontMetrics()
    width = min(available.width(), max(int(available.width() * 0.95), fm.averageCharWidth() * 170))
    height = min(available.height(), max(int(available.height() * 0.95), fm.lineSpacing() * 40))
    return QSize(min(width, fm.averageCharWidth() * 260), min(height, fm.lineSpacing() * 70))


def looks_like_casebook(path: str) -> bool:
    p = Path(path)
    return p.is_dir() and any(p.iterdir())


class MainWindow(QMainWindow):
    def __init__(self, config: AppConfig, path: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.settings = config.settings
        self.session: Session | None = None
        self.workspace: Workspace | None = None
        self.location: Location | None = None
        self.setWindowTitle("Klantapp")
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._closing_task: Any = None
        self._quit_after_close = False
        self.ask_on_close = True  # tests switch the unsaved-changes prompt off

        self._make_gate_pages()

        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle.connect(self.lock_idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        install_wheel_guard()

        self._make_actions()
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(default_size(self))

        path = path or self.settings.last_casebook
        if path and looks_like_casebook(path):
            self.show_unlock(path)
        elif path and not Path(path).exists() and path != self.settings.last_casebook:
            self.create_page.location.setText(path)
            self.show_create()
        else:
            self.stack.setCurrentWidget(self.start_page)

    # --- menus, actions and shortcuts ------------------------------------------------------
    def _make_actions(self) -> None:
        """The menu bar (Bestand, Bewerken, Beeld, Help): every shortcut can be found
        there. Made anew when the language changes."""
        bar = self.menuBar()
        bar.clear()
        for old in getattr(self, "_actions", []):
            old.deleteLater()
        self._actions: list[QAction] = []

        def action(
            menu: QMenu,
            text: str,
            seq: QKeySequence | QKeySequence.StandardKey | str | None,
            slot: Any,
            *,
            needs_casebook: bool = True,
        ) -> QAction:
            act = QAction(text, self)
            if seq is not None:
                act.setShortcut(QKeySequence(seq))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            act.setProperty("needs_casebook", needs_casebook)
            menu.addAction(act)
            self._actions.append(act)
            return act

        file_menu = bar.addMenu(_("&Bestand"))
        self.new_action = action(file_menu, _("&Nieuw"), QKeySequence.StandardKey.New, self._new)
        self.save_action = action(
            file_menu, _("&Opslaan"), QKeySequence.StandardKey.Save, self._save
        )
        self.sync_action = action(
            file_menu, _("Nu &synchroniseren"), QKeySequence.StandardKey.Refresh, self._sync_now
        )
        file_menu.addSeparator()
        self.lock_action = action(file_menu, _("&Vergrendelen"), "Ctrl+L", self.lock)
        self.quit_action = action(
            file_menu, _("&Afsluiten"), "Ctrl+Q", self.close, needs_casebook=False
        )
        edit_menu = bar.addMenu(_("Be&werken"))
        self.search_action = action(
            edit_menu, _("&Zoeken in huishoudens"), QKeySequence.StandardKey.Find, self._search
        )
        view_menu = bar.addMenu(_("Bee&ld"))
        self.nav_actions = [  # Alt+1 to Alt+9, then Alt+0
            action(view_menu, _(label), f"Alt+{(i + 1) % 10}", lambda _c=False, i=i: self._nav(i))
            for i, (_key, label) in enumerate(NAV[:10])
        ]
        help_menu = bar.addMenu(_("&Help"))
        self.shortcuts_action = action(
            help_menu, _("&Sneltoetsen"), "F1", self.show_shortcuts, needs_casebook=False
        )
        self.forgot_action = action(
            help_menu,
            _("Wachtwoordzin &vergeten?"),
            None,
            lambda: show_forgot_passphrase(self, self.unlock_page.path),
            needs_casebook=False,
        )
        self.about_action = action(
            help_menu, _("&Over Klantapp"), None, lambda: show_about(self), needs_casebook=False
        )
        self._sync_actions()

    def _sync_actions(self) -> None:
        """Actions on the casebook are greyed out while it is locked."""
        unlocked = getattr(self, "workspace", None) is not None
        for act in getattr(self, "_actions", []):
            if act.property("needs_casebook"):
                act.setEnabled(unlocked)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) of every action with a shortcut, as the menus show them."""
        return [
            (
                act.text().replace("&", ""),
                act.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            )
            for act in self._actions
            if not act.shortcut().isEmpty()
        ]

    def show_shortcuts(self) -> None:
        lines = [f"{keys}\t{what}" for what, keys in self.shortcuts()]
        lines += [
            _("Alt+Links / Alt+Rechts\tVorige / volgende dag in de Agenda"),
            _("1 tot 5\tScore in de Brede intake"),
        ]
        QMessageBox.information(self, _("Sneltoetsen"), "\n".join(lines))

    def _search(self) -> None:
        if self.workspace is not None:
            self.workspace.focus_search()

    def _new(self) -> None:
        if self.workspace is not None:
            self.workspace.new_record()

    def _save(self) -> None:
        if self.workspace is not None:
            self.workspace.save()

    def _sync_now(self) -> None:
        if self.workspace is not None:
            self.workspace.sync_now()

    def _nav(self, index: int) -> None:
        if self.workspace is not None:
            self.workspace.nav.setCurrentRow(index)
            self.workspace.nav.setFocus()

    # --- gate pages -----------------------------------------------------------------------------
    def show_create(self) -> None:
        self.stack.setCurrentWidget(self.create_page)
        self.create_page.passphrase.setFocus()

    def _back_from_create(self) -> None:
        if self.unlock_page.path:
            self.stack.setCurrentWidget(self.unlock_page)
        else:
            self.stack.setCurrentWidget(self.start_page)

    def choose_existing(self) -> None:
        start = self.unlock_page.path or self.settings.last_casebook or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, _("Kies de map van het dossier"), start)
        if path:
            self.show_unlock(path)

    def show_unlock(self, path: str, notice: str = "") -> None:
        self.unlock_page.set_path(path, notice)
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.focus_passphrase()

    # --- unlocked --------------------------------------------------------------------------------
    def _idle_ms(self) -> int:
        if self.config.idle_ms is not None:
            return self.config.idle_ms
        return self.settings.autolock_minutes * 60_000

    def _on_unlocked(self, cb: Any, path: str) -> None:
        self.session = Session(cb, path)
        self.session.kdf = self.config.kdf
        self.settings.last_casebook = path
        try:
            self.workspace = Workspace(self.session, self.settings)
        except Exception:
            # never leave an open casebook behind a window that failed to build
            self.session = None
            cb.close()
            self.show_unlock(path)
            raise
        self.workspace.lock_requested.connect(self.lock)
        self.workspace.language_changed.connect(self.change_language)
        self.workspace.autolock_changed.connect(self._autolock_changed)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        if self.location is not None:
            self.workspace.restore(self.location)
            self.location = None
        # Qt adds " — Klantapp" (the application's display name) itself
        self.setWindowTitle(Path(path).name)
        warnings = list(getattr(cb, "warnings", []) or [])
        if warnings:
            QMessageBox.warning(
                self,
                _("Let op"),
                "\n".join(warnings),  # already in the interface language
            )
        self.idle.set_timeout_ms(self._idle_ms())
        self.idle.start()
        self._sync_actions()

    def _autolock_changed(self, minutes: int) -> None:
        if self.config.idle_ms is None:
            self.idle.set_timeout_ms(minutes * 60_000)

    def change_language(self, lang: str) -> None:
        """Switch the language now: rebuild the screens, stay where the user is."""
        if self.workspace is None or self.session is None:
            apply_language(lang)
            return
        if not self.workspace.maybe_leave_all():
            return
        loc = self.workspace.location()
        loc.screen = "settings" if loc.screen != "household" else loc.screen
        apply_language(lang)
        old = self.workspace
        self.stack.removeWidget(old)
        old.deleteLater()
        self.workspace = None
        self._rebuild_gate()
        self.workspace = Workspace(self.session, self.settings)
        self.workspace.lock_requested.connect(self.lock)
        self.workspace.language_changed.connect(self.change_language)
        self.workspace.autolock_changed.connect(self._autolock_changed)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.restore(loc)
        self._make_actions_retranslate()

    def _make_actions_retranslate(self) -> None:
        self._make_actions()

    def _make_gate_pages(self) -> None:
        """The start, create and unlock pages, wired up, at the front of the stack."""
        self.start_page = StartPage()
        self.create_page = CreatePage(kdf=self.config.kdf)
        self.unlock_page = UnlockPage()
        for index, page in enumerate((self.start_page, self.create_page, self.unlock_page)):
            self.stack.insertWidget(index, page)
        self.start_page.create_new.connect(self.show_create)
        self.start_page.open_existing.connect(self.choose_existing)
        self.create_page.cancelled.connect(self._back_from_create)
        self.create_page.created.connect(self._on_unlocked)
        self.unlock_page.unlocked.connect(self._on_unlocked)
        self.unlock_page.open_other.connect(self.choose_existing)
        self.unlock_page.create_new.connect(self.show_create)

    def _rebuild_gate(self) -> None:
        """Recreate the gate pages in the new language."""
        path = self.unlock_page.path
        for old in (self.start_page, self.create_page, self.unlock_page):
            self.stack.removeWidget(old)
            old.deleteLater()
        self._make_gate_pages()
        if path:
            self.unlock_page.set_path(path)

    # --- locking ---------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.workspace is None

    def lock_idle(self) -> None:
        """Idle timeout: close any open dialog first so its event loop unwinds, then lock."""
        if self.workspace is None:
            return
        for _i in range(10):
            modal = QApplication.activeModalWidget()
            if modal is None or modal is self:
                break
            modal.close()
            if hasattr(modal, "reject"):
                modal.reject()
        QTimer.singleShot(0, lambda: self.lock(idle=True))

    def lock(self, idle: bool = False) -> None:
        if self.workspace is None or self.session is None:
            return
        self.idle.stop()
        self.settings.set_geometry(self.saveGeometry())
        failed = self.workspace.save_all_for_lock()
        self.location = self.workspace.location()
        workspace, self.workspace = self.workspace, None
        self.stack.removeWidget(workspace)
        workspace.hide()
        workspace.deleteLater()
        session, self.session = self.session, None
        cb = session.detach()
        path = session.path
        notice = (
            _("Het dossier is vergrendeld omdat u een tijd niets heeft gedaan.") if idle else ""
        )
        if failed:
            notice += (" " if notice else "") + _(
                "In {where} klopte niet alles: wat klopte is bewaard, de foute velden niet."
            ).format(where=", ".join(failed))
        self.setWindowTitle("Klantapp")
        self._sync_actions()
        self.show_unlock(path, notice)
        if cb is not None:
            self.unlock_page.set_closing(True)
            self._closing_task = run_task(
                cb.close,
                owner=self,
                on_result=lambda _r: self._closed(),
                on_error=self._close_failed,
            )

    def _closed(self) -> None:
        self._closing_task = None
        if shiboken6.isValid(self.unlock_page):
            self.unlock_page.set_closing(False)
            self.unlock_page.focus_passphrase()
        if self._quit_after_close:
            self.close()

    def _close_failed(self, exc: BaseException, details: str) -> None:
        from ui.errordialog import show_unexpected_error

        self._closing_task = None
        self.unlock_page.set_closing(False)
        show_unexpected_error(exc, details)

    @property
    def closing(self) -> bool:
        return self._closing_task is not None

    # --- quitting ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if (
            self.ask_on_close
            and self.workspace is not None
            and not self.workspace.maybe_leave_all()
        ):
            event.ignore()
            return
        self.settings.set_geometry(self.saveGeometry())
        self.settings.sync()
        if self.session is not None:
            self.idle.stop()
            cb = self.session.detach()
            if self.workspace is not None:
                self.stack.removeWidget(self.workspace)
                self.workspace.deleteLater()
                self.workspace = None
            self.session = None
            if cb is not None:
                cb.close()  # compacts if worthwhile; we are quitting, waiting is fine
        elif self._closing_task is not None:
            # a lock is still closing the casebook in a worker: quit when it is done
            self._quit_after_close = True
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        event.accept()
