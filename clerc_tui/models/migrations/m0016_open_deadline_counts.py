"""Version 16: the dashboard's counts read from small covering indexes of the open deadlines.

The counts line (en retard · possibles · aujourd'hui · à venir) counted every open deadline of
the horizon and read each one's row for its `kind`: 37 ms at 300,000 dossiers (131,000 open
deadlines). These indexes hold only the open deadlines (`done = 0`, about 4 % of the table:
partial, so they stay small and cost nothing when a deadline is closed long after) and every
column the counts test, so each count is a range of one index, never a row of the table
(`services.deadlines.agenda_counts`). One per filter of the dashboard: everyone's, one
clerc's, one procedure's; the other filter's column rides along, so the two filters together
are still answered from the index.

`done` is kept as the first column although the partial index holds only 0: SQLite 3.40
does not see that a column fixed by the index's WHERE is covered, and would read the table.
`id` follows `due_date` (it is the rowid, which every index ends with anyway) so that the agenda,
ordered by (due_date, id), can read these indexes in its order too: with `kind` before it, the
planner picked them for the agenda and sorted each day's rows again.
"""

from typing import Any

VERSION = 16
DESCRIPTION = "Index des échéances ouvertes pour les compteurs de l'agenda"


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    false = "0" if dialect["engine"] == "sqlite" else "FALSE"
    return (
        f'CREATE INDEX "deadline_open_due_kind" ON "deadline" ("done", "due_date", "id", "kind") WHERE "done" = {false}',
        'CREATE INDEX "deadline_open_clerc_due_kind" ON "deadline" '
        f'("done", "assigned_to_id", "due_date", "id", "kind", "procedure_id") WHERE "done" = {false}',
        'CREATE INDEX "deadline_open_procedure_due_kind" ON "deadline" '
        f'("done", "procedure_id", "due_date", "id", "kind", "assigned_to_id") WHERE "done" = {false}',
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
    if dialect["engine"] == "sqlite" and db.table_exists("sqlite_stat1"):
        # An analysed base (the demo runs ANALYZE) plans with its statistics: the new indexes
        # need theirs too, or the planner guesses their size. Each reads only its own index.
        for name in ("deadline_open_due_kind", "deadline_open_clerc_due_kind", "deadline_open_procedure_due_kind"):
            db.execute_sql(f'ANALYZE "{name}"')
