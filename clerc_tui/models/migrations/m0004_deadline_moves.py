"""Version 4: a deadline keeps the date it was created with when it is moved, and the
indexes the agenda filters on (a clerc's deadlines, one procedure's deadlines).

Moving a deadline (`services.deadlines.move`) sets `original_due_date` once (the first
move) and writes the reason of the last move in `moved_reason`; every move is also in
the audit log with its before and after. `unverified` marks the deadlines whose rule has
a point not verified in the texts (docs/deadline-choices.md) (the safer date was chosen; the text is in
`note`): the agenda shows a marker without reading the note of every row.
"""

VERSION = 4
DESCRIPTION = "Report des échéances (date d'origine, motif) et index de l'agenda par clerc et par procédure"


def statements(dialect) -> tuple[str, ...]:
    false = "0" if dialect["engine"] == "sqlite" else "FALSE"
    return (
        'ALTER TABLE "deadline" ADD COLUMN "original_due_date" DATE',
        """ALTER TABLE "deadline" ADD COLUMN "moved_reason" TEXT NOT NULL DEFAULT ''""",
        f'ALTER TABLE "deadline" ADD COLUMN "unverified" {dialect["bool"]} NOT NULL DEFAULT {false}',
        'CREATE INDEX "deadline_done_assigned_due" ON "deadline" ("done", "assigned_to_id", "due_date")',
        'CREATE INDEX "deadline_done_procedure_due" ON "deadline" ("done", "procedure_id", "due_date")',
    )


def up(db, dialect):
    for statement in statements(dialect):
        db.execute_sql(statement)
