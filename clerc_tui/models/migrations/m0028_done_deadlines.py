"""Version 28: the deadlines marked done, latest first, read from an index.

« Rouvrir » (`o` on the deadline review) offers the last 100 deadlines marked done
(`services.deadlines.done_deadlines`), everyone's or one clerc's. No index held them in the
order of `done_on`: SQLite read every done deadline and sorted them, 0.5–0.8 s on the
100,000-dossier demo (1.1 million done deadlines), the screen frozen meanwhile. This index walks
them in that order and stops at the hundredth; `assigned_to_id` rides along so that one clerc's
are filtered in the index, without reading the table. Under 1 ms; 29 MB more on that base.

Not partial: the done deadlines are most of the table (96 % on the demo), so a partial index
would be as big.
"""

from typing import Any

VERSION = 28
DESCRIPTION = "Index des échéances faites, les dernières d'abord (« Rouvrir »)"

NAME = "deadline_done_on"


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (f'CREATE INDEX "{NAME}" ON "deadline" ("done", "done_on", "id", "assigned_to_id")',)


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
    if dialect["engine"] == "sqlite" and db.table_exists("sqlite_stat1"):
        # An analysed base (the demo runs ANALYZE) plans with its statistics: the new index needs
        # its own, or the planner guesses its size (m0016 does the same).
        db.execute_sql(f'ANALYZE "{NAME}"')
