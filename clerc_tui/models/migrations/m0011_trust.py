"""Version 11: demo bases are marked, and the search folds the ligatures Œ and Æ.

`etude.demo`: true only in a base built by `clerc demo`. `clerc demo --force` replaces a
base only when this mark says it is a demo, so a real étude's base cannot be erased from the
command line (docs/trust.md).

Search: FTS5's unicode61 tokenizer lowers case and strips accents but keeps « œ » and « æ »
(they are letters, not accented letters), while the filter folds what the clerc types to
« oe »/« ae » (rules/names.fold): « oeuvrard » never found « ŒUVRARD ». The index now reads
the names through the view `dossier_search`, which spells the ligatures out; the triggers
write the same spelling, and the index is rebuilt over the rows already there.
"""

VERSION = 11
DESCRIPTION = "Bases de démonstration marquées ; recherche : Œ et Æ comme OE et AE"


def _ligatures_spelled_out(column: str) -> str:
    """SQL giving `column` with œ/Œ/æ/Æ written oe/OE/ae/AE (the tokenizer does the rest)."""
    return f"replace(replace(replace(replace({column}, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"


def _values(row: str) -> str:
    return (f"{row}.id, {row}.reference, {_ligatures_spelled_out(row + '.debtor_name')}, "
            f"{_ligatures_spelled_out(row + '.creditor_name')}")


SQLITE_SEARCH = (
    'DROP TRIGGER IF EXISTS "dossier_fts_insert"',
    'DROP TRIGGER IF EXISTS "dossier_fts_delete"',
    'DROP TRIGGER IF EXISTS "dossier_fts_update"',
    'DROP TABLE IF EXISTS "dossier_fts"',
    f"""CREATE VIEW "dossier_search" AS SELECT id, reference,
        {_ligatures_spelled_out('debtor_name')} AS debtor_name,
        {_ligatures_spelled_out('creditor_name')} AS creditor_name FROM "dossier\"""",
    """CREATE VIRTUAL TABLE "dossier_fts" USING fts5(
        reference, debtor_name, creditor_name,
        content='dossier_search', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    f"""CREATE TRIGGER "dossier_fts_insert" AFTER INSERT ON "dossier" BEGIN
        INSERT INTO dossier_fts(rowid, reference, debtor_name, creditor_name) VALUES ({_values('new')});
    END""",
    f"""CREATE TRIGGER "dossier_fts_delete" AFTER DELETE ON "dossier" BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, reference, debtor_name, creditor_name)
        VALUES ('delete', {_values('old')});
    END""",
    f"""CREATE TRIGGER "dossier_fts_update" AFTER UPDATE OF reference, debtor_name, creditor_name ON "dossier" BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, reference, debtor_name, creditor_name)
        VALUES ('delete', {_values('old')});
        INSERT INTO dossier_fts(rowid, reference, debtor_name, creditor_name) VALUES ({_values('new')});
    END""",
    "INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')",
)


def up(db, dialect):
    db.execute_sql('ALTER TABLE "etude" ADD COLUMN "demo" ' + dialect["bool"] + " NOT NULL DEFAULT FALSE")
    if dialect["engine"] == "sqlite":
        for statement in SQLITE_SEARCH:
            db.execute_sql(statement)
