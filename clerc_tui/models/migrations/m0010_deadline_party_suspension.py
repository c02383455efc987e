"""Version 10: a deadline may name the served party it runs for, and may be suspended.

`debtor_id`: set when the debtors served by one act get different dates (CPC 643: each party
gets the distance extension of its own address); NULL when the deadline is the same for all.
`suspended_reason`: non-empty while the délai does not run (CPCE L412-5: the two months
before an expulsion are suspended until the préfet is seized); the text is the warning shown.

Existing open « expulsion possible » deadlines (exp_cql_2_mois) whose préfet saisine is still
open on the dossier are marked suspended, since their délai has not started.
"""

VERSION = 10
DESCRIPTION = "Échéances par partie signifiée (CPC 643) et délais suspendus (CPCE L412-5)"

SUSPENDED = ("Préfet non saisi : le délai de 2 mois est suspendu tant que la saisine (EXPLOC) n'est pas faite "
             "(CPCE L412-5) ; enregistrer la saisine du préfet, le délai courra de sa date.")


def statements(dialect) -> tuple[str, ...]:
    false = "0" if dialect["engine"] == "sqlite" else "FALSE"
    reason = SUSPENDED.replace("'", "''")
    return (
        'ALTER TABLE "deadline" ADD COLUMN "debtor_id" INTEGER REFERENCES "debtor" ("id") ON DELETE SET NULL',
        """ALTER TABLE "deadline" ADD COLUMN "suspended_reason" TEXT NOT NULL DEFAULT ''""",
        f"""UPDATE "deadline" SET "suspended_reason" = '{reason}'
            WHERE "rule_id" = 'exp_cql_2_mois' AND "done" = {false}
              AND EXISTS (SELECT 1 FROM "deadline" p WHERE p."dossier_id" = "deadline"."dossier_id"
                          AND p."rule_id" = 'exp_saisine_prefet_cql' AND p."done" = {false})""",
    )


def up(db, dialect):
    for statement in statements(dialect):
        db.execute_sql(statement)
