"""Version 12: documents frozen at issue, transfer files kept with their run.

`document_snapshot`: the data of an invoice, credit note or receipt as it was printed when
its number was issued (JSON of title, rows, notes). A reprint reads it back, marked
« DUPLICATA », so that a later payment, a new rate or a changed étude address never alters
a document already handed out (docs/law/documents.md). Append-only like the ledger.

`remittance_run.transfers`: the exact transfer file (CSV) written with the run, so that
`clerc reversements fichier RUN` regenerates it byte for byte (docs/trust.md).
"""

VERSION = 12
DESCRIPTION = "Documents figés à l'émission ; fichier des virements conservé avec le reversement"

TABLE = """CREATE TABLE "document_snapshot" (
        {pk},
        "document_number" VARCHAR(32) NOT NULL UNIQUE,
        "entry_id" INTEGER NOT NULL,
        "data" TEXT NOT NULL,
        "issued_at" {ts} NOT NULL,
        FOREIGN KEY ("entry_id") REFERENCES "ledger_entry" ("id")
    )"""

SQLITE_APPEND_ONLY = (
    """CREATE TRIGGER "document_snapshot_no_update" BEFORE UPDATE ON "document_snapshot" BEGIN
        SELECT RAISE(ABORT, 'document_snapshot is append-only: a document is never changed');
    END""",
    """CREATE TRIGGER "document_snapshot_no_delete" BEFORE DELETE ON "document_snapshot" BEGIN
        SELECT RAISE(ABORT, 'document_snapshot is append-only: a document is never changed');
    END""",
)

POSTGRESQL_APPEND_ONLY = (
    """CREATE FUNCTION "document_snapshot_append_only"() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'document_snapshot is append-only: a document is never changed';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "document_snapshot_no_change" BEFORE UPDATE OR DELETE ON "document_snapshot"
        FOR EACH ROW EXECUTE FUNCTION "document_snapshot_append_only"()""",
)


def up(db, dialect):
    db.execute_sql(TABLE.format(**dialect))
    for statement in SQLITE_APPEND_ONLY if dialect["engine"] == "sqlite" else POSTGRESQL_APPEND_ONLY:
        db.execute_sql(statement)
    db.execute_sql('ALTER TABLE "remittance_run" ADD COLUMN "transfers" TEXT')
