"""Version 20: the étude's setting « commissaire de justice répartiteur » (saisie des rémunérations).

`etude.wage_repartiteur`: whether the étude acts as the répartiteur of the wage seizures it runs
(CPCE L212-1 s., décret 2025-125): the employer pays it, and it must pay the inscribed creditors
at least every six weeks. Only then does recording the first funds or a répartition create the
six-week deadlines (docs/law/wage-seizure.md). Default false.
"""

VERSION = 20
DESCRIPTION = "Réglage de l'étude : commissaire répartiteur des saisies des rémunérations"

DEFAULTS = {"sqlite": "0", "postgresql": "FALSE"}


def up(db, dialect):
    db.execute_sql(f'ALTER TABLE "etude" ADD COLUMN "wage_repartiteur" {dialect["bool"]} NOT NULL '
                   f'DEFAULT {DEFAULTS[dialect["engine"]]}')
