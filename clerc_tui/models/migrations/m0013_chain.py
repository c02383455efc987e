"""Version 13: the ledger and the audit trail are hash-chained and refuse INSERT OR REPLACE.

`ledger_entry` and `audit_entry` gain `prev_hash` and `row_hash` (models/chain.py): each
row's hash covers its content and the previous row's hash, so `clerc check` sees a row
edited, deleted, inserted or moved even when the triggers were dropped first. The rows
already there are hashed here, in id order.

`INSERT OR REPLACE` deletes the row it conflicts with without firing the delete triggers
(unless `recursive_triggers` is on): a `BEFORE INSERT` trigger now refuses a new row whose
id — or, on the ledger, document number or reversed entry — already exists. The audit trail
becomes append-only like the ledger (no UPDATE, no DELETE). See docs/trust.md.
"""

from clerc_tui.models import chain
from clerc_tui.models.migrations.m0003_ledger_and_rates import SQLITE_APPEND_ONLY

VERSION = 13
DESCRIPTION = "Journal et audit chaînés (empreintes SHA-256) ; INSERT OR REPLACE refusé"

CHAINED = ("ledger_entry", "audit_entry")

SQLITE_GUARDS = (
    # Three EXISTS, each on its own index: one EXISTS with an OR of the three made SQLite scan the
    # whole ledger on every insert (5 ms at 38 000 entries, growing with the ledger).
    """CREATE TRIGGER "ledger_entry_no_replace" BEFORE INSERT ON "ledger_entry"
    WHEN EXISTS (SELECT 1 FROM "ledger_entry" WHERE "id" = NEW."id")
      OR (NEW."document_number" IS NOT NULL
          AND EXISTS (SELECT 1 FROM "ledger_entry" WHERE "document_number" = NEW."document_number"))
      OR (NEW."reverses_id" IS NOT NULL
          AND EXISTS (SELECT 1 FROM "ledger_entry" WHERE "reverses_id" = NEW."reverses_id")) BEGIN
        SELECT RAISE(ABORT, 'ledger_entry is append-only: this id, document number or reversal already exists');
    END""",
    """CREATE TRIGGER "audit_entry_no_replace" BEFORE INSERT ON "audit_entry"
    WHEN EXISTS (SELECT 1 FROM "audit_entry" WHERE "id" = NEW."id") BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only: this id already exists');
    END""",
    """CREATE TRIGGER "audit_entry_no_update" BEFORE UPDATE ON "audit_entry" BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only');
    END""",
    """CREATE TRIGGER "audit_entry_no_delete" BEFORE DELETE ON "audit_entry" BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only');
    END""",
)

POSTGRESQL_GUARDS = (
    """CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "audit_entry_no_change" BEFORE UPDATE OR DELETE ON "audit_entry"
        FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"()""",
)


def backfill(db, table: str) -> None:
    """Hash the rows already in `table`, in id order (the ledger's update trigger is off)."""
    names = chain.columns(table)
    rows = db.execute_sql(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}" '
                          'ORDER BY "id"').fetchall()
    hashes, _last = chain.hash_rows(table, rows)
    param = db.param
    cursor = db.cursor()
    cursor.executemany(f'UPDATE "{table}" SET "prev_hash" = {param}, "row_hash" = {param} WHERE "id" = {param}',
                       [(prev, digest, row[0]) for row, (prev, digest) in zip(rows, hashes, strict=True)])


def up(db, dialect):
    sqlite = dialect["engine"] == "sqlite"
    for table in CHAINED:
        for column in ("prev_hash", "row_hash"):
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" VARCHAR(64) NOT NULL DEFAULT \'\'')
    if sqlite:
        db.execute_sql('DROP TRIGGER "ledger_entry_no_update"')
    else:
        db.execute_sql('ALTER TABLE "ledger_entry" DISABLE TRIGGER "ledger_entry_no_change"')
    for table in CHAINED:
        backfill(db, table)
    if sqlite:
        db.execute_sql(SQLITE_APPEND_ONLY[0])
    else:
        db.execute_sql('ALTER TABLE "ledger_entry" ENABLE TRIGGER "ledger_entry_no_change"')
    for statement in SQLITE_GUARDS if sqlite else POSTGRESQL_GUARDS:
        db.execute_sql(statement)
