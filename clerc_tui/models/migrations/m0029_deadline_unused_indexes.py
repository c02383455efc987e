"""Version 29: the three deadline indexes that no query reads any more, dropped.

`(done, due_date)` (m0002), `(done, assigned_to_id, due_date)` and `(done, procedure_id, due_date)`
(m0004) served the agenda and its counts. Since m0016 those read the partial indexes of the open
deadlines (`deadline_open_*`, ~4 % of the rows), « Rouvrir » reads m0028's `(done, done_on, …)`,
and a dossier's deadlines `(dossier_id, done, due_date)`. EXPLAIN QUERY PLAN of every statement
on the deadline table that the services, screens and their tests send (810 distinct ones), on the
analysed 100,000-dossier demo: none of the three is used by the application; dropping them changes
only two test-only counts (all the deadlines of one procedure, across dossiers), which scan instead.

Each was kept up to date on every deadline written and held ~1.1 million entries at 100,000
dossiers: the demo built and copied them (~5 s of its 20 s budget: `bench/bench_demo.py`), and
they took ~90 MB of that base. The file shrinks when rebuilt (`VACUUM`, or a new demo): the
migration only frees pages.
"""

from typing import Any

VERSION = 29
DESCRIPTION = "Index d'échéances inutilisés supprimés (échéances faites par date, clerc, procédure)"

UNUSED_INDEXES = ("deadline_done_due_date", "deadline_done_assigned_due", "deadline_done_procedure_due")


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return tuple(f'DROP INDEX IF EXISTS "{name}"' for name in UNUSED_INDEXES)


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
