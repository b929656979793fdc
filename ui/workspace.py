"""The unlocked workspace: navigation on the left, one screen at a time on the right.

It exists only while the casebook is open. Locking deletes it (and with it every model
and widget holding decrypted data); unlocking builds a new one and returns to the
remembered :class:`Location`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from klantapp.i18n import _
from ui.screens.agenda import AgendaScreen
from ui.screens.audit import AuditScreen
from ui.screens.conflicts import ConflictsScreen
from ui.screens.devices import DevicesScreen
from ui.screens.household import HouseholdScreen
from ui.screens.households import HouseholdsScreen
from ui.screens.monitor import MonitorScreen
from ui.screens.partners import PartnersScreen
from ui.screens.refused import RefusedScreen
from ui.screens.retention import RetentionScreen
from ui.screens.settings import GEMEENTE_FIELDS, SettingsScreen
from ui.screens.today import TodayScreen
from ui.session import Session
from ui.settings import AppSettings
from ui.sync import SyncController, SyncStatusArea
from ui.widgets import em

NAV: tuple[tuple[str, str], ...] = (
    ("today", "Vandaag"),
    ("households", "Huishoudens"),
    ("agenda", "Agenda"),
    ("partners", "Ketenpartners"),
    ("settings", "Instellingen"),
    ("monitor", "Monitor"),
    ("audit", "Logboek"),
    ("conflicts", "Conflicten"),
    ("devices", "Apparaten"),  # the central office only (hidden on a laptop)
    ("retention", "Bewaartermijnen"),
)


@dataclass
class Location:
    screen: str = "today"
    household_id: str | None = None
    tab: str = "household"
    record_id: str | None = None  # the record shown on that tab
    agenda_day: date | None = None
    agenda_week: bool = False


class Workspace(QWidget):
    lock_requested = Signal()
    language_changed = Signal(str)
    autolock_changed = Signal(int)

    def __init__(
        self,
        session: Session,
        settings: AppSettings,
        parent: QWidget | None = None,
        *,
        sync: SyncController | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.household: HouseholdScreen | None = None
        self.sync = sync or SyncController(session, parent=self)
        self.sync.setParent(self)
        self.hub = session.sync_role() == "hub"

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigatie"))
        for key, label in NAV:
            item = QListWidgetItem(_(label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        # every entry whole ("Bewaartermijnen" was cut off behind a scroll bar)
        widest = self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + em(self, 1)
        self.nav.setMinimumWidth(max(em(self, 14), widest))
        self.nav.setMaximumWidth(max(em(self, 22), widest))
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.lock_button = QPushButton(_("Vergrendelen"))
        self.lock_button.setAccessibleName(_("Vergrendelen"))
        self.lock_button.setToolTip(_("Vergrendelen (Ctrl+L)"))
        self.lock_button.clicked.connect(self.lock_requested)
        left = QVBoxLayout()
        left.addWidget(self.nav, 1)
        left.addWidget(self.lock_button)

        self.stack = QStackedWidget()
        self.today = TodayScreen(session)
        self.households = HouseholdsScreen(session)
        self.agenda = AgendaScreen(session)
        self.partners = PartnersScreen(session)
        self.settings_screen = SettingsScreen(session, settings)
        self.monitor = MonitorScreen(session)
        self.audit = AuditScreen(session)
        self.conflicts = ConflictsScreen(session)
        self.devices = DevicesScreen(session)
        self.retention = RetentionScreen(session)
        self.screens: dict[str, QWidget] = {
            "today": self.today,
            "households": self.households,
            "agenda": self.agenda,
            "partners": self.partners,
            "settings": self.settings_screen,
            "monitor": self.monitor,
            "audit": self.audit,
            "conflicts": self.conflicts,
            "devices": self.devices,
            "retention": self.retention,
        }
        self.nav.item([k for k, _l in NAV].index("devices")).setHidden(not self.hub)
        self.refused = RefusedScreen(session)
        self.refused.go_on.connect(lambda: self.go("today"))
        self.stack.addWidget(self.refused)
        for screen in self.screens.values():
            self.stack.addWidget(screen)
        self.households.open_household.connect(self.open_household)
        self.today.open_household.connect(self.open_household)
        self.today.go_requested.connect(self._first_step)
        self.retention.go_requested.connect(self.go)
        self.agenda.open_household.connect(self.open_household)
        self.partners.open_household.connect(self.open_household)
        self.monitor.open_household.connect(self.open_household)
        self.audit.open_household.connect(self.open_household)
        self.conflicts.open_household.connect(self.open_household)
        self.settings_screen.office.joined.connect(self.sync.start)
        self.settings_screen.office.folder_changed.connect(self._folder_changed)
        self.agenda.letter_requested.connect(self.make_letter)
        self.agenda.print_day_requested.connect(self.print_day)
        self.settings_screen.language_changed.connect(self.language_changed)
        self.settings_screen.autolock_changed.connect(self.autolock_changed)
        session.changed.connect(self._data_changed)

        # First run: the details every letter needs, asked for without blocking anything.
        self.gemeente_banner = QWidget()
        self.gemeente_banner.setObjectName("banner")
        banner_lay = QHBoxLayout(self.gemeente_banner)
        banner_lay.setContentsMargins(0, 0, 0, 0)
        self.gemeente_text = QLabel()
        self.gemeente_text.setWordWrap(True)
        banner_lay.addWidget(self.gemeente_text, 1)
        self.gemeente_button = QPushButton(_("Nu invullen"))
        self.gemeente_button.clicked.connect(lambda: self.go("settings"))
        self.gemeente_later = QPushButton(_("Later"))
        self.gemeente_later.setToolTip(_("Verbergen tot de volgende keer ontgrendelen"))
        self.gemeente_later.clicked.connect(self.gemeente_banner.hide)
        banner_lay.addWidget(self.gemeente_button)
        banner_lay.addWidget(self.gemeente_later)
        # Notices of the exchange (a household handed over): read, then dismissed.
        self.notice_banner = QWidget()
        self.notice_banner.setObjectName("banner")
        notice_lay = QHBoxLayout(self.notice_banner)
        notice_lay.setContentsMargins(0, 0, 0, 0)
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        notice_lay.addWidget(self.notice_text, 1)
        self.notice_button = QPushButton(_("Gelezen"))
        self.notice_button.clicked.connect(self.dismiss_notices)
        notice_lay.addWidget(self.notice_button)
        self.notice_banner.hide()
        self.status_area = SyncStatusArea(self.sync)
        self.status_area.conflicts_requested.connect(lambda: self.go("conflicts"))
        self.status_area.join_requested.connect(lambda: self.go("settings"))
        self.sync.changed.connect(self._show_notices)
        self.sync.refused.connect(self.show_refused)
        right = QVBoxLayout()
        right.addWidget(self.gemeente_banner)
        right.addWidget(self.notice_banner)
        right.addWidget(self.stack, 1)
        right.addWidget(self.status_area)

        lay = QHBoxLayout(self)
        lay.addLayout(left)
        lay.addLayout(right, 1)
        self._check_gemeente()
        self._nav_guard = False
        self.nav.setCurrentRow(0)
        self._show_notices()
        if self.sync.stopped:
            self.show_refused(self.sync.status["refused"])
        self.sync.start()

    # --- sync ------------------------------------------------------------------------------
    def sync_now(self) -> None:
        self.sync.sync_now()

    def _folder_changed(self) -> None:
        self.sync.connected = None
        self.sync.refresh_status()
        self.sync.start()

    def _show_notices(self) -> None:
        notices = self.sync.status.get("notices") or []
        self._notice_ids = [str(n["id"]) for n in notices]
        self.notice_text.setText("\n".join(str(n.get("text", "")) for n in notices))
        self.notice_banner.setVisible(bool(notices))

    def dismiss_notices(self) -> None:
        for notice_id in self._notice_ids:
            self.session.dismiss_notice(notice_id)
        self.sync.refresh_status()

    def show_refused(self, refusal: dict[str, Any]) -> None:
        """The office refused this laptop: say so, in place of the current screen."""
        if not self._leave_current():
            return
        self._drop_household_if_left(self.refused)
        self.refused.show_refusal(refusal, int(self.sync.status.get("unsent_changes", 0)))
        self.stack.setCurrentWidget(self.refused)

    # --- navigation ----------------------------------------------------------------------
    def current_screen(self) -> QWidget | None:
        return self.stack.currentWidget()

    def _leave_current(self) -> bool:
        current = self.stack.currentWidget()
        maybe = getattr(current, "maybe_leave", None)
        return maybe() if maybe is not None else True

    def _nav_changed(self, row: int) -> None:
        if self._nav_guard or row < 0:
            return
        key = NAV[row][0]
        if key == "devices" and not self.hub:
            self._select_nav(self._nav_key_of_current())
            return
        target = self.screens[key]
        if target is self.stack.currentWidget():
            return
        if not self._leave_current():
            self._select_nav(self._nav_key_of_current())
            return
        self._drop_household_if_left(target)
        self.stack.setCurrentWidget(target)
        refresh = getattr(target, "refresh", None)
        if refresh is not None:
            refresh()

    def _nav_key_of_current(self) -> str:
        current = self.stack.currentWidget()
        if current is self.household:
            return "households"
        for key, screen in self.screens.items():
            if screen is current:
                return key
        return "today"

    def _select_nav(self, key: str) -> None:
        self._nav_guard = True
        self.nav.setCurrentRow([k for k, _l in NAV].index(key))
        self._nav_guard = False

    def _drop_household_if_left(self, target: QWidget) -> None:
        if self.household is not None and target is not self.household:
            self.stack.removeWidget(self.household)
            self.household.deleteLater()
            self.household = None

    def go(self, key: str) -> bool:
        if key == "households" and self.stack.currentWidget() is self.household:
            if not self._leave_current():
                return False
            self._drop_household_if_left(self.households)
            self.stack.setCurrentWidget(self.households)
            self.households.refresh()
            self._select_nav("households")
            return True
        if self.screens.get(key) is self.stack.currentWidget():
            return True
        if self.stack.currentWidget() is self.refused:  # off the navigation: go straight
            self.stack.setCurrentWidget(self.screens[key])
            self._select_nav(key)
            refresh = getattr(self.screens[key], "refresh", None)
            if refresh is not None:
                refresh()
            return True
        self.nav.setCurrentRow([k for k, _l in NAV].index(key))
        return self.stack.currentWidget() is self.screens[key]

    def open_household(self, household_id: str, kind: str = "", record_id: str = "") -> bool:
        if self.household is not None and self.household.household_id == household_id:
            self.stack.setCurrentWidget(self.household)
        else:
            if not self._leave_current():
                return False
            self._drop_household_if_left(self.households)
            screen = HouseholdScreen(self.session, household_id)
            screen.back.connect(lambda: self.go("households"))
            screen.letter_requested.connect(self.make_letter)
            screen.conflicts_requested.connect(lambda: self.go("conflicts"))
            self.household = screen
            self.stack.addWidget(screen)
            self.stack.setCurrentWidget(screen)
        self._select_nav("households")
        if kind and record_id:
            self.household.show_record(kind, record_id)
        return True

    def _check_gemeente(self) -> None:
        missing = self.session.gemeente_missing()
        self.gemeente_text.setText(
            _(
                "Vul de gegevens van de gemeente in, want die staan op elke brief. Nog leeg: "
                "{fields}."
            ).format(fields=", ".join(_(dict(GEMEENTE_FIELDS)[m]).lower() for m in missing))
        )
        self.gemeente_banner.setVisible(bool(missing))

    def _data_changed(self, kind: str, _record_id: str) -> None:
        if not self.session.is_open:  # a late notice after locking
            return
        if kind in ("settings", "") and not self.gemeente_banner.isHidden():
            self._check_gemeente()
        for screen in self.screens.values():
            if screen is not self.stack.currentWidget():
                continue
            handler = getattr(screen, "data_changed", None)
            if handler is not None:
                handler(kind)
        if self.household is not None and self.stack.currentWidget() is self.household:
            self.household.data_changed(kind)

    def _first_step(self, what: str) -> None:
        if what == "new_household":
            if self.go("households"):
                self.households.new_record()
        else:
            self.go(what)

    # --- shortcuts -----------------------------------------------------------------------------
    def focus_search(self) -> None:
        if self.go("households"):
            self.households.focus_search()

    def new_record(self) -> None:
        current = self.stack.currentWidget()
        fn = getattr(current, "new_record", None)
        if fn is not None:
            fn()
        elif current is self.today and self.go("households"):
            self.households.new_record()

    def save(self) -> None:
        current = self.stack.currentWidget()
        fn = getattr(current, "save", None)
        if fn is not None:
            fn()

    # --- lock ------------------------------------------------------------------------------------
    def location(self) -> Location:
        current = self.stack.currentWidget()
        loc = Location(
            screen=self._nav_key_of_current(),
            agenda_day=self.agenda.day,
            agenda_week=self.agenda.week_mode,
        )
        if current is self.household and self.household is not None:
            loc.screen = "household"
            loc.household_id = self.household.household_id
            loc.tab = self.household.tab_name()
            loc.record_id = self.household.current_record_id()
        elif current is self.partners:
            loc.record_id = self.partners.editor.current_id
        return loc

    def restore(self, loc: Location) -> None:
        self._restore(loc)
        if self.sync.stopped:  # after each unlock, until the office has re-provisioned it
            self.show_refused(self.sync.status["refused"])

    def _restore(self, loc: Location) -> None:
        if loc.agenda_day is not None:
            self.agenda.day = loc.agenda_day
        if loc.agenda_week:
            self.agenda.week_radio.setChecked(True)
        if loc.screen == "household" and loc.household_id:
            if self.open_household(loc.household_id) and self.household is not None:
                self.household.set_tab(loc.tab)
                if loc.record_id:
                    self.household.select_on_tab(loc.record_id)
            return
        if loc.screen in self.screens:
            self.go(loc.screen)
        if loc.screen == "partners" and loc.record_id:
            self.partners.editor.select(loc.record_id)
            self.partners._partner_changed()

    def save_all_for_lock(self) -> list[str]:
        """Save what can be saved before locking; names of what could not be."""
        failed: list[str] = []
        if self.household is not None:
            failed += self.household.save_all()
        for key, screen in self.screens.items():
            is_dirty = getattr(screen, "is_dirty", None)
            if is_dirty is not None and is_dirty() and not screen.save():  # type: ignore[attr-defined]
                failed.append(_(dict(NAV)[key]))
        return failed

    def is_dirty(self) -> bool:
        if self.household is not None and self.household.is_dirty():
            return True
        return any(getattr(s, "is_dirty", lambda: False)() for s in self.screens.values())

    def maybe_leave_all(self) -> bool:
        if self.household is not None and not self.household.maybe_leave():
            return False
        return all(getattr(s, "maybe_leave", lambda: True)() for s in self.screens.values())

    # --- letters ------------------------------------------------------------------------------------
    def make_letter(self, appointment_id: str) -> None:
        from ui.letters import show_letter

        show_letter(self.session, appointment_id, self)

    def print_day(self, day: Any) -> None:
        from ui.letters import print_day

        print_day(self.session, day, self)
