"""Version 26: SEPA credit transfers for the reversements (issue 16, item 3; docs/sepa.md).

`etude.bank_iban`, `etude.bank_bic`: the étude's own account (its compte de tiers), the debtor
account of the pain.001 transfer file; empty until `clerc etude set --iban … [--bic …]`.
`remittance_run.sepa`: the pain.001.001.09 document written with the run (the XML text, UTF-8),
so that `clerc reversements fichier RUN --sepa F` gives back the same bytes (its creation time
and ids included); NULL for runs made before this version or while the étude had no account.
"""

VERSION = 26
DESCRIPTION = "Virements SEPA (pain.001) : compte de l'étude, fichier SEPA conservé avec le reversement"


def up(db, dialect):
    db.execute_sql('ALTER TABLE "etude" ADD COLUMN "bank_iban" VARCHAR(255) NOT NULL DEFAULT \'\'')
    db.execute_sql('ALTER TABLE "etude" ADD COLUMN "bank_bic" VARCHAR(255) NOT NULL DEFAULT \'\'')
    db.execute_sql('ALTER TABLE "remittance_run" ADD COLUMN "sepa" TEXT')
