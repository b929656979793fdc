"""Local settings of this installation (not personal data, not in the casebook).

Interface language, auto-lock minutes, the last casebook path and window geometry live
in QSettings. Gemeente details used on letters are shared data and live in the
casebook (``cb.set_setting("gemeente", ...)``), see :mod:`ui.screens.settings`.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

DEFAULT_AUTOLOCK_MINUTES = 5
MIN_AUTOLOCK_MINUTES = 1
MAX_AUTOLOCK_MINUTES = 120


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings("Klantapp", "Klantapp")

    # --- language ----------------------------------------------------------------
    @property
    def language(self) -> str:
        return str(self._s.value("ui/language", "nl"))

    @language.setter
    def language(self, lang: str) -> None:
        self._s.setValue("ui/language", lang)

    # --- auto-lock ---------------------------------------------------------------
    @property
    def autolock_minutes(self) -> int:
        try:
            value = int(str(self._s.value("security/autolock_minutes", DEFAULT_AUTOLOCK_MINUTES)))
        except (TypeError, ValueError):
            value = DEFAULT_AUTOLOCK_MINUTES
        return max(MIN_AUTOLOCK_MINUTES, min(MAX_AUTOLOCK_MINUTES, value))

    @autolock_minutes.setter
    def autolock_minutes(self, minutes: int) -> None:
        self._s.setValue("security/autolock_minutes", int(minutes))

    # --- last casebook -------------------------------------------------------------
    @property
    def last_casebook(self) -> str:
        return str(self._s.value("casebook/last_path", "") or "")

    @last_casebook.setter
    def last_casebook(self, path: str) -> None:
        self._s.setValue("casebook/last_path", path)

    # --- window geometry -------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, data: QByteArray) -> None:
        self._s.setValue("window/geometry", data)

    def sync(self) -> None:
        self._s.sync()
