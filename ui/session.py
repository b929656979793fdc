"""The open casebook as the window sees it: one place where the UI calls the core.

The :class:`Session` holds the unlocked :class:`klantapp.casebook.Casebook` and
forwards every write to the core's services (which validate and write through one
fsynced transaction); after a write it emits :attr:`Session.changed` so the screens
refresh. The UI never writes SQL and never touches the casebook's files.

Core modules are imported lazily: the unlock screen must appear fast, and
cryptography/sqlite-utils are only needed once a casebook is opened.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from klantapp.i18n import _

if TYPE_CHECKING:
    from klantapp.casebook import Casebook


def open_casebook(path: str, passphrase: str, *, progress: Any = None) -> Casebook:
    """Slow (key derivation): run it in a worker."""
    from klantapp.casebook import Casebook

    return Casebook.open(path, passphrase, progress=progress)


def create_casebook(
    path: str, passphrase: str, *, recovery_recipient: str | None, kdf: Any = None
) -> tuple[Casebook, str | None]:
    """Slow (key derivation, calibration): run it in a worker."""
    from klantapp.casebook import Casebook

    return Casebook.create(path, passphrase, recovery_recipient=recovery_recipient, kdf=kdf)


#: The gemeente details every letter needs (issue 12), as keys of the "gemeente" setting.
LETTER_DETAILS: tuple[str, ...] = ("name", "department", "street", "postcode", "city", "phone")


class Session(QObject):
    """The unlocked casebook plus change notifications."""

    changed = Signal(str, str)  # kind, id ("" when several)

    def __init__(self, cb: Casebook, path: str) -> None:
        super().__init__()
        self.cb: Casebook | None = cb
        self.path = path
        self.kdf: Any = None  # KdfParams for a new passphrase; None = calibrate (tests: cheap)
        self._update_actor()

    def _update_actor(self) -> None:
        """Changes are signed with the klantmanager's name from Instellingen; the
        computer's account name only while none is set."""
        from klantapp.casebook.queries import klantmanager_name

        cb = self._cb()
        name = klantmanager_name(cb)
        if name:
            cb.actor = name

    # --- lifecycle -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.cb is not None

    def _cb(self) -> Casebook:
        if self.cb is None:
            raise RuntimeError("casebook is locked")
        return self.cb

    def detach(self) -> Casebook | None:
        """Hand the casebook over for closing; the session is unusable afterwards."""
        cb, self.cb = self.cb, None
        return cb

    # --- writes (validated by the core; InvalidInput names record and field) ---------
    def add(self, kind: str, values: dict[str, Any]) -> str:
        from klantapp.casebook import services

        new_id = services.add_record(self._cb(), kind, values)
        self.changed.emit(kind, new_id)
        return new_id

    def update(self, kind: str, record_id: str, changes: dict[str, Any]) -> None:
        from klantapp.casebook import services

        if changes:
            services.update_record(self._cb(), kind, record_id, changes)
        self.changed.emit(kind, record_id)

    def delete(self, kind: str, record_id: str) -> None:
        from klantapp.casebook import services

        services.delete_record(self._cb(), kind, record_id)
        self.changed.emit(kind, record_id)

    def record_outcome(self, appointment_id: str, outcome: str) -> None:
        from klantapp.casebook import services

        services.record_outcome(self._cb(), appointment_id, outcome)
        self.changed.emit("appointments", appointment_id)

    def new_pip_version(self, person_id: str, values: dict[str, Any]) -> str:
        return self.save_pip(person_id, values)

    def save_pip(self, person_id: str, values: dict[str, Any], pip_id: str | None = None) -> str:
        """A new PIP version (``pip_id`` None) or changes to one; versions it replaces are
        marked in the same change."""
        from klantapp.casebook import services

        saved = services.save_pip(self._cb(), person_id, values, pip_id=pip_id)
        self.changed.emit("pips", saved)
        return saved

    def save_intake(
        self,
        household_id: str,
        intake_date: str,
        cells: dict[tuple[str, str], dict[str, Any]],
        *,
        without_partner: bool | None = None,
    ) -> dict[tuple[str, str], str]:
        """A whole brede intake grid: one change, one refresh."""
        from klantapp.casebook import services

        saved = services.save_intake(
            self._cb(), household_id, intake_date, cells, without_partner=without_partner
        )
        self.changed.emit("intake_scores", "")
        return saved

    def save_household(
        self,
        values: dict[str, Any],
        members: list[dict[str, Any]],
        household_id: str | None = None,
    ) -> tuple[str, list[str]]:
        """A household with its members: one change."""
        from klantapp.casebook import services

        hid, ids = services.save_household(self._cb(), values, members, household_id=household_id)
        self.changed.emit("households", hid)
        if members:
            self.changed.emit("persons", "")
        return hid, ids

    def undo_problem(self, change_id: int) -> str | None:
        from klantapp.casebook import services

        return services.undo_problem(self._cb(), change_id)

    def undo_change(self, change_id: int) -> None:
        """Undo a change from the timeline (a new change restoring the old values)."""
        from klantapp.casebook import services

        services.undo_change(self._cb(), change_id)
        self.changed.emit("", "")

    def klantmanager_name(self) -> str:
        from klantapp.casebook.queries import klantmanager_name

        return klantmanager_name(self._cb())

    def gemeente_missing(self) -> list[str]:
        """Keys of the gemeente details a letter needs that are still empty."""
        stored = self._cb().get_setting("gemeente", {})
        value = stored if isinstance(stored, dict) else {}
        return [key for key in LETTER_DETAILS if not str(value.get(key) or "").strip()]

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self._cb().get_setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self._cb().set_setting(key, value)
        if key in ("klantmanager", "gemeente"):
            self._update_actor()
        self.changed.emit("settings", key)

    def change_passphrase(self, new_passphrase: str) -> None:
        """Slow (a key derivation, and with key rotation a compaction): run in a worker."""
        self._cb().change_passphrase(new_passphrase, self.kdf)

    # --- reads -----------------------------------------------------------------------
    def get(self, kind: str, record_id: str) -> dict[str, Any] | None:
        from klantapp.casebook import queries

        return queries.get(self._cb(), kind, record_id)

    def household_detail(
        self, household_id: str, kinds: list[str] | None = None
    ) -> dict[str, Any] | None:
        from klantapp.casebook import queries

        return queries.household_detail(self._cb(), household_id, kinds)

    def list_households(self, **kwargs: Any) -> list[dict[str, Any]]:
        from klantapp.casebook import queries

        return queries.list_households(self._cb(), **kwargs)

    def count_households(self) -> int:
        from klantapp.casebook import queries

        return queries.count_households(self._cb())

    def household_matches(self, text: str) -> dict[str, Any]:
        from klantapp.casebook import queries

        return queries.household_matches(self._cb(), text)

    def appointments_between(self, start: str, end: str) -> list[dict[str, Any]]:
        from klantapp.casebook import queries

        return queries.appointments_between(self._cb(), start, end)

    def search(self, text: str, limit: int = 50) -> list[Any]:
        from klantapp.casebook import queries

        return queries.search(self._cb(), text, limit=limit)

    def timeline(self, household_id: str) -> list[dict[str, Any]]:
        from klantapp.casebook import queries

        return queries.timeline(self._cb(), household_id)

    def list_partners(self) -> list[dict[str, Any]]:
        from klantapp.casebook import queries

        return queries.list_partners(self._cb())

    # --- AVG and monitor -------------------------------------------------------------------

    def log_restricted_read(self, kind: str, record: dict[str, Any] | None) -> None:
        """A klantmanager chose to see restricted health data: logged (audit)."""
        from klantapp.avg.log import record_access
        from klantapp.domain.records import RECORD_KINDS

        if not self._cb().writable:
            return  # opened for reading only (saved changes missing): nothing can be written
        record = record or {}
        label = _(RECORD_KINDS[kind].label) if kind in RECORD_KINDS else kind
        record_access(
            self._cb(),
            "restricted_read",
            what=_("Vertrouwelijke gegevens getoond: {record}").format(record=label),
            person_id=record.get("id") if kind == "persons" else record.get("person_id"),
            household_id=record.get("id") if kind == "households" else record.get("household_id"),
        )

    def log_export(
        self, what: str, *, household_id: str | None = None, person_id: str | None = None
    ) -> None:
        """A file of personal data the klantmanager saved (a letter as PDF): logged."""
        from klantapp.avg.log import record_access

        if self._cb().writable:
            record_access(
                self._cb(), "export", what=what, household_id=household_id, person_id=person_id
            )

    def audit_entries(self, flt: Any = None) -> list[dict[str, Any]]:
        from klantapp.avg.log import audit_entries

        return audit_entries(self._cb(), flt)

    def device_names(self) -> dict[str, str]:
        """Device id -> the name the audit screen shows as an entry's origin."""
        from klantapp.avg.log import device_names

        return device_names(self._cb())

    def monitor(self, on: date, start: date, end: date) -> Any:
        from klantapp.monitor import compute

        return compute(self._cb(), on, start, end)

    def monitor_export(self, monitor: Any, kind: str) -> bytes:
        """The monitor as CSV or PDF for outside the office (small numbers hidden
        unless the gemeente's setting says otherwise); logged."""
        from klantapp.avg.log import record_access
        from klantapp.monitor.export import export_for_outside

        cb = self._cb()
        data = export_for_outside(cb, monitor, kind)
        record_access(
            cb,
            "monitor_export",
            what=_("Monitor {on} als {kind}").format(on=monitor.on.isoformat(), kind=kind.upper()),
        )
        return data

    def notify(self, kind: str, record_id: str = "") -> None:
        """Tell the screens that records of ``kind`` changed (after work done in a
        worker: the signal must come from the GUI thread)."""
        self.changed.emit(kind, record_id)

    # inzage (art. 15 AVG)
    def open_inzage_requests(self, person_id: str) -> list[dict[str, Any]]:
        from klantapp.avg.inzage import open_requests

        return [r for r in open_requests(self._cb()) if r["person_id"] == person_id]

    def record_inzage_request(self, person_id: str, received_on: date) -> dict[str, Any]:
        """A request with its date; its one-month deadline shows on Vandaag."""
        from klantapp.avg.inzage import record_request

        request = record_request(self._cb(), person_id, received_on)
        self.changed.emit("inzage_requests", str(request["id"]))
        return request

    def save_inzage(
        self,
        person_id: str,
        pdf_path: str,
        json_path: str | None,
        *,
        include_restricted: bool,
        received_on: date | None,
    ) -> Any:
        """Slow (a PDF): run in a worker, then :meth:`notify`. Makes the inzage
        (logged; ``include_restricted`` is the user's confirmation, logged too; answers
        the open request, or records one received on ``received_on`` first) and writes
        the files the user chose, readable by this user only."""
        from pathlib import Path

        from klantapp.avg.inzage import make_inzage
        from ui.letters import write_private_file

        made = make_inzage(
            self._cb(), person_id, include_restricted=include_restricted, received_on=received_on
        )
        for path, data in ((pdf_path, made.pdf), (json_path, made.json)):
            if path:
                write_private_file(Path(path), data)
        return made.document

    # correction and withdrawal (art. 16 and 17 AVG)
    def correct(
        self, kind: str, record_id: str, changes: dict[str, Any], *, reason: str, source: str
    ) -> list[str]:
        """Slow (compacts the casebook): run in a worker, then :meth:`notify`."""
        from klantapp.avg.correction import correct_record

        return correct_record(self._cb(), kind, record_id, changes, reason=reason, source=source)

    def withdrawal_of(self, kind: str, record_id: str) -> Any:
        from klantapp.avg.correction import withdrawal_of

        return withdrawal_of(self._cb(), kind, record_id)

    def withdraw(self, kind: str, record_id: str, *, reason: str, source: str) -> dict[str, int]:
        """Slow (compacts the casebook): run in a worker, then :meth:`notify`."""
        from klantapp.avg.correction import withdraw_record

        return withdraw_record(self._cb(), kind, record_id, reason=reason, source=source)

    # retention and destruction
    def retention_rules(self) -> list[dict[str, Any]]:
        from klantapp.avg.retention import rules_table

        return rules_table(self._cb())

    def retention_due(self, on: date) -> Any:
        """What a destruction run on ``on`` would remove (a DuePlan)."""
        from klantapp.avg.retention import due

        return due(self._cb(), on)

    def destroy_due(self, on: date, confirmed: Any) -> Any:
        """Slow (one big change and a compaction): run in a worker, then :meth:`notify`.
        Destroys what is due on ``on``, only if that is still exactly the ``confirmed``
        plan (a sync may have changed it since the user looked)."""
        from klantapp.avg.retention import destroy, due
        from klantapp.errors import KlantappError

        plan = due(self._cb(), on)
        if sorted(plan.rows) != sorted(confirmed.rows):
            raise KlantappError(
                _("Wat aan de beurt is, is intussen veranderd; er is niets vernietigd."),
                hint=_("Bekijk opnieuw wat aan de beurt is en bevestig dan opnieuw."),
            )
        return destroy(self._cb(), plan)

    def destruction_log(self) -> list[dict[str, Any]]:
        from klantapp.avg.retention import destruction_log

        return destruction_log(self._cb())

    def office_decides(self, key: str) -> bool:
        """Is setting ``key`` the central office's here? On a joined laptop every shared
        setting is (the device's own, such as the klantmanager's name, are not)."""
        from klantapp.domain.settings import setting

        return setting(key).scope == "shared" and self.sync_role() == "laptop"

    def due_items(self, on: date, horizon_days: int = 14) -> list[Any]:
        from klantapp.casebook.due import due_items

        return due_items(self._cb(), on, horizon_days=horizon_days)

    def referrals_for_partner(self, partner_id: str) -> list[dict[str, Any]]:
        from klantapp.casebook import queries

        return queries.referrals_for_partner(self._cb(), partner_id)

    # --- import -------------------------------------------------------------------------
    def import_json_file(self, path: str) -> dict[str, int]:
        """Slow: read a JSON export and import it, all or nothing (worker thread)."""
        from klantapp.casebook import jsonio
        from klantapp.errors import KlantappError

        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise KlantappError(
                _("Dit bestand kan niet worden gelezen als Klantapp-export (JSON)."),
                hint=_("Kies een bestand dat met 'klantapp export-json' is gemaakt."),
            ) from exc
        # UTF-8 with or without a byte-order mark; not JSON or absurdly deep: InvalidInput
        doc = jsonio.load_document(raw, path)
        return dict(jsonio.import_document(self._cb(), doc))

    def notify_all_changed(self) -> None:
        self.changed.emit("", "")

    # --- sync with the central office (klantapp.sync; the UI only calls it) ------------
    def sync_role(self) -> str | None:
        """ "laptop", "hub" (the central office's casebook) or None (not joined)."""
        from klantapp.sync import state

        return state.role(self._cb())

    def sync_folder(self) -> str | None:
        from klantapp.sync import state

        return state.folder(self._cb())

    def set_sync_folder(self, folder: str) -> None:
        from klantapp.sync import state

        state.set_folder(self._cb(), folder)
        self.changed.emit("sync", "folder")

    def sync_status(self) -> dict[str, Any]:
        """For the status area: counts, last sync, refusal (laptop or hub)."""
        from klantapp.sync import laptop
        from klantapp.sync.hub import office

        if self.sync_role() == "hub":
            return {"role": "hub", **office.status(self._cb())}
        return {"role": self.sync_role(), **laptop.status(self._cb())}

    def join_office(self, card_text: str, name: str, passphrase: str, folder: str) -> Any:
        """Slow (a key derivation for the new recovery keyslot; the folder may be a slow
        share): run in a worker. Joins, makes the office's recovery key this casebook's,
        keeps the folder and leaves the enrolment request in it."""
        from pathlib import Path

        from klantapp.errors import KlantappError
        from klantapp.sync import laptop, state, transport

        if not transport.writable(Path(folder)):
            raise KlantappError(
                _("De uitwisselmap {folder} is niet bereikbaar of niet beschrijfbaar.").format(
                    folder=folder
                ),
                hint=_(
                    "Kies een map op de netwerkschijf van het centrale kantoor of een USB-stick."
                ),
            )
        cb = self._cb()
        joined = laptop.join(cb, card_text, name)
        cb.change_recovery_key(joined.office_card.recovery_recipient, passphrase, self.kdf)
        state.set_folder(cb, folder)
        transport.send_request(Path(folder), cb.device_id, joined.request_text)
        return joined

    def run_sync(self, folder: str, *, settle: float, progress: Any = None) -> Any:
        """Slow (reads and writes the folder): run in a worker. A laptop's RunReport or
        the hub's HubReport."""
        from pathlib import Path

        from klantapp.sync import laptop
        from klantapp.sync.hub import exchange

        cb = self._cb()
        if self.sync_role() == "hub":
            return exchange.sync(cb, Path(folder), settle=settle)
        return laptop.run(cb, Path(folder), progress=progress, settle=settle)

    def dismiss_notice(self, notice_id: str) -> None:
        from klantapp.sync import laptop

        laptop.dismiss_notice(self._cb(), notice_id)

    def conflicts(self, household_id: str | None = None) -> list[dict[str, Any]]:
        from klantapp.sync import conflicts

        found = conflicts.list_conflicts(self._cb())
        return [c for c in found if household_id is None or c["household_id"] == household_id]

    def reveal_conflict(self, conflict_id: str) -> dict[str, Any] | None:
        """One conflict with its health values shown (the klantmanager asked): the
        reveal is logged, as on the record's own form."""
        from klantapp.sync import conflicts

        found = conflicts.list_conflicts(self._cb(), show_restricted=True)
        conflict = next((c for c in found if c["id"] == conflict_id), None)
        if conflict is not None and conflict["restricted"]:
            self.log_restricted_read(
                conflict["table"],
                {"id": conflict["row_id"], "household_id": conflict["household_id"]},
            )
        return conflict

    def resolve_conflict(self, conflict_id: str, *, keep_losing_value: bool) -> None:
        from klantapp.sync import conflicts

        conflicts.resolve(self._cb(), conflict_id, keep_losing_value=keep_losing_value)
        self.changed.emit("conflicts", conflict_id)

    def owner_of(self, household_id: str) -> tuple[str | None, str]:
        """(owner device, the klantmanager's name) of a household; the name is "" when
        it is not known here."""
        from klantapp.sync import laptop, scope, state

        cb = self._cb()
        with cb.reading() as conn:
            owner = scope.owner_of(conn, household_id)
            names = dict(state.get_in(conn, "sync_state", laptop.NAMES, {}) or {})
            peers = state.all_of(conn, "sync_peers")
        name = names.get(owner or "") or (peers.get(owner or "") or {}).get("name") or ""
        return owner, str(name)

    def device_id(self) -> str:
        return self._cb().device_id

    def devices(self) -> list[dict[str, Any]]:
        from klantapp.sync.hub import office

        return office.devices(self._cb())

    def quarantined(self, device_id: str | None = None) -> list[dict[str, Any]]:
        from klantapp.sync.hub import quarantine

        return quarantine.listing(self._cb(), device_id)

    def enrol(self, request_text: str) -> Any:
        from klantapp.sync.hub import office

        enrolled = office.enrol(self._cb(), request_text)
        self.changed.emit("devices", enrolled.device_id)
        return enrolled

    def revoke(self, device_id: str) -> None:
        from klantapp.sync.hub import office

        office.revoke(self._cb(), device_id)
        self.changed.emit("devices", device_id)

    def assign(self, household_ids: list[str], device_id: str) -> None:
        from klantapp.sync.hub import office

        office.assign_many(self._cb(), household_ids, device_id)
        self.changed.emit("households", "")

    def office_card(self) -> str:
        from klantapp.sync.hub import office

        return office.office_card(self._cb())[1]

    def recover_casebook(self, path: str, new_passphrase: str) -> list[str]:
        """Slow (opens another casebook, a key derivation): run in a worker."""
        from klantapp.sync.hub import office

        return office.recover(self._cb(), path, new_passphrase, kdf=self.kdf)

    # --- letters -----------------------------------------------------------------------
    def letter_pdf(self, appointment_id: str, lang: str | None = None) -> bytes:
        from klantapp import letters

        return letters.letter_pdf(self._cb(), appointment_id, lang=lang)

    def day_letters_pdf(self, day: date, progress: Any = None) -> bytes:
        """Slow: run in a worker."""
        from klantapp import letters

        return letters.day_letters_pdf(self._cb(), day, progress=progress)
