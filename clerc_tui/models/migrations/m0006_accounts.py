"""Version 6: the dossier's accounts — act breakdowns, invoices, reversements, balances.

`ledger_entry` gains: `bearer` (who bears a charge: the debtor, or the creditor — e.g. the
A444-32 fee kept on a reversement), `breakdown` (JSON of an act billed at the tariff:
émolument × coefficient, DEP, SCT, TVA, with the « à confirmer » marks), `document_number`
(invoice, credit note or receipt number, unique, given inside the write transaction from
the per-year `sequence` rows: no gap, no reuse), `support_reference` (the voucher of a
débours) and `run_id` (the reversement run that paid it). New kinds need no schema change:
`remittance` (reversement to the creditor) and `refund` (trop-perçu paid back).

`dossier_account`: per dossier, the running totals the services add to in the same
transaction as each entry (charges, payments, creditor-borne charges, reversements,
refunds, in cents) and the date the stored `dossier.balance` was computed at;
`clerc check` recomputes them from the entries. `remittance_run`: one reversement run.
The columns are added with defaults, so the append-only triggers of m0003 stay as they are.
"""

VERSION = 6
DESCRIPTION = "Comptes du dossier : détail des actes, factures, reversements, soldes"

STATEMENTS = (
    """ALTER TABLE "ledger_entry" ADD COLUMN "bearer" VARCHAR(16) NOT NULL DEFAULT 'debtor'""",
    """ALTER TABLE "ledger_entry" ADD COLUMN "breakdown" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "ledger_entry" ADD COLUMN "document_number" VARCHAR(32)""",
    """ALTER TABLE "ledger_entry" ADD COLUMN "support_reference" VARCHAR(255) NOT NULL DEFAULT ''""",
    """ALTER TABLE "ledger_entry" ADD COLUMN "run_id" INTEGER""",
    'CREATE UNIQUE INDEX "ledger_entry_document_number" ON "ledger_entry" ("document_number")',
    'CREATE INDEX "ledger_entry_date" ON "ledger_entry" ("entry_date", "id")',
    """
CREATE TABLE "dossier_account" (
        {pk},
        "dossier_id" INTEGER NOT NULL UNIQUE,
        "charged" BIGINT NOT NULL DEFAULT 0,
        "paid" BIGINT NOT NULL DEFAULT 0,
        "creditor_charged" BIGINT NOT NULL DEFAULT 0,
        "remitted" BIGINT NOT NULL DEFAULT 0,
        "refunded" BIGINT NOT NULL DEFAULT 0,
        "balance_on" DATE,
        "updated_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id")
    )""",
    """
CREATE TABLE "remittance_run" (
        {pk},
        "run_on" DATE NOT NULL,
        "total" BIGINT NOT NULL,
        "entries" INTEGER NOT NULL,
        "created_by" VARCHAR(255) NOT NULL,
        "created_at" {ts} NOT NULL
    )""",
)


def up(db, dialect):
    for statement in STATEMENTS:
        db.execute_sql(statement.format(**dialect))
