"""Version 2: accent-insensitive dossier search (FTS5) and the indexes the list and the agenda page on.

The search index mirrors the dossier's reference and its denormalised debtor and creditor
names; triggers keep it in step with every insert, update and delete, whichever process
writes. `remove_diacritics 2` makes "lefevre" find "Lefèvre" (docs/architecture.md).
"""

VERSION = 2
DESCRIPTION = "Recherche plein texte et index de l'agenda"

COMMON = (
    'CREATE INDEX "dossier_debtor_name_id" ON "dossier" ("debtor_name", "id")',
    'CREATE INDEX "dossier_creditor_name_id" ON "dossier" ("creditor_name", "id")',
    'CREATE INDEX "dossier_phase_reference" ON "dossier" ("phase", "reference")',
    'CREATE INDEX "deadline_done_due_date" ON "deadline" ("done", "due_date")',
    'CREATE INDEX "deadline_dossier_done_due" ON "deadline" ("dossier_id", "done", "due_date")',
    'CREATE INDEX "timeline_event_dossier_occurred" ON "timeline_event" ("dossier_id", "occurred_on")',
    'CREATE INDEX "audit_entry_at" ON "audit_entry" ("at")',
)

SQLITE_SEARCH = (
    """CREATE VIRTUAL TABLE "dossier_fts" USING fts5(
        reference, debtor_name, creditor_name,
        content='dossier', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    """CREATE TRIGGER "dossier_fts_insert" AFTER INSERT ON "dossier" BEGIN
        INSERT INTO dossier_fts(rowid, reference, debtor_name, creditor_name)
        VALUES (new.id, new.reference, new.debtor_name, new.creditor_name);
    END""",
    """CREATE TRIGGER "dossier_fts_delete" AFTER DELETE ON "dossier" BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, reference, debtor_name, creditor_name)
        VALUES ('delete', old.id, old.reference, old.debtor_name, old.creditor_name);
    END""",
    """CREATE TRIGGER "dossier_fts_update" AFTER UPDATE OF reference, debtor_name, creditor_name ON "dossier" BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, reference, debtor_name, creditor_name)
        VALUES ('delete', old.id, old.reference, old.debtor_name, old.creditor_name);
        INSERT INTO dossier_fts(rowid, reference, debtor_name, creditor_name)
        VALUES (new.id, new.reference, new.debtor_name, new.creditor_name);
    END""",
    "INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')",
)


def up(db, dialect):
    for statement in COMMON:
        db.execute_sql(statement)
    if dialect["engine"] == "sqlite":
        for statement in SQLITE_SEARCH:
            db.execute_sql(statement)
