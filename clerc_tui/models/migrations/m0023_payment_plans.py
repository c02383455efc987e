"""Version 23: payment plans (échéanciers), their instalments, the étude's grace period.

A plan (`payment_plan`) belongs to a dossier; its kind says whether it is a free amicable
agreement, an agreement inside the petites créances procedure (CPCE L125-1, R125-x) or the PV
d'accord of a wage seizure (L212-6). Its terms are never edited in place: a new plan replaces it
(`replaces_id`, unique: one plan replaces at most one) and the old one stays, « remplacé ». The
columns that say what was agreed (dossier, kind, total, start, who and when, what it replaces)
are refused any UPDATE by a trigger; the lifecycle columns (`status`, `ended_on`,
`ended_reason`, `letter_act_id`, `alerted_number`) change through the services with `version`
(optimistic locking) and an audit entry. A plan is never deleted (trigger).

The instalments (`payment_plan_instalment`) are append-only: SQLite triggers, and on PostgreSQL
the privileges of `clerc_app` (m0018 APPEND_ONLY) and a trigger raising SQLSTATE 23000.

`alerted_number`: the number of the missed instalment the last default alert was raised for (0:
none), so that detecting the default twice raises one alert (services/plans.py).

`etude.plan_grace_days` (default 8): days after an instalment's date before it counts as missed.
"""

from typing import Any

VERSION = 23
DESCRIPTION = "Échéanciers : plans de paiement, échéances, délai de grâce de l'étude"

PLAN = """CREATE TABLE "payment_plan" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "kind" VARCHAR(32) NOT NULL,
        "status" VARCHAR(16) NOT NULL,
        "total" BIGINT NOT NULL,
        "starts_on" DATE NOT NULL,
        "replaces_id" INTEGER,
        "letter_act_id" INTEGER,
        "alerted_number" INTEGER NOT NULL DEFAULT 0,
        "ended_on" DATE,
        "ended_reason" TEXT NOT NULL,
        "created_by_id" INTEGER NOT NULL,
        "created_at" {ts} NOT NULL,
        "version" INTEGER NOT NULL DEFAULT 1,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id"),
        FOREIGN KEY ("replaces_id") REFERENCES "payment_plan" ("id"),
        FOREIGN KEY ("letter_act_id") REFERENCES "act" ("id"),
        FOREIGN KEY ("created_by_id") REFERENCES "user" ("id")
    )"""

INSTALMENT = """CREATE TABLE "payment_plan_instalment" (
        {pk},
        "plan_id" INTEGER NOT NULL,
        "number" INTEGER NOT NULL,
        "due_on" DATE NOT NULL,
        "amount" BIGINT NOT NULL,
        FOREIGN KEY ("plan_id") REFERENCES "payment_plan" ("id")
    )"""

INDEXES = (
    'CREATE INDEX "paymentplan_dossier_id_status" ON "payment_plan" ("dossier_id", "status")',
    'CREATE INDEX "paymentplan_status" ON "payment_plan" ("status")',
    'CREATE UNIQUE INDEX "paymentplan_replaces_id" ON "payment_plan" ("replaces_id")',
    'CREATE INDEX "paymentplan_letter_act_id" ON "payment_plan" ("letter_act_id")',
    'CREATE INDEX "paymentplan_created_by_id" ON "payment_plan" ("created_by_id")',
    'CREATE UNIQUE INDEX "paymentplaninstalment_plan_id_number" ON "payment_plan_instalment" ("plan_id", "number")',
)

TERMS = ("dossier_id", "kind", "total", "starts_on", "replaces_id", "created_by_id", "created_at")
PLAN_MESSAGE = "payment_plan terms are never edited: a new plan replaces it"
INSTALMENT_MESSAGE = "payment_plan_instalment is append-only: a new plan replaces the old one"

SQLITE = (
    f"""CREATE TRIGGER "payment_plan_terms_frozen" BEFORE UPDATE ON "payment_plan"
        WHEN {" OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in TERMS)}
        BEGIN SELECT RAISE(ABORT, '{PLAN_MESSAGE}'); END""",
    f"""CREATE TRIGGER "payment_plan_no_delete" BEFORE DELETE ON "payment_plan" BEGIN
        SELECT RAISE(ABORT, '{PLAN_MESSAGE}');
    END""",
    f"""CREATE TRIGGER "payment_plan_instalment_no_update" BEFORE UPDATE ON "payment_plan_instalment" BEGIN
        SELECT RAISE(ABORT, '{INSTALMENT_MESSAGE}');
    END""",
    f"""CREATE TRIGGER "payment_plan_instalment_no_delete" BEFORE DELETE ON "payment_plan_instalment" BEGIN
        SELECT RAISE(ABORT, '{INSTALMENT_MESSAGE}');
    END""",
)
_CHANGED = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in TERMS)
POSTGRESQL = (
    f"""CREATE FUNCTION "payment_plan_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR {_CHANGED} THEN
            RAISE EXCEPTION '{PLAN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER "payment_plan_no_change" BEFORE UPDATE OR DELETE ON "payment_plan"
        FOR EACH ROW EXECUTE FUNCTION "payment_plan_frozen"()""",
    f"""CREATE FUNCTION "payment_plan_instalment_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{INSTALMENT_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    """CREATE TRIGGER "payment_plan_instalment_no_change" BEFORE UPDATE OR DELETE ON "payment_plan_instalment"
        FOR EACH ROW EXECUTE FUNCTION "payment_plan_instalment_append_only"()""",
)


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    return (
        PLAN.format(**dialect),
        INSTALMENT.format(**dialect),
        *INDEXES,
        'ALTER TABLE "etude" ADD COLUMN "plan_grace_days" INTEGER NOT NULL DEFAULT 8',
        *(SQLITE if dialect["engine"] == "sqlite" else POSTGRESQL),
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
