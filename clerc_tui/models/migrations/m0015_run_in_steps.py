"""Version 15: a reversement run is written in short steps and can be resumed.

`remittance_run.state`: « running » from the run's first step until its transfer file is
written and stored, then « complete ». The run's creditors are written one short write
transaction at a time (docs/trust.md): a run killed midway stays « running », and the next
run resumes it before anything else. Runs recorded before this version were written whole:
they are « complete ».
`remittance_run.creditor_id`: the one creditor the run pays (« reverser ce créancier »),
NULL for all: a resumed run keeps to what it was started for.
"""

from typing import Any

VERSION = 15
DESCRIPTION = "Reversement écrit par étapes, repris s'il a été interrompu"


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (
        """ALTER TABLE "remittance_run" ADD COLUMN "state" VARCHAR(16) NOT NULL DEFAULT 'complete'""",
        'ALTER TABLE "remittance_run" ADD COLUMN "creditor_id" INTEGER REFERENCES "creditor" ("id")',
        'CREATE INDEX "remittance_run_state" ON "remittance_run" ("state")',
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
