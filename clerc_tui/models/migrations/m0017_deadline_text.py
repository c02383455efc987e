"""Version 17: the text of deadlines stored once; the deadline indexes no query uses dropped.

`deadline_text` (label, basis, sanction, note; unique together): the text the procedure rules
give a deadline. At 100,000 dossiers the 1.1 million deadlines repeated a few dozen texts,
~125 bytes a row, most of the base. `deadline.text_id` points to it; the deadline's own four
columns are then "" (models/tracking.py reads through). A deadline typed by hand or whose text
is edited keeps its own text, `text_id` NULL. Catalogue rows are never changed nor deleted
(triggers): a process may keep them in memory. Existing deadlines are moved to the catalogue.

Dropped (EXPLAIN QUERY PLAN of every deadline query, docs/architecture.md): `deadline_dossier_id`
(a prefix of `deadline_dossier_done_due`, which serves the same searches and the dossier's
ON DELETE CASCADE), `deadline_assigned_to_id` and `deadline_done_by_id` (no query filters on
them alone; users are deactivated, never deleted, so the foreign keys never look them up).
The file shrinks when rebuilt (`VACUUM`, or a new demo): the migration only frees pages.
"""

from typing import Any

VERSION = 17
DESCRIPTION = "Texte des échéances stocké une fois ; index d'échéances inutilisés supprimés"

TABLE = """CREATE TABLE "deadline_text" (
        {pk},
        "label" VARCHAR(255) NOT NULL,
        "basis" VARCHAR(255) NOT NULL,
        "sanction" VARCHAR(255) NOT NULL,
        "note" TEXT NOT NULL
    )"""

MESSAGE = "deadline_text is never changed: a deadline with another text gets its own row"
SQLITE_FROZEN = (
    f"""CREATE TRIGGER "deadline_text_no_update" BEFORE UPDATE ON "deadline_text" BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END""",
    f"""CREATE TRIGGER "deadline_text_no_delete" BEFORE DELETE ON "deadline_text" BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END""",
)
POSTGRESQL_FROZEN = (
    f"""CREATE FUNCTION "deadline_text_frozen"() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER "deadline_text_no_change" BEFORE UPDATE OR DELETE ON "deadline_text"
        FOR EACH ROW EXECUTE FUNCTION "deadline_text_frozen"()""",
)

MOVE = (
    'INSERT INTO "deadline_text" ("label", "basis", "sanction", "note") '
    'SELECT DISTINCT "label", "basis", "sanction", "note" FROM "deadline" ORDER BY 1, 2, 3, 4',
    'UPDATE "deadline" SET "text_id" = (SELECT t."id" FROM "deadline_text" t WHERE t."label" = "deadline"."label" '
    'AND t."basis" = "deadline"."basis" AND t."sanction" = "deadline"."sanction" AND t."note" = "deadline"."note"), '
    """"label" = '', "basis" = '', "sanction" = '', "note" = ''""",
)

UNUSED_INDEXES = ("deadline_dossier_id", "deadline_assigned_to_id", "deadline_done_by_id")


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (
        TABLE.format(**dialect),
        'CREATE UNIQUE INDEX "deadlinetext_label_basis_sanction_note" ON "deadline_text" '
        '("label", "basis", "sanction", "note")',
        'ALTER TABLE "deadline" ADD COLUMN "text_id" INTEGER REFERENCES "deadline_text" ("id")',
        *MOVE,
        *(f'DROP INDEX "{name}"' for name in UNUSED_INDEXES),
        *(SQLITE_FROZEN if dialect["engine"] == "sqlite" else POSTGRESQL_FROZEN),
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
