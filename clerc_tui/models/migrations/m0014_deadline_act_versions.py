"""Version 14: deadlines carry a version (optimistic locking), acts keep their frozen décompte
and the fee line that bills them.

`deadline.version`: raised by every edit (done, moved, reopened); an edit based on an older
version is refused, as for dossiers (docs/trust.md).
`act.decompte`: JSON of the décompte (principal, frais, intérêts, total, in cents, and the rate
text) frozen when the act is verified: the served act is read with it, not with the ledger of
later days (a payment, or the act's own fee, would otherwise make it « incomplet »).
`act.fee_entry_id`: the ledger fee line billing the act (at service, or the one billed
beforehand from the accounts with `b`), so that an act is never billed twice.
"""

VERSION = 14
DESCRIPTION = "Versions des échéances ; décompte figé et facture des actes"


def statements(dialect) -> tuple[str, ...]:
    return (
        'ALTER TABLE "deadline" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1',
        """ALTER TABLE "act" ADD COLUMN "decompte" TEXT NOT NULL DEFAULT ''""",
        'ALTER TABLE "act" ADD COLUMN "fee_entry_id" INTEGER REFERENCES "ledger_entry" ("id")',
    )


def up(db, dialect):
    for statement in statements(dialect):
        db.execute_sql(statement)
