"""Sub-commands of the central office (hub mode): ``klantapp hub ...``.

init, card, export-identity, enrol, sync, devices, quarantine, assign, revoke, recover. The hub's
passphrase comes from KLANTAPP_PASSPHRASE or a prompt; ``recover`` takes the laptop
casebook's new passphrase from KLANTAPP_NEW_PASSPHRASE or a prompt. Exit code 6: a
bundle or device was refused (``hub sync`` applies every other good bundle first).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from klantapp.commands.common import (
    NEW_PASSPHRASE_ENV,
    actor,
    add_recovery_key_options,
    confirm,
    log_restricted_reads,
    open_casebook,
    open_to_log,
    read_new_passphrase,
    read_text_file,
    recovery_key,
    report_waiting,
    say,
    write_output,
)
from klantapp.commands.sync import REFUSED_EXIT, _settle_option
from klantapp.errors import UsageError
from klantapp.i18n import _, ngettext


def _hub_path(parser: Any) -> None:
    parser.add_argument(
        "hub", metavar="HUB", help=_("de map van het dossier van het centrale kantoor")
    )


def _cmd_init(args: argparse.Namespace) -> int:
    from klantapp.casebook import Casebook
    from klantapp.sync.hub import office
    from klantapp.vault.recovery import secret_file_text

    recipient = recovery_key(args)
    if recipient is None and not args.recovery_secret_out:
        raise UsageError(
            _(
                "Ook het dossier van het centrale kantoor heeft een herstelsleutel nodig, "
                "voor als de wachtwoordzin vergeten is."
            ),
            hint=_(
                "Geef een openbare sleutel die buiten dit dossier wordt bewaard "
                "(--recovery-key age1...), of laat er een maken met --recovery-secret-out "
                "BESTAND op een USB-stick die in de kluis gaat."
            ),
        )
    if args.recovery_secret_out and Path(args.recovery_secret_out).exists():
        raise UsageError(
            _("{path} bestaat al; kies een nieuw bestand.").format(path=args.recovery_secret_out)
        )
    passphrase = read_new_passphrase()
    cb, secret = Casebook.create(args.hub, passphrase, recovery_recipient=recipient, actor=actor())
    try:
        office.make_hub(cb, args.gemeente)
        if secret is not None:
            text = secret_file_text(secret, Path(args.hub).name)
            write_output(args.recovery_secret_out, text.encode("utf-8"), personal=False)
            say(
                _(
                    "Herstelsleutel van het kantoordossier geschreven naar {path}. Bewaar dat "
                    "bestand buiten deze computer (kluis) en verwijder het hier."
                ).format(path=args.recovery_secret_out)
            )
    finally:
        cb.close()
    print(
        _("Centraal kantoor {gemeente} ingericht in {path}.").format(
            gemeente=args.gemeente, path=args.hub
        )
    )
    print(
        _(
            "Maak nu het kantoorkaartje voor de laptops: klantapp hub card {path} -o kantoor.kcard"
        ).format(path=args.hub)
    )
    return 0


def _cmd_card(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub) as cb:
        card, text = office.office_card(cb)
    write_output(args.output, text.encode("utf-8"), personal=False)
    print(_("Kantoorkaartje geschreven naar {path}.").format(path=args.output))
    print(
        _("Code van het centrale kantoor (om telefonisch te vergelijken): {code}").format(
            code=card.fingerprint()
        )
    )
    return 0


def _cmd_export_identity(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub) as cb:
        text = office.identity_file(cb)
    write_output(args.output, text.encode("ascii"), personal=False)
    say(
        _(
            "Let op: {path} is de geheime sleutel waarmee elke bundel aan het centrale kantoor "
            "te openen is (age -d -i {path}). Geef hem alleen aan wie dat mag, bewaar hem "
            "veilig en verwijder hem als hij niet meer nodig is."
        ).format(path=args.output)
    )
    return 0


def _cmd_enrol(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    request = read_text_file(args.request)
    with open_casebook(args.hub, writable=True) as cb:
        done = office.enrol(cb, request)
    print(_("Apparaat van {name} aangemeld ({id}).").format(name=done.name, id=done.device_id))
    print(_("Vergelijk telefonisch met de klantmanager:"))
    print(_("  het apparaat:      {code}").format(code=done.device_fingerprint))
    print(_("  centraal kantoor:  {code}").format(code=done.office_fingerprint))
    print(_("Als een code niet gelijk is: trek het apparaat in (klantapp hub revoke)."))
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import exchange

    with open_casebook(args.hub, writable=True) as cb:
        report = exchange.sync(cb, Path(args.folder), settle=args.settle)
    print(
        _("Verwerkt: {bundles}, {changes}; {conflicts}; geschreven: {written}.").format(
            bundles=ngettext("{n} bundel", "{n} bundels", report.received).format(
                n=report.received
            ),
            changes=ngettext("{n} wijziging", "{n} wijzigingen", report.applied_changes).format(
                n=report.applied_changes
            ),
            conflicts=ngettext("{n} conflict", "{n} conflicten", report.conflicts).format(
                n=report.conflicts
            ),
            written=ngettext("{n} bundel", "{n} bundels", len(report.written)).format(
                n=len(report.written)
            ),
        )
    )
    for name in report.waiting:
        print(_("Wacht op een eerdere bundel: {name}").format(name=name))
    for device in report.digest_differed:
        print(
            _(
                "Wat apparaat {device} heeft, wijkt af van wat het kantoor ervan heeft: "
                "het krijgt zijn huishoudens en de gedeelde gegevens opnieuw."
            ).format(device=device)
        )
    report_waiting(report.settling, report.unfinished)
    for q in report.quarantined:
        say(_("Apart gezet (niet toegepast): bundel {bundle} van {device} ({reason}).").format(**q))
    for r in report.refused:
        say(_("Geweigerd: {file} van {device} ({reason}): {message}").format(**r))
    return REFUSED_EXIT if report.refused or report.quarantined else 0


def _cmd_devices(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub) as cb:
        found = office.devices(cb)
    if args.json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    if not found:
        print(_("Nog geen apparaten aangemeld."))
    for d in found:
        print(
            _(
                "{name} ({id}): {state}; {households}; laatst {last}; bevestigd t/m {seq}; apart gezet: {q}"
            ).format(
                name=d["name"],
                id=d["id"],
                state=_state_label(d["state"]),
                households=ngettext("{n} huishouden", "{n} huishoudens", d["households"]).format(
                    n=d["households"]
                ),
                last=d["last_sync_at"] or _("nog nooit"),
                seq=d["last_acknowledged_seq"],
                q=d["quarantined_bundles"],
            )
        )
        print(_("  minisign: {key}").format(key=d["minisign_public_key"]))
    return 0


def _state_label(state: str) -> str:
    return {
        "ok": _("bij"),
        "behind": _("loopt achter"),
        "refused": _("geweigerd"),
        "revoked": _("ingetrokken"),
        "new": _("nog niet uitgewisseld"),
    }.get(state, state)


def _cmd_quarantine(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import quarantine

    if args.show and args.dismiss:
        raise UsageError(_("Kies --show of --dismiss, niet allebei."))
    if args.dismiss:
        with open_casebook(args.hub, writable=True) as cb:
            item = quarantine.show(cb, args.dismiss)  # (unknown id: stops here)
            _print_kept(item)
            confirm(
                _("Dit apart gezette wordt verwijderd en niet meer toegepast. Doorgaan?"),
                yes=args.yes,
            )
            quarantine.dismiss(cb, args.dismiss)
        print(_("Verwijderd: {id} (vastgelegd in het logboek).").format(id=args.dismiss))
        return 0
    revealing = bool(args.show and args.show_restricted)
    with open_to_log(args.hub) if revealing else open_casebook(args.hub) as cb:
        if args.show:
            found: Any = quarantine.show(cb, args.show, show_restricted=args.show_restricted)
            if revealing:
                log_restricted_reads(
                    cb,
                    [
                        op
                        for change in found["change_list"]
                        for op in change["operations"]
                        if op["restricted"]
                    ],
                )
        else:
            found = quarantine.listing(cb)
    if args.json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    if args.show:
        _print_kept(found)
        for number, change in enumerate(found["change_list"], start=1):
            print(
                _("Wijziging {n} ({first}-{last}), {who}, {at}: {summary}").format(
                    n=number,
                    first=change["first_seq"],
                    last=change["last_seq"],
                    who=change["actor"] or "?",
                    at=change["at"] or "?",
                    summary=change["summary"] or "-",
                )
            )
            for op in change["operations"]:
                print(
                    "  "
                    + _("{record} {id}{household}: {what}").format(
                        record=op["record"],
                        id=op["row_id"],
                        household=f" ({op['household']})" if op["household"] else "",
                        what=op["op_label"],
                    )
                )
                for f in op["fields"]:
                    print(f"    {f['field_label']}: {f['text']}")
        if found["withheld"]:
            say(_("Vertrouwelijke waarden zijn weggelaten; toon ze met --show-restricted."))
        return 0
    if not found:
        print(_("Er is niets apart gezet."))
    for item in found:
        _print_kept(item)
    return 0


def _print_kept(item: dict[str, Any]) -> None:
    """One kept item, without values: who, why, when, what it touches."""
    print(
        _("{id}: van {device}, {when}; {changes}").format(
            id=item["id"],
            device=item["device_name"],
            when=item["received_at"] or "?",
            changes=ngettext("{n} wijziging", "{n} wijzigingen", item["changes"]).format(
                n=item["changes"]
            ),
        )
    )
    print("  " + item["reason_text"])
    if item.get("message"):
        print("  " + str(item["message"]))
    if not item["readable"]:
        print("  " + _("De inhoud is niet leesbaar (beschadigd)."))
    for household in item["households"]:
        print(
            "  "
            + _("huishouden {name} ({id})").format(
                name=household["name"] or _("(niet bij het kantoor)"), id=household["id"]
            )
        )
    for record in item["records"]:
        print(
            "  "
            + _("{record} {id}: {fields}").format(
                record=record["record"],
                id=record["row_id"],
                fields=", ".join(record["field_labels"] or record["operation_labels"]),
            )
        )


def _cmd_assign(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub, writable=True) as cb:
        previous = office.assign(cb, args.household, args.device)
    print(
        _("Huishouden {household} is toegewezen aan {device}.").format(
            household=args.household, device=args.device
        )
    )
    if previous and previous != args.device:
        print(
            _("Het verlaat de laptop van {device} zodra die alles heeft verstuurd.").format(
                device=previous
            )
        )
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub, writable=True) as cb:
        office.revoke(cb, args.device)
    print(
        _(
            "Apparaat {device} is ingetrokken: zijn bundels worden apart gezet, niet toegepast."
        ).format(device=args.device)
    )
    print(_("Wijs de huishoudens van dit apparaat toe aan een ander (klantapp hub assign)."))
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from klantapp.sync.hub import office

    with open_casebook(args.hub) as hub:
        with hub.reading() as conn:
            office.require_hub(conn)
        new = read_new_passphrase(env=NEW_PASSPHRASE_ENV)
        for warning in office.recover(hub, args.casebook, new, actor=actor()):
            say(_("Let op: {warning}").format(warning=warning))
    print(
        _(
            "Het dossier {path} heeft een nieuwe wachtwoordzin; de oude opent het niet meer. "
            "Geef de nieuwe wachtwoordzin persoonlijk aan de klantmanager."
        ).format(path=args.casebook)
    )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("hub", help=_("het dossier van het centrale kantoor"))
    inner = p.add_subparsers(dest="hub_command", metavar=_("OPDRACHT"))

    c = inner.add_parser(
        "init",
        help=_("richt het dossier en de sleutels van het centrale kantoor in"),
        description=_(
            "Maak het dossier van het centrale kantoor met de sleutels van het kantoor erin "
            "(voor bundels, de lijst van apparaten en de herstelsleutel van de laptops)."
        ),
    )
    _hub_path(c)
    c.add_argument("--gemeente", required=True, help=_("naam van de gemeente"))
    add_recovery_key_options(c, _("openbare herstelsleutel voor dit kantoordossier"))
    c.add_argument(
        "--recovery-secret-out",
        metavar=_("BESTAND"),
        help=_("maak een herstelsleutel en schrijf het geheime deel hierheen"),
    )
    c.set_defaults(func=_cmd_init)

    c = inner.add_parser("card", help=_("het openbare kantoorkaartje voor de laptops"))
    _hub_path(c)
    c.add_argument("-o", "--output", required=True, metavar=_("BESTAND"))
    c.set_defaults(func=_cmd_card)

    c = inner.add_parser(
        "export-identity",
        help=_("de geheime age-sleutel van het kantoor, voor een controleur"),
    )
    _hub_path(c)
    c.add_argument("-o", "--output", required=True, metavar=_("BESTAND"))
    c.set_defaults(func=_cmd_export_identity)

    c = inner.add_parser("enrol", help=_("meld een laptop aan (aanmeldverzoek)"))
    _hub_path(c)
    c.add_argument("request", metavar=_("VERZOEK"))
    c.set_defaults(func=_cmd_enrol)

    c = inner.add_parser(
        "sync",
        help=_("verwerk de bundels van alle laptops en schrijf er één per laptop"),
    )
    _hub_path(c)
    c.add_argument("--folder", required=True, metavar=_("MAP"), help=_("de uitwisselmap"))
    _settle_option(c)
    c.set_defaults(func=_cmd_sync)

    c = inner.add_parser("devices", help=_("de aangemelde apparaten en hun stand"))
    _hub_path(c)
    c.add_argument("--json", action="store_true", help=_("als JSON"))
    c.set_defaults(func=_cmd_devices)

    c = inner.add_parser(
        "quarantine",
        help=_("wat het kantoor apart zette: bekijken, tonen, verwijderen"),
        description=_(
            "Zonder opties: alles wat apart is gezet (niet toegepast), met apparaat, reden, "
            "moment en welke huishoudens, gegevens en velden het raakt. --show ID toont de "
            "wijzigingen zelf; --dismiss ID verwijdert het (na bevestiging, vastgelegd in "
            "het logboek)."
        ),
    )
    _hub_path(c)
    c.add_argument("--json", action="store_true", help=_("als JSON"))
    c.add_argument("--show", metavar="ID", help=_("toon de wijzigingen van één item"))
    c.add_argument(
        "--show-restricted", action="store_true", help=_("toon ook vertrouwelijke waarden")
    )
    c.add_argument("--dismiss", metavar="ID", help=_("verwijder één item (niet toepassen)"))
    c.add_argument("--yes", action="store_true", help=_("bevestig zonder vraag (scripts)"))
    c.set_defaults(func=_cmd_quarantine)

    c = inner.add_parser("assign", help=_("wijs een huishouden toe aan een apparaat"))
    _hub_path(c)
    c.add_argument("household", metavar="HOUSEHOLD_ID")
    c.add_argument("device", metavar="DEVICE_ID")
    c.set_defaults(func=_cmd_assign)

    c = inner.add_parser("revoke", help=_("trek een apparaat in"))
    _hub_path(c)
    c.add_argument("device", metavar="DEVICE_ID")
    c.set_defaults(func=_cmd_revoke)

    c = inner.add_parser(
        "recover",
        help=_(
            "nieuwe wachtwoordzin voor een laptopdossier, met de herstelsleutel van het kantoor"
        ),
        description=_(
            "Voor een klantmanager die de wachtwoordzin vergat: open het laptopdossier met de "
            "herstelsleutel die in het kantoordossier zit en zet een nieuwe wachtwoordzin "
            "(prompt of {env}). De geheime sleutel komt nooit in een los bestand."
        ).format(env=NEW_PASSPHRASE_ENV),
    )
    _hub_path(c)
    c.add_argument("casebook", metavar=_("DOSSIER"), help=_("de map van het laptopdossier"))
    c.set_defaults(func=_cmd_recover)
