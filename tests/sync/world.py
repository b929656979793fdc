"""A central office and its laptops in temporary folders, driven through the core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klantapp.casebook import Casebook, queries, services
from klantapp.sync import laptop
from klantapp.sync.hub import exchange, office
from klantapp.vault import KdfParams

PASSPHRASE = "een lange test wachtwoordzin"


@dataclass
class World:
    root: Path
    hub: Casebook
    folder: Path
    laptops: dict[str, Casebook] = field(default_factory=dict)
    # devices the office found with another state digest than its own (each time)
    digests_differed: list[str] = field(default_factory=list)

    @classmethod
    @contextmanager
    def opened(cls, root: Path) -> Iterator[World]:
        """A world for one test: every casebook in it is closed afterwards."""
        world = cls.make(root)
        try:
            yield world
        finally:
            world.close()

    @classmethod
    def make(cls, root: Path, gemeente: str = "Heuveldal") -> World:
        hub, _secret = Casebook.create(
            root / "hub", PASSPHRASE, kdf=KdfParams.for_tests(), actor="kantoor"
        )
        office.make_hub(hub, gemeente)
        folder = root / "uitwissel"
        folder.mkdir()
        return cls(root, hub, folder)

    def add_laptop(self, name: str, *, enrol: bool = True) -> Casebook:
        cb, _secret = Casebook.create(
            self.root / f"laptop-{name}", PASSPHRASE, kdf=KdfParams.for_tests(), actor=name
        )
        _card, card_text = office.office_card(self.hub)
        joined = laptop.join(cb, card_text, name)
        if enrol:
            office.enrol(self.hub, joined.request_text)
        self.laptops[name] = cb
        return cb

    def sync_laptop(self, name: str) -> laptop.RunReport:
        return laptop.run(self.laptops[name], self.folder, settle=0)

    def sync_hub(self) -> exchange.HubReport:
        report = exchange.sync(self.hub, self.folder, settle=0)
        self.digests_differed += report.digest_differed
        return report

    def settle(self, rounds: int = 3) -> None:
        """Everyone syncs until nothing moves (laptops, hub, laptops, ...)."""
        for _ in range(rounds):
            for name in self.laptops:
                self.sync_laptop(name)
            self.sync_hub()
        for name in self.laptops:
            self.sync_laptop(name)

    def reopen(self, name: str) -> Casebook:
        cb = self.laptops[name] if name != "hub" else self.hub
        path = cb.path
        cb.close()
        fresh = Casebook.open(path, PASSPHRASE, actor=name)
        if name == "hub":
            self.hub = fresh
        else:
            self.laptops[name] = fresh
        return fresh

    def close(self) -> None:
        for cb in [self.hub, *self.laptops.values()]:
            cb.close()


def household(cb: Casebook, name: str, **extra: Any) -> str:
    return services.add_record(cb, "households", {"name": name, "status": "azc", **extra})


def racing_edits(world: World, laptop: Casebook) -> tuple[str, str]:
    """Familie Tesfay on ``laptop`` with its aanvrager, at the office too; then the office
    and the laptop each edit the household's city (Kantoorstad, Annastad) and the
    member's health note (Zqxkantoor, Zqxanna) before either has heard of the other, and
    everyone syncs: two conflicts, one about health data. (household id, person id)"""
    hid = household(laptop, "Familie Tesfay")
    pid = services.add_record(
        laptop,
        "persons",
        {"household_id": hid, "role": "aanvrager", "family_name": "Tesfay", "health_note": "a"},
    )
    world.settle()
    services.update_record(world.hub, "households", hid, {"city": "Kantoorstad"})
    services.update_record(laptop, "households", hid, {"city": "Annastad"})
    services.update_record(world.hub, "persons", pid, {"health_note": "Zqxkantoor"})
    services.update_record(laptop, "persons", pid, {"health_note": "Zqxanna"})
    world.settle()
    return hid, pid


def names(cb: Casebook) -> list[str]:
    return sorted(h["name"] for h in queries.list_households(cb))


def state(
    cb: Casebook, tables: tuple[str, ...] = ("households", "persons", "notes", "partners")
) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with cb.reading() as conn:
        for table in tables:
            out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    return out
