"""Version 3: the étude's own rate rows and the append-only ledger of a dossier.

`etude_rate`: a rate the shipped tables lack (a semester whose arrêté is newer than this
clerc), entered by the étude with its source, who and when. `ledger_entry`: fees,
disbursements, payments and their reversals. A ledger row is never updated nor deleted
(triggers refuse it, whichever program writes); a mistake is corrected by a reversal row
pointing at the entry it cancels, and an entry can be reversed once only (unique index).
A dossier that has ledger rows cannot be deleted (no cascade).
"""

VERSION = 3
DESCRIPTION = "Taux saisis par l'étude et journal des écritures du dossier"

TABLES = (
    """
CREATE TABLE "etude_rate" (
        {pk},
        "rate_table" VARCHAR(16) NOT NULL,
        "category" VARCHAR(32),
        "valid_from" DATE NOT NULL,
        "valid_to" DATE NOT NULL,
        "value" TEXT NOT NULL,
        "source" TEXT NOT NULL,
        "entered_by" VARCHAR(255) NOT NULL,
        "entered_at" {ts} NOT NULL
    )""",
    'CREATE INDEX "etude_rate_table_from" ON "etude_rate" ("rate_table", "valid_from")',
    """
CREATE TABLE "ledger_entry" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "kind" VARCHAR(16) NOT NULL,
        "entry_date" DATE NOT NULL,
        "value_date" DATE,
        "amount" BIGINT NOT NULL CHECK ("amount" > 0),
        "label" VARCHAR(255) NOT NULL,
        "mode" VARCHAR(32) NOT NULL,
        "payer" VARCHAR(255) NOT NULL,
        "bank_reference" VARCHAR(255) NOT NULL,
        "reverses_id" INTEGER,
        "reason" TEXT NOT NULL,
        "created_by" VARCHAR(255) NOT NULL,
        "created_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id"),
        FOREIGN KEY ("reverses_id") REFERENCES "ledger_entry" ("id")
    )""",
    'CREATE INDEX "ledger_entry_dossier_date" ON "ledger_entry" ("dossier_id", "entry_date", "id")',
    'CREATE UNIQUE INDEX "ledger_entry_reverses_id" ON "ledger_entry" ("reverses_id")',
)

SQLITE_APPEND_ONLY = (
    """CREATE TRIGGER "ledger_entry_no_update" BEFORE UPDATE ON "ledger_entry" BEGIN
        SELECT RAISE(ABORT, 'ledger_entry is append-only: record a reversal instead');
    END""",
    """CREATE TRIGGER "ledger_entry_no_delete" BEFORE DELETE ON "ledger_entry" BEGIN
        SELECT RAISE(ABORT, 'ledger_entry is append-only: record a reversal instead');
    END""",
)

POSTGRESQL_APPEND_ONLY = (
    """CREATE FUNCTION "ledger_entry_append_only"() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_entry is append-only: record a reversal instead';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "ledger_entry_no_change" BEFORE UPDATE OR DELETE ON "ledger_entry"
        FOR EACH ROW EXECUTE FUNCTION "ledger_entry_append_only"()""",
)


def up(db, dialect):
    for statement in TABLES:
        db.execute_sql(statement.format(**dialect))
    guard = SQLITE_APPEND_ONLY if dialect["engine"] == "sqlite" else POSTGRESQL_APPEND_ONLY
    for statement in guard:
        db.execute_sql(statement)
