"""Version 27: one audit entry per batch of a creditor import (issue 16 item 1; docs/imports.md).

`dossier_source.audit_id`: the audit entry of the batch that created the dossier (who, the file and
its SHA-256, the lines, each created dossier's id and the digest of its rows), which the dossier's
history names and `clerc check` verifies. NULL for dossiers imported before this version (each of
those has its own « dossier.import » entry).
"""

VERSION = 27
DESCRIPTION = "Imports des créanciers : une entrée d'audit par lot, nommée par chaque dossier importé"


def up(db, dialect):
    db.execute_sql('ALTER TABLE "dossier_source" ADD COLUMN "audit_id" INTEGER')
