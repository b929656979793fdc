"""Auto-lock: watch the application's input events and report when the user is idle."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """An application-wide event filter; emits :attr:`idle` after ``timeout_ms`` without input."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._timer.setInterval(timeout_ms)
        self._active = False

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(max(1, timeout_ms))
        if self._active:
            self._timer.start()

    def timeout_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._active = True
        self._timer.start()

    def stop(self) -> None:
        self._active = False
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._active

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _INPUT_EVENTS:
            self._timer.start()  # restart the countdown
        return False
