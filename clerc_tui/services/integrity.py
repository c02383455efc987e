"""`clerc check`, beyond the running totals: is the base what clerc wrote?

Anyone with write access to the SQLite file can type SQL; what matters is that a forgery
is seen. This reads (never writes) and names each break — table, row, what differs:

- `PRAGMA integrity_check` (the file itself) and `PRAGMA foreign_key_check` (orphan rows);
- the hash chains of the ledger and of the audit trail (models/chain.py): a row edited,
  deleted, inserted or moved;
- each ledger row against its audit entry (the values and the hash written with it), and
  each ledger audit entry against its row (a ledger row deleted at the end of the chain);
- invoice / credit-note and receipt numbers: no gap in a year, and the counter equal to
  the last number issued;
- each dossier a creditor import created against the digest of its rows that its batch's
  audit entry recorded (services/imports.tampered_imports).

And the running totals (`check_accounts`): each dossier's totals against the sum of its
entries, its stored balance against the décompte. See docs/trust.md.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from clerc_tui.models import Dossier, DossierAccount, LedgerEntry, chain
from clerc_tui.models.db import database, is_sqlite
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.ledger import ACCOUNT_FIELDS
from clerc_tui.rules.money import from_cents, to_cents
from clerc_tui.services.balances import balance_at, totals_from_entries
from clerc_tui.services.plain import tuples

TABLE_LABELS = {"ledger_entry": "journal des écritures", "audit_entry": "journal d'audit", "sequence": "compteurs"}
FIELD_LABELS = {
    "id": "n°",
    "dossier_id": "dossier",
    "kind": "nature",
    "entry_date": "date",
    "value_date": "date de valeur",
    "amount": "montant",
    "label": "libellé",
    "mode": "mode",
    "payer": "payeur",
    "bank_reference": "référence bancaire",
    "reverses_id": "écriture annulée",
    "reason": "motif",
    "created_by": "saisi par",
    "created_at": "saisi le",
    "bearer": "à la charge de",
    "breakdown": "détail",
    "document_number": "numéro de pièce",
    "support_reference": "justificatif",
    "run_id": "reversement",
    "row_hash": "empreinte",
}
NUMBER = re.compile(r"^([FR])(\d{4})-(\d{6})$")
SEQUENCE_OF_PREFIX = {"F": "facture", "R": "recu"}
SERIES_LABELS = {"F": "factures et avoirs", "R": "reçus"}


@dataclass(frozen=True)
class Break:
    table: str
    row_id: int | None
    what: str  # French

    def __str__(self) -> str:
        label = TABLE_LABELS.get(self.table)
        where = self.table + (f" n° {self.row_id}" if self.row_id is not None else "")
        return f"{where}{f' ({label})' if label else ''} — {self.what}"


def check_integrity() -> list[Break]:
    """Every break found, in the order of the checks above. Read only."""
    db = database.obj
    breaks: list[Break] = []
    if is_sqlite(db):
        breaks += _integrity_check(db)
        breaks += _orphans(db)
    ledger_rows: dict[int, tuple] = {}
    for table in chain.CHAINED:
        breaks += _walk(db, table, ledger_rows if table == "ledger_entry" else None)
    breaks += _against_audit(db, ledger_rows)
    breaks += _document_numbers(db)
    breaks += _imported_dossiers()
    return breaks


def _imported_dossiers() -> list[Break]:
    """Each dossier a creditor import created against the digest of its rows that the batch's
    audit entry recorded (services/imports.tampered_imports)."""
    from clerc_tui.services.imports import tampered_imports

    return [
        Break("dossier", dossier_id, f"dossier importé {what} (audit n° {audit_id})")
        for dossier_id, audit_id, what in tampered_imports()
    ]


def chain_heads() -> dict[str, tuple[int, str] | None]:
    """(last id, last hash) of each chain: what to note outside the base (docs/trust.md)."""
    return {table: chain.chain_head(database.obj, table) for table in chain.CHAINED}


def _integrity_check(db) -> list[Break]:
    messages = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall()]
    if messages == ["ok"]:
        return []
    return [Break("base", None, f"PRAGMA integrity_check : {message}") for message in messages]


def _orphans(db) -> list[Break]:
    out = []
    keys: dict[tuple[str, int], tuple[str, str]] = {}
    for table, rowid, parent, fkid in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        if (table, fkid) not in keys:
            for row in db.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall():
                keys[(table, row[0])] = (row[3], row[4] or "id")  # from, to
        column, _target = keys.get((table, fkid), ("?", "id"))
        value = db.execute_sql(f'SELECT "{column}" FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
        value = value[0] if value else "?"
        out.append(Break(table, rowid, f"ligne orpheline : {column} = {value}, mais {parent} n° {value} n'existe pas"))
    # run_id was added without a foreign key (m0006).
    for entry_id, run_id in db.execute_sql(
        'SELECT e."id", e."run_id" FROM "ledger_entry" e LEFT JOIN "remittance_run" r ON r."id" = e."run_id" '
        'WHERE e."run_id" IS NOT NULL AND r."id" IS NULL ORDER BY e."id"'
    ).fetchall():
        out.append(
            Break(
                "ledger_entry",
                entry_id,
                f"ligne orpheline : run_id = {run_id}, mais remittance_run n° {run_id} n'existe pas",
            )
        )
    return out


def _walk(db, table: str, keep: dict | None) -> list[Break]:
    names = chain.columns(table)
    sql = (
        f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)}, "prev_hash", "row_hash" FROM "{table}" '
        'ORDER BY "id"'
    )
    out = []
    expected_prev, previous_id = chain.GENESIS, None
    for row in db.execute_sql(sql):
        values, prev_hash, stored = row[:-2], row[-2], row[-1]
        row_id = values[0]
        if keep is not None:
            keep[row_id] = (values, stored)
        if prev_hash != expected_prev:
            if previous_id is None:
                what = (
                    "chaînage rompu : c'est la première ligne, mais elle suit une empreinte — les lignes "
                    "qui la précédaient ont été supprimées"
                )
            else:
                what = (
                    f"chaînage rompu : l'empreinte précédente qu'elle porte n'est pas celle de la ligne "
                    f"n° {previous_id} — une ligne a été supprimée ou insérée entre les deux, ou la ligne "
                    f"n° {previous_id} a été réécrite"
                )
            out.append(Break(table, row_id, what))
        if chain.row_hash(table, values, prev_hash) != stored:
            out.append(
                Break(
                    table,
                    row_id,
                    "contenu modifié depuis son enregistrement : l'empreinte recalculée "
                    "ne correspond pas à celle de la ligne",
                )
            )
        expected_prev, previous_id = stored, row_id
    return out


def _shown(column: str, value) -> str:
    if value is None or value == "":
        return "(vide)"
    if column == "amount" and isinstance(value, int):
        return format_amount(from_cents(value))
    return str(value)


def _against_audit(db, ledger_rows: dict[int, tuple]) -> list[Break]:
    """Each ledger row against the values its audit entry recorded when it was written."""
    out = []
    spec = dict(chain.CHAINED["ledger_entry"])
    names = chain.columns("ledger_entry")
    seen: set[int] = set()
    audits = db.execute_sql(
        'SELECT "id", "row_id", "after" FROM "audit_entry" WHERE "table_name" = \'ledger_entry\' '
        'AND substr("action", 1, 7) = \'ledger.\' ORDER BY "id"'
    )
    for audit_id, row_id, after in audits:
        try:
            entry_id = int(row_id)
        except (TypeError, ValueError):
            out.append(Break("audit_entry", audit_id, f"renvoie à l'écriture « {row_id} », qui n'est pas un numéro"))
            continue
        seen.add(entry_id)
        row = ledger_rows.get(entry_id)
        if row is None:
            out.append(
                Break(
                    "ledger_entry",
                    entry_id,
                    f"supprimée : l'audit n° {audit_id} l'a enregistrée, elle n'est plus dans le journal",
                )
            )
            continue
        try:
            recorded = json.loads(after) if after else {}
        except ValueError:
            recorded = {}
        values, stored_hash = row
        differences = []
        for column, value in zip(names, values, strict=True):
            if column not in recorded or column == "id":
                continue
            then = recorded[column]
            if column == "amount" and then is not None:
                with contextlib.suppress(InvalidOperation, ValueError):
                    then = to_cents(Decimal(str(then)))
            if chain.canonical(spec[column], then) != chain.canonical(spec[column], value):
                differences.append(
                    f"{FIELD_LABELS.get(column, column)} {_shown(column, then)} à l'enregistrement "
                    f"(audit n° {audit_id}), {_shown(column, value)} maintenant"
                )
        if "row_hash" in recorded and recorded["row_hash"] != stored_hash and not differences:
            differences.append(
                f"empreinte différente de celle notée par l'audit n° {audit_id} (la chaîne a été recalculée)"
            )
        if differences:
            out.append(Break("ledger_entry", entry_id, "diffère de son audit : " + " ; ".join(differences)))
    for entry_id in sorted(set(ledger_rows) - seen):
        out.append(
            Break(
                "ledger_entry",
                entry_id,
                "aucune entrée d'audit ne l'a enregistrée : ligne ajoutée hors de clerc, ou son audit a été supprimé",
            )
        )
    return out


def _document_numbers(db) -> list[Break]:
    out = []
    series: dict[tuple[str, int], dict[int, int]] = {}
    for entry_id, number in db.execute_sql(
        'SELECT "id", "document_number" FROM "ledger_entry" WHERE "document_number" IS NOT NULL ORDER BY "id"'
    ):
        match = NUMBER.match(number or "")
        if match is None:
            out.append(Break("ledger_entry", entry_id, f"numéro de pièce « {number} » illisible"))
            continue
        series.setdefault((match[1], int(match[2])), {})[int(match[3])] = entry_id
    counters = {
        (name, int(year)): (seq_id, int(last))
        for seq_id, name, year, last in db.execute_sql(
            'SELECT "id", "name", "year", "last" FROM "sequence" WHERE "name" IN (\'facture\', \'recu\')'
        )
    }
    prefix_of = {name: prefix for prefix, name in SEQUENCE_OF_PREFIX.items()}
    keys = set(series) | {(prefix_of[name], year) for name, year in counters}
    for prefix, year in sorted(keys):
        numbers = series.get((prefix, year), {})
        top = max(numbers, default=0)
        label = f"{SERIES_LABELS[prefix]} {year}"
        missing = [n for n in range(1, top + 1) if n not in numbers]
        for n in missing:
            before = max((m for m in numbers if m < n), default=None)
            after = min((m for m in numbers if m > n), default=None)
            around = ", ".join(
                f"{prefix}{year}-{m:06d} (écriture n° {numbers[m]})" for m in (before, after) if m is not None
            )
            out.append(
                Break(
                    "ledger_entry",
                    None,
                    f"{label} : le numéro {prefix}{year}-{n:06d} manque dans la suite (entre {around})",
                )
            )
        counter = counters.get((SEQUENCE_OF_PREFIX[prefix], year))
        last = counter[1] if counter else 0
        if last != top:
            what = (
                f"compteur des {label} à {last}, mais le dernier numéro présent est {prefix}{year}-{top:06d}"
                if top
                else f"compteur des {label} à {last}, mais aucun numéro n'est présent"
            )
            if last > top:
                gone = (
                    f"{prefix}{year}-{last:06d}"
                    if last == top + 1
                    else f"{prefix}{year}-{top + 1:06d} à {prefix}{year}-{last:06d}"
                )
                what += f" : {gone} émis puis disparu(s) du journal"
            else:
                what += " : des numéros ont été écrits hors de clerc"
            out.append(Break("sequence", counter[0] if counter else None, what))
    return out


# --- the running totals (m0006) -----------------------------------------------------------


@dataclass(frozen=True)
class Discrepancy:
    reference: str
    what: str
    stored: Decimal
    computed: Decimal


ACCOUNT_LABELS = {
    "charged": "frais à la charge du débiteur",
    "paid": "paiements reçus",
    "creditor_charged": "frais à la charge du créancier",
    "remitted": "reversements",
    "refunded": "remboursements",
}


def check_accounts(
    *, with_balance: bool = True, progress: Callable[[int, int], None] | None = None
) -> tuple[int, list[Discrepancy]]:
    """(dossiers checked, differences): each dossier's running totals against the sum of
    its entries, and its stored balance against the décompte recomputed at the date the
    balance was stored. Read only."""
    with_entries = {d for (d,) in tuples(LedgerEntry.select(LedgerEntry.dossier).distinct())}
    accounts = {a.dossier_id: a for a in DossierAccount.select()}
    problems: list[Discrepancy] = []
    ids = sorted(with_entries | set(accounts))
    refs = dict(tuples(Dossier.select(Dossier.id, Dossier.reference).where(Dossier.id.in_(ids)))) if ids else {}
    for done, dossier_id in enumerate(ids, 1):
        if progress is not None and done % 100 == 0:
            progress(done, len(ids))
        computed = totals_from_entries(dossier_id)
        account = accounts.get(dossier_id)
        for key in ACCOUNT_FIELDS:
            stored = getattr(account, key) if account else 0
            if stored != computed[key]:
                problems.append(
                    Discrepancy(
                        refs.get(dossier_id, str(dossier_id)),
                        ACCOUNT_LABELS[key],
                        from_cents(stored),
                        from_cents(computed[key]),
                    )
                )
        if with_balance and account is not None and account.balance_on is not None:
            stored_balance = Dossier.get_by_id(dossier_id).balance
            balance, _ = balance_at(dossier_id, account.balance_on)
            if balance != stored_balance:
                problems.append(
                    Discrepancy(
                        refs.get(dossier_id, str(dossier_id)),
                        f"solde au {format_date(account.balance_on)}",
                        stored_balance,
                        balance,
                    )
                )
    return len(ids), problems


# The running totals in SQL, for entries written in bulk (the demo) rather than through
# services/ledger.py `create_entry`: the same sums as rules/ledger.py `account_totals`.
BACKFILL_SQL = """
INSERT INTO "dossier_account" ("dossier_id", "charged", "paid", "creditor_charged", "remitted", "refunded",
                               "updated_at")
SELECT e.dossier_id,
       SUM(CASE WHEN e.k IN ('fee', 'disbursement') AND e.b <> 'creditor' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'payment' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k IN ('fee', 'disbursement') AND e.b = 'creditor' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'remittance' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'refund' THEN e.s * e.amount ELSE 0 END),
       CURRENT_TIMESTAMP
FROM (SELECT le.dossier_id, COALESCE(t.kind, le.kind) AS k, COALESCE(t.bearer, le.bearer) AS b,
             CASE WHEN le.kind = 'reversal' THEN -1 ELSE 1 END AS s, le.amount
      FROM "ledger_entry" le LEFT JOIN "ledger_entry" t ON t.id = le.reverses_id) e
WHERE e.dossier_id NOT IN (SELECT "dossier_id" FROM "dossier_account")
GROUP BY e.dossier_id
"""


def backfill_accounts(db) -> None:
    """Running totals for dossiers whose entries were bulk-loaded (the demo), in SQL."""
    db.execute_sql(BACKFILL_SQL)
