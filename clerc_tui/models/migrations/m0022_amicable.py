"""Version 22: the amicable desk (issue 15) — scenarios followed, contacts, the send log, opt-outs.

- `amicable_enrolment`: the scenario a dossier follows (one row per dossier, unique), how many of its
  steps are done and when the last one was, its state (`active`, `paused` with a reason and an end
  date, `out`, `done`) and a `version` for optimistic locking (two clercs never overwrite each other
  silently). `round` counts the enrolments of the dossier: a dossier taken out then enrolled again
  starts a new round, so its messages get new idempotence keys.
- `amicable_contact`: every contact (date-time, channel, content or its reference, outcome, who),
  append-only (SQLite triggers, PostgreSQL privileges and trigger as m0019).
- `amicable_send`: the send log of campaigns (one row per idempotence key, unique): claimed in its
  own transaction before sending, marked sent after (at-most-once, docs/law/amicable.md).
- `amicable_optout`: a debtor's refusal of a channel (or its withdrawal), append-only: the latest
  row for (debtor, channel) is in force.
- `etude.contact_hours` (« lun-ven 10:00-13:00 14:00-20:00 ») and `etude.contact_ceiling` (4 per
  rolling 30 days): the rules of the profession the étude applies (rules/amicable.py).
"""

from typing import Any

VERSION = 22
DESCRIPTION = "Recouvrement amiable : scénarios suivis, contacts, journal des envois, refus de canal"

TABLES = (
    """CREATE TABLE "amicable_enrolment" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "scenario" VARCHAR(255) NOT NULL,
        "round" INTEGER NOT NULL,
        "steps_done" INTEGER NOT NULL,
        "last_step_on" DATE,
        "enrolled_on" DATE NOT NULL,
        "status" VARCHAR(255) NOT NULL,
        "paused_reason" TEXT NOT NULL,
        "paused_until" DATE,
        "version" INTEGER NOT NULL,
        "updated_by_id" INTEGER NOT NULL,
        "updated_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("updated_by_id") REFERENCES "user" ("id")
    )""",
    """CREATE TABLE "amicable_contact" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "debtor_id" INTEGER,
        "at" {ts} NOT NULL,
        "channel" VARCHAR(255) NOT NULL,
        "scenario" VARCHAR(255) NOT NULL,
        "step" VARCHAR(255) NOT NULL,
        "send_key" VARCHAR(255) NOT NULL,
        "recipient" VARCHAR(255) NOT NULL,
        "subject" VARCHAR(255) NOT NULL,
        "content" TEXT NOT NULL,
        "outcome" VARCHAR(255) NOT NULL,
        "detail" TEXT NOT NULL,
        "user_id" INTEGER,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id"),
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id"),
        FOREIGN KEY ("user_id") REFERENCES "user" ("id")
    )""",
    """CREATE TABLE "amicable_send" (
        {pk},
        "key" VARCHAR(255) NOT NULL,
        "dossier_id" INTEGER NOT NULL,
        "channel" VARCHAR(255) NOT NULL,
        "state" VARCHAR(255) NOT NULL,
        "claimed_at" {ts} NOT NULL,
        "claimed_by" VARCHAR(255) NOT NULL,
        "sent_at" {ts},
        "provider_id" VARCHAR(255) NOT NULL,
        "detail" TEXT NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id")
    )""",
    """CREATE TABLE "amicable_optout" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "channel" VARCHAR(255) NOT NULL,
        "opted_out" {bool} NOT NULL,
        "reason" TEXT NOT NULL,
        "recorded_by_id" INTEGER NOT NULL,
        "recorded_at" {ts} NOT NULL,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id"),
        FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id")
    )""",
)

INDEXES = (
    'CREATE UNIQUE INDEX "amicableenrolment_dossier_id" ON "amicable_enrolment" ("dossier_id")',
    'CREATE INDEX "amicableenrolment_status" ON "amicable_enrolment" ("status")',
    'CREATE INDEX "amicableenrolment_updated_by_id" ON "amicable_enrolment" ("updated_by_id")',
    'CREATE INDEX "amicablecontact_dossier_id" ON "amicable_contact" ("dossier_id")',
    'CREATE INDEX "amicablecontact_debtor_id_at" ON "amicable_contact" ("debtor_id", "at")',
    'CREATE INDEX "amicablecontact_user_id" ON "amicable_contact" ("user_id")',
    'CREATE UNIQUE INDEX "amicablesend_key" ON "amicable_send" ("key")',
    'CREATE INDEX "amicablesend_dossier_id" ON "amicable_send" ("dossier_id")',
    'CREATE INDEX "amicableoptout_debtor_id_channel" ON "amicable_optout" ("debtor_id", "channel")',
    'CREATE INDEX "amicableoptout_recorded_by_id" ON "amicable_optout" ("recorded_by_id")',
)

APPEND_ONLY = ("amicable_contact", "amicable_optout")
MESSAGE = "{table} is append-only: record a new row"


def _sqlite_frozen(table: str) -> tuple[str, ...]:
    message = MESSAGE.format(table=table)
    return (
        f"""CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" BEGIN
            SELECT RAISE(ABORT, '{message}');
        END""",
        f"""CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" BEGIN
            SELECT RAISE(ABORT, '{message}');
        END""",
    )


def _postgresql_frozen(table: str) -> tuple[str, ...]:
    message = MESSAGE.format(table=table)
    return (
        f"""CREATE FUNCTION "{table}_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; END $$""",
        f"""CREATE TRIGGER "{table}_no_change" BEFORE UPDATE OR DELETE ON "{table}"
            FOR EACH ROW EXECUTE FUNCTION "{table}_append_only"()""",
    )


def statements(dialect: dict[str, str]) -> tuple[str, ...]:
    frozen = _sqlite_frozen if dialect["engine"] == "sqlite" else _postgresql_frozen
    return (
        *(table.format(**dialect) for table in TABLES),
        *INDEXES,
        """ALTER TABLE "etude" ADD COLUMN "contact_hours" VARCHAR(255) NOT NULL
            DEFAULT 'lun-ven 10:00-13:00 14:00-20:00'""",
        'ALTER TABLE "etude" ADD COLUMN "contact_ceiling" INTEGER NOT NULL DEFAULT 4',
        *(statement for table in APPEND_ONLY for statement in frozen(table)),
    )


def up(db: Any, dialect: dict[str, str]) -> None:
    for statement in statements(dialect):
        db.execute_sql(statement)
