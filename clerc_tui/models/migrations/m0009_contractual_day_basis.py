"""Version 9: the day basis of a dossier's contractual interest.

`dossier.contractual_day_basis`: `civil` (365 days, 366 in a leap year — the default, and the
value every existing dossier takes), `365` or `360` when the contract writes another year.
Legal interest and L441-10 penalties ignore it (36 500, docs/law/interest.md).
"""

VERSION = 9
DESCRIPTION = "Base de calcul des jours de l'intérêt conventionnel (année civile par défaut)"


def up(db, dialect):
    db.execute_sql("""ALTER TABLE "dossier" ADD COLUMN "contractual_day_basis" VARCHAR(8) NOT NULL DEFAULT 'civil'""")
