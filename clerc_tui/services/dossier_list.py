"""The dossier list: filtered, sorted and paged in SQL, so it stays instant at 100,000 dossiers.

Paging is by keyset (the last row's sort value and id), never OFFSET (docs/architecture.md: OFFSET
grows linearly, keyset stays at ~0.1 ms anywhere).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clerc_tui.models.db import database, is_sqlite, raw_sql, read_date
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
    "balance": "solde calculé",
}

# Digits are a reference typed from its start (`20`, `2026`, `2026-0001`): names carry none.
_REFERENCE_TOKEN = re.compile(r"^\d+(-\d*)?$")
_WORD = re.compile(r"[0-9a-z]+")
# On PostgreSQL, the folded text the filter searches: the expression of the GIN trigram index
# `dossier_search_trgm` (migration m0018), written the same so that the planner uses it.
PG_SEARCH_TEXT = "clerc_fold(d.reference || ' ' || d.debtor_name || ' ' || d.creditor_name)"


@dataclass(frozen=True, slots=True)
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
            "reference": self.reference,
            "debtor": self.debtor_name,
            "creditor": self.creditor_name,
            "nature": self.nature,
            "phase": self.phase,
            "balance": int(self.balance * 100),
        }[sort]


@dataclass(frozen=True)
class ListQuery:
    text: str = ""
    sort: str = "reference"
    descending: bool = False


# Counts stop here: "more than 10 000" tells the clerc to type more, and counting every
# match of a two-letter prefix would cost more than the page itself. A filter with more
# matches is broad: its pages are found by walking the sort index (see WALK_BUDGET).
BROAD_MATCHES = 10_000


def search_words(text: str) -> list[str]:
    """The words the filter searches: folded, and at least two characters long (one letter
    matches a third of the étude and tells nothing)."""
    words = []
    for raw in text.split():
        token = fold(raw)
        if not _REFERENCE_TOKEN.match(token):
            words += [w for w in _WORD.findall(token) if len(w) >= 2]
    return words


def _fts_matches(match: str, cap: int) -> int:
    sql = "SELECT COUNT(*) FROM (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? LIMIT ?)"
    return database.execute_sql(sql, (match, cap + 1)).fetchone()[0]


def _has_reference(text: str) -> bool:
    return any(_REFERENCE_TOKEN.match(fold(raw)) for raw in text.split())


def _filter_sql(text: str) -> tuple[str, list, str | None]:
    """Accent-insensitive prefix search on reference, debtor and creditor names.

    Returns the WHERE clause, its parameters, and the FTS5 query of the words (None when
    there are no words or no FTS), which `count` uses to count without touching `dossier`."""
    clauses, params, match = [], [], None
    for raw in text.split():
        token = fold(raw)
        if _REFERENCE_TOKEN.match(token):
            # A reference typed from its start: a range on the unique index.
            clauses.append("d.reference >= ? AND d.reference < ?")
            params += [token, token + "~"]
    words = search_words(text)
    if words:
        if is_sqlite():
            match = " AND ".join(f'"{w}"*' for w in words)
            # Gather the matches, then walk the sort index. (Checking each row against the
            # index instead was faster on average but took 1.2 s when the matches sat at the
            # far end of the sort order, e.g. "sci" sorted by creditor.)
            clauses.append("d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)")
            params.append(match)
        else:
            # PostgreSQL: each word starts a word (`\m`) of the folded text (accents and case
            # removed by clerc_fold, m0018), as FTS5's prefix query does on SQLite; the GIN
            # trigram index on that expression serves the regular expression. The words are
            # [0-9a-z]+ (search_words): nothing in them is a regular expression's syntax.
            for word in words:
                clauses.append(f"{PG_SEARCH_TEXT} ~ ?")
                params.append(f"\\m{word}")
    return (" AND ".join(clauses), params, match)


def _to_row(values) -> DossierRow:
    id_, reference, debtor, creditor, nature, phase, balance, next_due, clerc = values
    next_due = read_date(next_due)
    return DossierRow(id_, reference, debtor, creditor, nature, phase, from_cents(balance), next_due, clerc or "")


def fetch_page(
    query: ListQuery,
    *,
    limit: int = 60,
    after: DossierRow | None = None,
    before: DossierRow | None = None,
    last: bool = False,
) -> list[DossierRow]:
    """One page of rows in display order.

    `after`: the page that follows this row; `before`: the page that precedes it;
    `last`: the last page. With none of them, the first page.
    """
    column = SORT_COLUMNS[query.sort]
    where, filter_params, _ = _filter_sql(query.text)
    backwards = before is not None or last
    ascending = not query.descending
    if backwards:
        ascending = not ascending
    keyset, keyset_params = "", []
    anchor = after or before
    if anchor is not None:
        forward_cmp = ">" if not query.descending else "<"
        cmp = forward_cmp if after is not None else ("<" if forward_cmp == ">" else ">")
        keyset, keyset_params = f"({column}, d.id) {cmp} (?, ?)", [anchor.sort_value(query.sort), anchor.id]
    direction = "ASC" if ascending else "DESC"
    order = f"ORDER BY {column} {direction}, d.id {direction}"
    conditions = [c for c in (where, keyset) if c]
    # The page's ids first, then its other columns: the next-deadline subquery must run for
    # the 60 rows shown, not for every match before the sort (55 ms for 14,000 matches).
    gather = (
        "SELECT d.id FROM dossier d"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + f" {order} LIMIT ?"
    )
    gather_params = [*filter_params, *keyset_params, limit]
    if _walks(query, where):
        walked = [f"d.id AS id, {column} AS {column.removeprefix('d.')}"]
        if query.sort != "reference" and _has_reference(query.text):
            walked.append("d.reference AS reference")
        # No ORDER BY outside: SQLite hands the rows of the inner walk on in its order (a
        # co-routine), so the outer LIMIT stops the walk at the page's last match; sorting
        # there would read the whole budget first. _page sorts the page's rows.
        walk = (
            f"SELECT d.id FROM (SELECT {', '.join(walked)} FROM dossier d"
            + (f" WHERE {keyset}" if keyset else "")
            + f" {order} LIMIT ?) AS d WHERE {where} LIMIT ?"
        )
        rows = _page(walk, [*keyset_params, WALK_BUDGET, *filter_params, limit], order)
        if len(rows) < limit and not _walked_to_the_end(keyset, keyset_params, order):
            rows = _page(gather, gather_params, order)  # the rest of the matches lie past the walk
    else:
        rows = _page(gather, gather_params, order)
    if backwards:
        rows.reverse()
    return rows


# A filter sorted on a column it does not search is served one of two ways. Gather every match
# and sort them: ~0.8 µs a match, each read from its row (16 ms for the 19,600 dossiers of « le »
# at 100,000, 48 ms for its 59,000 at 300,000). Or walk the sort index from the page's start and
# keep the rows that match, stopping at the page's last: ~0.3 µs a row walked for words (their
# matching ids gathered first into a set, ~0.1 µs each), ~1.2 µs for a reference (read from the
# row). When the matches are many (more than BROAD_MATCHES, counted with that cap first: under
# 1 ms), a page of them comes within a few thousand rows of the walk, where they are spread; but
# when they all sit at the far end of the order (« sci » sorted by creditor: the SCI creditors),
# the walk would read most of the table (1.2 s once). So the walk stops after WALK_BUDGET rows,
# and a page still short then is gathered after all: the walk's cost (~3 ms for words, ~12 ms
# for a reference) is lost, never more; such a filter costs what it cost before (~70 ms for
# « sci » sorted by creditor at 300,000). Fewer matches are always gathered (~10 ms at most,
# whatever the size of the base).
WALK_BUDGET = 10_000


def _walks(query: ListQuery, where: str) -> bool:
    """Whether the page is found by walking the sort index (see WALK_BUDGET)."""
    if not where or not is_sqlite():  # no filter: the index gives the page; PostgreSQL plans its own
        return False
    if query.sort == "reference" and _has_reference(query.text):
        return False  # a range of the reference index, already in the sort order
    return count(query) > BROAD_MATCHES


def _walked_to_the_end(keyset: str, keyset_params: list, order: str) -> bool:
    """No row lies past the walk's budget: a short page from the walk is then all there is."""
    sql = "SELECT 1 FROM dossier d" + (f" WHERE {keyset}" if keyset else "") + f" {order} LIMIT 1 OFFSET ?"
    return database.execute_sql(raw_sql(sql), [*keyset_params, WALK_BUDGET]).fetchone() is None


