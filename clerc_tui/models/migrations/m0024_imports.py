"""Version 24: creditor imports (issue 16 item 1; services/imports.py, docs/imports.md).

`import_mapping`: the column mapping of each creditor's files (one row per creditor, a JSON object
`{field: column header}`), written and audited by the import; reused on the next file.

`dossier_source`: for each imported dossier, the creditor's own reference, the file and the line it
came from. The unique index on (creditor, creditor reference) is what makes an import idempotent and
resumable: a row whose reference is already there is « déjà présent », never a second dossier.
"""

from typing import Any

VERSION = 24
DESCRIPTION = "Imports des créanciers : correspondance des colonnes, origine des dossiers importés"

TABLES = (
    """CREATE TABLE "import_mapping" (
        {pk},
        "creditor_id" INTEGER NOT NULL,
        "mapping" TEXT NOT NULL,
        "updated_by" VARCHAR(255) NOT NULL,
        "updated_at" {ts} NOT NULL,
        FOREIGN KEY ("creditor_id") REFERENCES "creditor" ("id")
    )""",
    """CREATE TABLE "dossier_source" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "creditor_id" INTEGER NOT NULL,
        "creditor_reference" VARCHAR(255) NOT NULL,
        "file_name" VARCHAR(255) NOT NULL,
        "line" INTEGER NOT NULL,
        "imported_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("creditor_id") REFERENCES "creditor" ("id")
    )""",
)

INDEXES = (
    'CREATE UNIQUE INDEX "importmapping_creditor_id" ON "import_mapping" ("creditor_id")',
    'CREATE UNIQUE INDEX "dossiersource_dossier_id" ON "dossier_source" ("dossier_id")',
    'CREATE UNIQUE INDEX "dossiersource_creditor_id_creditor_reference" '
    'ON "dossier_source" ("creditor_id", "creditor_reference")',
)


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in TABLES:
        db.execute_sql(statement.format(**dialect))
    for statement in INDEXES:
        db.execute_sql(statement)
