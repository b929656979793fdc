"""Sync without thinking about it: the folder checked in the background, the exchange run
off the UI thread, and the status area that is always visible.

:class:`SyncController` owns the rhythm. Every ``check_ms`` it asks, in a worker of its
own thread pool, whether the exchange folder is reachable; a network share that hangs
makes that check give up after ``check_timeout`` seconds (klantapp.sync.transport), so
neither the window nor the application's shared pool ever waits for it. When the folder
becomes reachable, and after each save while it stays reachable, it runs one exchange
(laptop: receive, apply, send; hub: the office's round), never two at once. A refused
laptop stops: no exchange is started again until the office has re-provisioned it.

:class:`SyncStatusArea` shows connected or not, the last successful sync, the changes
not yet sent, the open conflicts and the progress of a running exchange.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from klantapp.errors import KlantappError
from klantapp.i18n import _, ngettext
from ui.session import Session
from ui.tasks import run_task

CHECK_MS = 30_000  # how often the folder is looked at
SAVE_DELAY_MS = 2_000  # a burst of saves becomes one exchange


_FOLDER_POOL: QThreadPool | None = None


def folder_pool() -> QThreadPool:
    """Threads of their own for everything that touches the exchange folder: a hung
    share must never take the workers that unlock, print and import need."""
    global _FOLDER_POOL
    if _FOLDER_POOL is None:
        _FOLDER_POOL = QThreadPool()
        _FOLDER_POOL.setMaxThreadCount(3)
    return _FOLDER_POOL


def _check_folder(folder: str, timeout: float) -> bool:
    from pathlib import Path

    from klantapp.sync import transport

    return transport.reachable(Path(folder), timeout=timeout)


class SyncController(QObject):
    """The sync rhythm of one unlocked casebook (made by the workspace, dies with it)."""

    changed = Signal()  # status, connection or progress changed: redraw
    notices = Signal(list)  # texts the user must read (a household handed over)
    refused = Signal(dict)  # this laptop was refused by the office
    failed = Signal(str)  # an exchange failed: what to tell the user

    def __init__(
        self,
        session: Session,
        *,
        check_ms: int = CHECK_MS,
        check_timeout: float | None = None,
        settle: float | None = None,
        parent: QObject | None = None,
    ) -> None:
        from klantapp.sync import transport

        super().__init__(parent)
        self.session = session
        self.check_timeout = (
            transport.CHECK_TIMEOUT_SECONDS if check_timeout is None else check_timeout
        )
        self.settle = transport.SETTLE_SECONDS if settle is None else settle
        self.connected: bool | None = None  # None: not checked yet
        self.running = False
        self.progress: tuple[str, float] | None = None
        self.last_error = ""
        self.status: dict[str, Any] = {}
        self._checking = False
        self._again = False
        self._applying = False
        self.pool = folder_pool()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        self.after_save = QTimer(self)
        self.after_save.setSingleShot(True)
        self.after_save.setInterval(SAVE_DELAY_MS)
        self.after_save.timeout.connect(self.sync_now)
        session.changed.connect(self._data_changed)
        self.refresh_status()

    # --- state ---------------------------------------------------------------------------
    @property
    def role(self) -> str | None:
        return self.status.get("role")

    @property
    def folder(self) -> str | None:
        return self.session.sync_folder() if self.session.is_open else None

    @property
    def stopped(self) -> bool:
        """A refused laptop exchanges no more."""
        return bool(self.status.get("refused"))

    def refresh_status(self) -> None:
        if not self.session.is_open:
            return
        self.status = self.session.sync_status()
        self.changed.emit()

    def start(self) -> None:
        """Begin checking the folder (once a casebook takes part in the exchange)."""
        if self.role and not self.stopped:
            self.timer.start()
            self.check()

    def stop(self) -> None:
        """No more checks or exchanges: the one running ends by itself, and an exchange
        asked for while it ran is dropped rather than started after the stop."""
        self.timer.stop()
        self.after_save.stop()
        self._again = False

    # --- the folder ------------------------------------------------------------------------
    def check(self) -> None:
        folder = self.folder
        if self._checking or not folder or not self.role:
            return
        self._checking = True
        run_task(
            _check_folder,
            folder,
            self.check_timeout,
            owner=self,
            pool=self.pool,
            on_result=self._checked,
            on_error=lambda _exc, _details: self._checked(False),
        )

    def _checked(self, reachable: object) -> None:
        self._checking = False
        if not self.session.is_open:  # locked meanwhile
            return
        was = self.connected
        self.connected = bool(reachable)
        self.changed.emit()
        if self.connected and not was:
            self.sync_now()

    # --- the exchange ------------------------------------------------------------------------
    def _data_changed(self, kind: str, _record_id: str) -> None:
        if self._applying or not self.session.is_open:
            return
        self.refresh_status()
        if self.connected and self.role == "laptop" and kind not in ("sync", "devices"):
            self.after_save.start()

    def sync_now(self) -> bool:
        """One exchange in the background ("Nu synchroniseren"). Returns whether it
        started (or was queued behind the one running)."""
        folder = self.folder
        if not self.session.is_open or not self.role or self.stopped:
            return False
        if not folder:
            self.last_error = _("Kies eerst de uitwisselmap in Instellingen → Centraal kantoor.")
            self.changed.emit()
            return False
        if self.running:
            self._again = True
            return True
        self.running = True
        self.progress = (_("Bezig met synchroniseren…"), 0.0)
        self.last_error = ""
        self.changed.emit()
        run_task(
            self.session.run_sync,
            folder,
            settle=self.settle,
            owner=self,
            pool=self.pool,
            with_progress=True,
            on_progress=self._progressed,
            on_result=self._done,
            on_error=self._failed,
        )
        return True

    def _progressed(self, stage: str, fraction: float) -> None:
        self.progress = (stage, fraction)
        self.changed.emit()

    def _done(self, report: Any) -> None:
        self.running = False
        self.progress = None
        if not self.session.is_open:  # locked meanwhile: the next unlock looks again
            return
        self.connected = True
        self._applying = True
        try:
            self.session.notify_all_changed()  # screens reload what the office sent
        finally:
            self._applying = False
        self.refresh_status()
        notices = list(getattr(report, "notices", []) or [])
        if notices:
            self.notices.emit(notices)
        refusal = getattr(report, "refused_state", None)
        if refusal:
            self.stop()
            self.refused.emit(dict(refusal))
            return
        if self._again:
            self._again = False
            self.sync_now()

    def _failed(self, exc: BaseException, details: str) -> None:
        self.running = False
        self.progress = None
        self._again = False
        if not self.session.is_open:  # locked meanwhile (the casebook closed under it)
            return
        if isinstance(exc, KlantappError):
            self.connected = False
            self.last_error = str(exc)
        elif isinstance(exc, OSError):  # the share went away halfway: nothing is lost
            self.connected = False
            self.last_error = _(
                "De uitwisselmap is onderweg weggevallen. Er is niets verloren; het "
                "synchroniseren gaat verder zodra de map weer bereikbaar is."
            )
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            self.last_error = _("Het synchroniseren is mislukt; er is niets verloren gegaan.")
        self.failed.emit(self.last_error)
        self.changed.emit()


def when_text(stamp: str | None) -> str:
    """An ISO time as the user reads it: "vandaag 14:05" or "3-12-2026 09:10"."""
    if not stamp:
        return _("nog nooit")
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    if moment.date() == datetime.now().astimezone().date():
        return _("vandaag {time}").format(time=moment.strftime("%H:%M"))
    return f"{moment.day}-{moment.month}-{moment.year} {moment.strftime('%H:%M')}"


class SyncStatusArea(QFrame):
    """Always visible at the bottom of the workspace."""

    conflicts_requested = Signal()
    join_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("syncstatus")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Uitwisseling met het centrale kantoor"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        self.connection = QLabel()
        self.connection.setObjectName("syncconnection")
        self.last = QLabel()
        self.unsent = QLabel()
        self.conflicts = QPushButton()
        self.conflicts.setFlat(True)
        self.conflicts.setAccessibleName(_("Conflicten bekijken"))
        self.conflicts.clicked.connect(self.conflicts_requested)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName(_("Voortgang synchroniseren"))
        self.now = QPushButton(_("Nu synchroniseren"))
        self.now.setToolTip(_("Nu synchroniseren (F5)"))
        self.now.clicked.connect(controller.sync_now)
        self.join = QPushButton(_("Aanmelden…"))
        self.join.clicked.connect(self.join_requested)
        for widget in (self.connection, self.last, self.unsent, self.conflicts):
            lay.addWidget(widget)
        lay.addWidget(self.message, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.now)
        lay.addWidget(self.join)
        controller.changed.connect(self.update_view)
        self.update_view()

    def update_view(self) -> None:
        c = self.controller
        status = c.status
        role = status.get("role")
        joined = bool(role)
        for widget in (self.last, self.unsent, self.conflicts, self.now):
            widget.setVisible(joined)
        self.join.setVisible(not joined)
        if not joined:
            self.connection.setText("○ " + _("Niet aangemeld bij een centraal kantoor"))
            self.message.setText("")
            self.bar.hide()
            return
        if status.get("refused"):
            self.connection.setText("⚠ " + _("Uitwisseling gestopt"))
        elif not c.folder:
            self.connection.setText("○ " + _("Geen uitwisselmap gekozen"))
        elif c.connected:
            self.connection.setText("● " + _("Verbonden"))
        elif c.connected is None:
            self.connection.setText("○ " + _("Verbinding controleren…"))
        else:
            self.connection.setText("○ " + _("Niet verbonden"))
        last = status.get("last_sync") or {}
        self.last.setText(
            _("Laatst gesynchroniseerd: {when}").format(when=when_text(last.get("at")))
        )
        if role == "hub":
            attention = int(status.get("attention", 0))
            self.unsent.setText(
                ngettext(
                    "{n} apparaat vraagt aandacht", "{n} apparaten vragen aandacht", attention
                ).format(n=attention)
            )
        else:
            n = int(status.get("unsent_changes", 0))
            older = status.get("office_older")
            if older:  # the office keeps them aside until it runs this version too
                from klantapp.sync.laptop import office_older_text

                self.unsent.setText(
                    "⚠ "
                    + ngettext(
                        "{n} wijziging wacht tot het kantoor Klantapp bijwerkt",
                        "{n} wijzigingen wachten tot het kantoor Klantapp bijwerkt",
                        n,
                    ).format(n=n)
                )
                self.unsent.setToolTip(office_older_text(older))
            else:
                self.unsent.setText(
                    ngettext(
                        "{n} wijziging nog niet bij het kantoor",
                        "{n} wijzigingen nog niet bij het kantoor",
                        n,
                    ).format(n=n)
                )
                self.unsent.setToolTip("")
        conflicts = int(status.get("open_conflicts", 0))
        self.conflicts.setText(
            ngettext("{n} conflict", "{n} conflicten", conflicts).format(n=conflicts)
        )
        self.conflicts.setProperty("state", "problem" if conflicts else "")
        self.now.setEnabled(not c.stopped)
        if c.progress is not None:
            stage, fraction = c.progress
            self.message.setText(stage)
            if fraction > 0:
                self.bar.setRange(0, 100)
                self.bar.setValue(int(fraction * 100))
            else:
                self.bar.setRange(0, 0)  # busy: how long is not known yet
            self.bar.show()
        else:
            self.bar.hide()
            self.message.setText(c.last_error)
