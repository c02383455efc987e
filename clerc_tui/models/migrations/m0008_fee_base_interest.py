"""Version 8: the étude's setting for the base of the proportional recovery fees.

`etude.fee_base_interest`: whether the interest collected counts in the base of A444-31 /
A444-32 besides the principal (or condemnation). Default false: the articles name the
principal or the condemnation, dépens excluded (docs/law/recovery-fees.md). Printed on the
creditor's statement.
"""

VERSION = 8
DESCRIPTION = "Réglage de l'étude : intérêts dans l'assiette des droits proportionnels"

DEFAULTS = {"sqlite": "0", "postgresql": "FALSE"}


def up(db, dialect):
    db.execute_sql(f'ALTER TABLE "etude" ADD COLUMN "fee_base_interest" {dialect["bool"]} NOT NULL '
                   f'DEFAULT {DEFAULTS[dialect["engine"]]}')
