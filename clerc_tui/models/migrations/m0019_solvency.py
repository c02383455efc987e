"""Version 19: the debtor's solvency file (`solvency_fact`, models/solvency.py), append-only.

Each fact has its date (`known_on`, NULL when unknown) and its source; a correction or an end is a
new row that supersedes the old one (one row supersedes at most one: unique index), so the history
stays. UPDATE and DELETE are refused by triggers (SQLite) and, on PostgreSQL, by the privileges
of `clerc_app` (m0018 APPEND_ONLY) and a trigger raising SQLSTATE 23000.

`etude.solvency_stale_months` (default 6): a fact older than that is shown « ancienne ».

The debtor card's employer, bank accounts, assets and dependants (m0001, typed in the dossier
form) are not copied: they stay where the form writes them and the solvency file reads them as
undated facts of source « fiche débiteur ». A dated fact that corrects one names it in `card_ref`
(« debtor_bank_account:12 », « debtor:7:employer »): one place for each fact (docs/law/solvency.md).
"""

from typing import Any

VERSION = 19
DESCRIPTION = "Solvabilité du débiteur : faits datés et sourcés, jamais modifiés"

TABLE = """CREATE TABLE "solvency_fact" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "label" VARCHAR(255) NOT NULL,
        "detail" TEXT NOT NULL,
        "amount" BIGINT,
        "known_on" DATE,
        "source" VARCHAR(255) NOT NULL,
        "ended_on" DATE,
        "supersedes_id" INTEGER,
        "card_ref" VARCHAR(255) NOT NULL,
        "recorded_by_id" INTEGER NOT NULL,
        "recorded_at" {ts} NOT NULL,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id"),
        FOREIGN KEY ("supersedes_id") REFERENCES "solvency_fact" ("id"),
        FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id")
    )"""

INDEXES = (
    'CREATE INDEX "solvencyfact_debtor_id" ON "solvency_fact" ("debtor_id")',
    'CREATE UNIQUE INDEX "solvencyfact_supersedes_id" ON "solvency_fact" ("supersedes_id")',
    'CREATE INDEX "solvencyfact_card_ref" ON "solvency_fact" ("card_ref")',
    'CREATE INDEX "solvencyfact_recorded_by_id" ON "solvency_fact" ("recorded_by_id")',
)

MESSAGE = "solvency_fact is append-only: record a correction that supersedes the fact"
SQLITE_FROZEN = (
    f"""CREATE TRIGGER "solvency_fact_no_update" BEFORE UPDATE ON "solvency_fact" BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END""",
    f"""CREATE TRIGGER "solvency_fact_no_delete" BEFORE DELETE ON "solvency_fact" BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END""",
)
POSTGRESQL_FROZEN = (
    f"""CREATE FUNCTION "solvency_fact_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    """CREATE TRIGGER "solvency_fact_no_change" BEFORE UPDATE OR DELETE ON "solvency_fact"
        FOR EACH ROW EXECUTE FUNCTION "solvency_fact_append_only"()""",
)

def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (
        TABLE.format(**dialect),
        *INDEXES,
        'ALTER TABLE "etude" ADD COLUMN "solvency_stale_months" INTEGER NOT NULL DEFAULT 6',
        *(SQLITE_FROZEN if dialect["engine"] == "sqlite" else POSTGRESQL_FROZEN),
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