def _page(page: str, params: list, order: str) -> list[DossierRow]:
    """The rows of the ids that `page` selects (in `order`), with their other columns."""
    sql = (
        "SELECT d.id, d.reference, d.debtor_name, d.creditor_name, d.nature, d.phase, d.balance, "
        "(SELECT MIN(dl.due_date) FROM deadline dl WHERE dl.dossier_id = d.id AND dl.done = ?), u.name "
        f'FROM ({page}) AS p JOIN dossier d ON d.id = p.id LEFT JOIN "user" u ON u.id = d.assigned_to_id {order}'
    )
    cursor = database.execute_sql(raw_sql(sql), [False, *params])
    return [_to_row(values) for values in cursor.fetchall()]


def count(query: ListQuery, cap: int | None = None) -> int:
    """How many dossiers the filter keeps, counted up to `cap` (BROAD_MATCHES by default;
    cap + 1 means "more"): the matches are read inside a LIMIT, never all of them."""
    cap = BROAD_MATCHES if cap is None else cap
    where, params, match = _filter_sql(query.text)
    if not where:
        return database.execute_sql("SELECT COUNT(*) FROM dossier").fetchone()[0]
    if match is not None and not _has_reference(query.text):
        return _fts_matches(match, cap)
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM dossier d WHERE {where} LIMIT ?) AS m"
    return database.execute_sql(raw_sql(sql), [*params, cap + 1]).fetchone()[0]
