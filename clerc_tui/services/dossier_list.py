"""The dossier list: filtered, sorted and paged in SQL, so it stays instant at 100,000 dossiers.

Paging is by keyset (the last row's sort value and id), never OFFSET (stack.md: OFFSET
grows linearly, keyset stays at ~0.1 ms anywhere).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clerc_tui.models.db import database, is_sqlite
from clerc_tui.rules.money import from_cents
from clerc_tui.rules.names import fold

SORT_COLUMNS = {
    "reference": "d.reference",
    "debtor": "d.debtor_name",
    "creditor": "d.creditor_name",
    "nature": "d.nature",
    "phase": "d.phase",
    "balance": "d.balance",
}
SORT_LABELS = {
    "reference": "référence",
    "debtor": "débiteur",
    "creditor": "créancier",
    "nature": "nature",
    "phase": "phase",
    "balance": "solde",
}

_REFERENCE_TOKEN = re.compile(r"^\d{4}-\d*$")
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class DossierRow:
    id: int
    reference: str
    debtor_name: str
    creditor_name: str
    nature: str
    phase: str
    balance: Decimal
    next_due: date | None
    clerc_name: str

    def sort_value(self, sort: str):
        return {
            "reference": self.reference, "debtor": self.debtor_name, "creditor": self.creditor_name,
            "nature": self.nature, "phase": self.phase, "balance": int(self.balance * 100),
        }[sort]


@dataclass(frozen=True)
class ListQuery:
    text: str = ""
    sort: str = "reference"
    descending: bool = False


def _filter_sql(text: str) -> tuple[str, list]:
    """Accent-insensitive prefix search on reference, debtor and creditor names."""
    clauses, params, words = [], [], []
    for raw in text.split():
        token = fold(raw)
        if _REFERENCE_TOKEN.match(token):
            # A reference typed from its start: a range on the unique index.
            clauses.append("d.reference >= ? AND d.reference < ?")
            params += [token, token + "~"]
            continue
        words += _WORD.findall(token)
    if words:
        if is_sqlite():
            match = " AND ".join(f'"{w}"*' for w in words)
            clauses.append("d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)")
            params.append(match)
        else:
            # PostgreSQL has no FTS5 here: a plain case-insensitive match (accents not folded).
            for word in words:
                clauses.append("(LOWER(d.reference || ' ' || d.debtor_name || ' ' || d.creditor_name) LIKE ?)")
                params.append(f"%{word}%")
    return (" AND ".join(clauses), params)


def _sql(text: str) -> str:
    return text if is_sqlite() else text.replace("?", "%s")


def _to_row(values) -> DossierRow:
    id_, reference, debtor, creditor, nature, phase, balance, next_due, clerc = values
    if isinstance(next_due, str):
        next_due = date.fromisoformat(next_due)
    return DossierRow(id_, reference, debtor, creditor, nature, phase, from_cents(balance), next_due, clerc or "")


def fetch_page(query: ListQuery, *, limit: int = 60, after: DossierRow | None = None,
               before: DossierRow | None = None, last: bool = False) -> list[DossierRow]:
    """One page of rows in display order.

    `after`: the page that follows this row; `before`: the page that precedes it;
    `last`: the last page. With none of them, the first page.
    """
    column = SORT_COLUMNS[query.sort]
    where, params = _filter_sql(query.text)
    conditions = [where] if where else []
    backwards = before is not None or last
    ascending = not query.descending
    if backwards:
        ascending = not ascending
    anchor = after or before
    if anchor is not None:
        forward_cmp = ">" if not query.descending else "<"
        cmp = forward_cmp if after is not None else ("<" if forward_cmp == ">" else ">")
        conditions.append(f"({column}, d.id) {cmp} (?, ?)")
        params += [anchor.sort_value(query.sort), anchor.id]
    direction = "ASC" if ascending else "DESC"
    sql = (
        "SELECT d.id, d.reference, d.debtor_name, d.creditor_name, d.nature, d.phase, d.balance, "
        "(SELECT MIN(dl.due_date) FROM deadline dl WHERE dl.dossier_id = d.id AND dl.done = ?), u.name "
        'FROM dossier d LEFT JOIN "user" u ON u.id = d.assigned_to_id'
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + f" ORDER BY {column} {direction}, d.id {direction} LIMIT ?"
    )
    cursor = database.execute_sql(_sql(sql), [False, *params, limit])
    rows = [_to_row(values) for values in cursor.fetchall()]
    if backwards:
        rows.reverse()
    return rows


def count(query: ListQuery) -> int:
    where, params = _filter_sql(query.text)
    sql = "SELECT COUNT(*) FROM dossier d" + (" WHERE " + where if where else "")
    return database.execute_sql(_sql(sql), params).fetchone()[0]
