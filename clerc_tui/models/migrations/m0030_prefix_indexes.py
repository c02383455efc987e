"""Version 30: two indexes that are the prefix of another on the same table, dropped.

`dossier_debtor_dossier_id` (m0001: `("dossier_id")`) is the first column of the unique
`dossier_debtor_dossier_id_debtor_id` (m0001), and `timeline_event_dossier_id` (m0001) the first
column of `timeline_event_dossier_occurred` (m0002: `("dossier_id", "occurred_on")`). A B-tree
index serves any search on its first columns (SQLite and PostgreSQL alike), so the longer one
answers every query the shorter one did. EXPLAIN QUERY PLAN, on SQLite, of every distinct
statement on these two tables that the services' tests of dossiers, their list, debtors,
deadlines, acts, solvency, amicable recovery and imports send (25), on a base of 100,000 imported
dossiers, with and without ANALYZE: no plan changes; only the foreign keys' cascade when a dossier
is deleted (`ON DELETE CASCADE`) and a count of one dossier's events read the shorter ones, and
they search the longer ones instead (`SEARCH … USING COVERING INDEX … (dossier_id=?)`, not a scan).

Each was written on every dossier created, and a creditor import creates them by the hundred
thousand (docs/imports.md « Vitesse »: ~1–2 µs a dossier of the writing process). The file keeps
their pages until rebuilt (`VACUUM`): the migration only frees them.
"""

from typing import Any

VERSION = 30
DESCRIPTION = "Index préfixes d'un autre supprimés (débiteurs et historique d'un dossier)"

PREFIX_INDEXES = ("dossier_debtor_dossier_id", "timeline_event_dossier_id")


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return tuple(f'DROP INDEX IF EXISTS "{name}"' for name in PREFIX_INDEXES)


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
