"""A full check of an open casebook: SQLite integrity, search index, references."""

from __future__ import annotations

from dataclasses import dataclass, field

from klantapp.casebook.casebook import Casebook
from klantapp.domain.records import RECORD_KINDS
from klantapp.i18n import _


@dataclass
class VerifyReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, line: str) -> None:
        self.ok = False
        self.lines.append(_("FOUT: {problem}").format(problem=line))


def verify(cb: Casebook) -> VerifyReport:
    """Decryption and journal replay already succeeded when the casebook opened; this
    checks what lies beyond: database integrity, the full-text indexes against their
    tables, and references between records."""
    report = VerifyReport()
    if not cb.complete:
        report.fail(_("er ontbreken opgeslagen wijzigingen (zie de melding hierboven)"))
    with cb.reading() as conn:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            for r in result[:20]:
                report.fail(_("database: {problem}").format(problem=r))
        for kind, rk in RECORD_KINDS.items():
            if any(f.searchable for f in rk.fields):
                try:
                    conn.execute(
                        f"INSERT INTO {kind}_fts({kind}_fts, rank) VALUES ('integrity-check', 1)"
                    )
                except Exception as exc:  # sqlite3.DatabaseError: index differs from the table
                    report.fail(_("zoekindex {kind}: {problem}").format(kind=kind, problem=exc))
            for f in rk.fields:
                if f.kind == "ref" and f.ref:
                    orphans = conn.execute(
                        f"SELECT count(*) FROM {kind} WHERE {f.name} IS NOT NULL "
                        f"AND {f.name} NOT IN (SELECT id FROM {f.ref})"
                    ).fetchone()[0]
                    if orphans:
                        report.fail(
                            _("{count} {records} verwijzen naar een ontbrekend {target}").format(
                                count=orphans, records=_(rk.label_plural).lower(), target=f.ref
                            )
                        )
        counts = {k: conn.execute(f"SELECT count(*) FROM {k}").fetchone()[0] for k in RECORD_KINDS}
    report.lines.insert(
        0, _("Dossier geopend en ontsleuteld; alle wijzigingen zijn gecontroleerd.")
    )
    contents = ", ".join(
        _("{count} {records}").format(count=n, records=_(RECORD_KINDS[k].label_plural).lower())
        for k, n in counts.items()
    )
    report.lines.append(_("Inhoud: {contents}").format(contents=contents))
    if report.ok:
        report.lines.append(_("Alles in orde."))
    return report
