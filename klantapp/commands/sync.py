"""Sync sub-commands on a laptop: sync join / run / status, conflicts, bundle inspect.

Exit code 6: a bundle or this device was refused (each refusal is named on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from klantapp.commands.common import (
    actor,
    add_path,
    log_restricted_reads,
    open_casebook,
    open_to_log,
    read_passphrase,
    read_text_file,
    report_waiting,
    say,
    show_warnings,
    write_output,
)
from klantapp.errors import Refused, UsageError
from klantapp.i18n import _, ngettext

REFUSED_EXIT = 6


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def _cmd_join(args: argparse.Namespace) -> int:
    from klantapp.casebook import Casebook
    from klantapp.sync import laptop

    card_text = read_text_file(args.card)
    passphrase = read_passphrase()
    cb = Casebook.open(args.path, passphrase, writable=True, actor=actor())
    try:
        show_warnings(cb)
        joined = laptop.join(cb, card_text, args.name)
        # the central office's recovery key becomes this casebook's recovery keyslot
        cb.change_recovery_key(joined.office_card.recovery_recipient, passphrase)
        write_output(args.output, joined.request_text.encode("utf-8"), personal=False)
    finally:
        cb.close()
    print(_("Aanmeldverzoek geschreven naar {path}.").format(path=args.output))
    print(_("Bel het centrale kantoor en vergelijk deze twee codes:"))
    print(_("  dit apparaat:      {code}").format(code=joined.device_fingerprint))
    print(_("  centraal kantoor:  {code}").format(code=joined.office_fingerprint))
    print(
        _("De herstelsleutel van het dossier is nu die van {gemeente}.").format(
            gemeente=joined.office_card.gemeente
        )
    )
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from klantapp.sync import laptop

    with open_casebook(args.path, writable=True) as cb:
        report = laptop.run(cb, Path(args.folder), settle=args.settle)
    if report.refused_state:
        reason = report.refused_state.get("reason", "")
        say(laptop.refusal_text(str(reason)))
        return REFUSED_EXIT
    print(
        _("Ontvangen: {received}; verstuurd: {sent}.").format(
            received=ngettext("{n} bundel", "{n} bundels", report.received).format(
                n=report.received
            ),
            sent=ngettext("{n} wijziging", "{n} wijzigingen", report.sent_changes).format(
                n=report.sent_changes
            ),
        )
    )
    for notice in report.notices:
        print(notice)
    report_waiting(report.settling, report.unfinished)
    for name, reason, message in report.refused:
        say(
            _("Geweigerd: {file} ({reason}): {message}").format(
                file=name, reason=reason, message=message
            )
        )
    return REFUSED_EXIT if report.refused else 0


def _cmd_status(args: argparse.Namespace) -> int:
    from klantapp.sync import laptop

    with open_casebook(args.path) as cb:
        info = laptop.status(cb)
    if args.json:
        _print_json(info)
        return REFUSED_EXIT if info["refused"] else 0
    if not info["joined"]:
        print(_("Niet aangemeld bij een centraal kantoor."))
        return 0
    print(_("Centraal kantoor: {gemeente}").format(gemeente=info["gemeente"]))
    print(_("Dit apparaat: {name} ({id})").format(name=info["device_name"], id=info["device_id"]))
    last = info["last_sync"] or {}
    print(_("Laatst uitgewisseld: {at}").format(at=last.get("at") or _("nog nooit")))
    print(_("Nog niet bevestigd door het kantoor: {n}").format(n=info["unsent_changes"]))
    print(_("Open conflicten: {n}").format(n=info["open_conflicts"]))
    print(_("Versie van de lijst van apparaten: {n}").format(n=info["roster_version"]))
    if info["refused"]:
        say(laptop.refusal_text(str(info["refused"].get("reason", ""))))
        return REFUSED_EXIT
    for notice in info["notices"]:
        print(notice.get("text", ""))
    return 0


def _cmd_conflicts(args: argparse.Namespace) -> int:
    from klantapp.sync import conflicts

    opened = open_to_log(args.path) if args.show_restricted else open_casebook(args.path)
    with opened as cb:
        found = conflicts.list_conflicts(cb, show_restricted=args.show_restricted)
        log_restricted_reads(cb, [c for c in found if c["restricted"]])
    if args.json:
        _print_json(found)
        return 0
    if not found:
        print(_("Geen conflicten."))
        return 0
    for c in found:
        print(
            _("{record} ({household}), {field}:").format(
                record=c["record"], household=c["household"] or _("gedeeld"), field=c["field_label"]
            )
        )
        print(
            _("  bewaard:  {value}  — {who}, {when}").format(
                value=c["kept_text"], who=c["kept_actor"] or "?", when=c["kept_at"] or "?"
            )
        )
        print(
            _("  geldend:  {value}  — {who}, {when}").format(
                value=c["current_text"], who=c["winner_actor"] or "?", when=c["winner_at"] or "?"
            )
        )
        print(_("  status:   {status}").format(status=c["status_label"]))
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from klantapp.crypto import agefile
    from klantapp.sync import bundle, minisign

    if not args.signer_key and not args.hub:
        raise UsageError(
            _(
                "Zonder de openbare sleutel van de afzender is niet te controleren wie deze "
                "bundel maakte; er is niets getoond."
            ),
            hint=_(
                "Geef --hub HUB (de sleutels uit de lijst van apparaten van het centrale "
                "kantoor) of --signer-key BESTAND (de minisign-sleutel van de afzender, die "
                "klantapp hub devices toont)."
            ),
        )
    if not args.identity and not args.hub:
        raise UsageError(
            _("Geef de geheime age-sleutel die de bundel opent: --identity BESTAND of --hub HUB.")
        )
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(_("Kan {path} niet lezen.").format(path=args.file)) from exc
    identities: list[str] = []
    if args.identity:
        identities.append(agefile.parse_identity_file(read_text_file(args.identity)))
    expected_hub_id = None
    signer: bundle.SignerLookup
    if args.hub:
        from klantapp.sync.hub import office

        with open_casebook(args.hub) as cb:
            known = office.bundle_keys(cb)
        if not identities:
            identities.append(known.age_identity)
        expected_hub_id = known.hub_id
        signer = known.signer_key
    else:
        key = minisign.parse_public_key(read_text_file(args.signer_key))
        signer = lambda _sender: key  # noqa: E731 - the one key asked for
    try:
        found = bundle.inspect_bundle(
            data, identities=identities, signer_key=signer, expected_hub_id=expected_hub_id
        )
    except Refused as exc:
        say(str(exc))
        return REFUSED_EXIT
    manifest = json.loads(found.manifest.to_json())
    report = {
        "manifest": manifest,
        "ops_bytes": found.ops_bytes,
        "ops_lines": found.ops_lines,
        "signed_by_key": found.signer_key_id,
        "signature_verified": found.signature_verified,
    }
    if args.json:
        _print_json(report)
        return 0
    print(
        _("Bundel {id} van {sender} aan het centrale kantoor {hub}").format(
            id=manifest["bundle_id"], sender=manifest["sender"], hub=manifest["hub_id"]
        )
    )
    print(
        _("Gemaakt: {at}; {lines} regels, {size} bytes").format(
            at=manifest["created_at"], lines=found.ops_lines, size=found.ops_bytes
        )
    )
    for device, (first, last) in manifest["ranges"].items():
        print(
            _("  wijzigingen van {device}: {first} t/m {last}").format(
                device=device, first=first, last=last
            )
        )
    print(_("Handtekening: klopt (sleutel {key}).").format(key=found.signer_key_id))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help=_("uitwisselen met het centrale kantoor"))
    inner = p.add_subparsers(dest="sync_command", metavar=_("OPDRACHT"))

    j = inner.add_parser(
        "join",
        help=_("meld dit dossier aan bij het centrale kantoor"),
        description=_(
            "Meld dit dossier aan met het kantoorkaartje van het centrale kantoor. Het "
            "schrijft een aanmeldverzoek voor het kantoor en toont twee codes om telefonisch "
            "te vergelijken. De herstelsleutel van het dossier wordt die van het kantoor."
        ),
    )
    add_path(j)
    j.add_argument("card", metavar=_("KAARTJE"), help=_("het kantoorkaartje (.kcard)"))
    j.add_argument("--name", required=True, help=_("uw naam, zoals het kantoor die ziet"))
    j.add_argument(
        "-o", "--output", required=True, metavar=_("VERZOEK"), help=_("het aanmeldverzoek (.kreq)")
    )
    j.set_defaults(func=_cmd_join)

    r = inner.add_parser(
        "run",
        help=_("verstuur, ontvang en verwerk bundels"),
        description=_(
            "Neem de bundels van het centrale kantoor uit de uitwisselmap, verwerk ze, en "
            "schrijf één bundel met alles wat het kantoor nog niet heeft bevestigd."
        ),
    )
    add_path(r)
    r.add_argument("--folder", required=True, metavar=_("MAP"), help=_("de uitwisselmap"))
    _settle_option(r)
    r.set_defaults(func=_cmd_run)

    s = inner.add_parser("status", help=_("stand van de uitwisseling"))
    add_path(s)
    s.add_argument("--json", action="store_true", help=_("als JSON"))
    s.set_defaults(func=_cmd_status)

    c = sub.add_parser(
        "conflicts",
        help=_("elke bewaarde waarde van gelijktijdige wijzigingen"),
        description=_(
            "Toon elke waarde die het verloor van een gelijktijdige wijziging, naast de "
            "geldende waarde, met wie en wanneer. Vertrouwelijke (gezondheids)gegevens "
            "alleen met --show-restricted."
        ),
    )
    add_path(c)
    c.add_argument("--json", action="store_true", help=_("als JSON"))
    c.add_argument(
        "--show-restricted", action="store_true", help=_("toon ook vertrouwelijke waarden")
    )
    c.set_defaults(func=_cmd_conflicts)

    b = sub.add_parser("bundle", help=_("een bundel bekijken"))
    binner = b.add_subparsers(dest="bundle_command", metavar=_("OPDRACHT"))
    i = binner.add_parser(
        "inspect",
        help=_("controleer en toon het manifest van een bundel, zonder iets toe te passen"),
    )
    i.add_argument("file", metavar=_("BUNDEL"))
    i.add_argument(
        "--identity",
        metavar=_("BESTAND"),
        help=_("de geheime age-sleutel die de bundel opent (met --hub: die van het kantoor)"),
    )
    keys = i.add_mutually_exclusive_group()
    keys.add_argument(
        "--signer-key", metavar=_("BESTAND"), help=_("de openbare minisign-sleutel van de afzender")
    )
    keys.add_argument(
        "--hub",
        metavar="HUB",
        help=_(
            "het dossier van het centrale kantoor: de sleutel van de afzender uit de lijst "
            "van apparaten"
        ),
    )
    i.add_argument("--json", action="store_true", help=_("als JSON"))
    i.set_defaults(func=_cmd_inspect)


def _settle_option(parser: Any) -> None:
    from klantapp.sync.transport import SETTLE_SECONDS

    parser.add_argument(
        "--settle",
        type=float,
        default=SETTLE_SECONDS,
        metavar=_("SECONDEN"),
        help=_(
            "hoe lang een bundel onveranderd moet zijn voordat hij wordt gelezen (een kopie "
            "die nog loopt, wordt overgeslagen); standaard {n}"
        ).format(n=SETTLE_SECONDS),
    )
