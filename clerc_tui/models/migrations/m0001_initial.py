"""Version 1: the foundation schema (étude, users, parties, dossiers, deadlines, timeline, audit).

Frozen SQL, never generated from the live models: a later change of a model gets a
migration of its own. `{pk}`, `{ts}` and `{bool}` are filled per database engine.
"""

VERSION = 1
DESCRIPTION = "Schéma initial"

STATEMENTS = (
    """
CREATE TABLE "creditor" (
        {pk},
        "kind" VARCHAR(255) NOT NULL,
        "is_individual" {bool} NOT NULL,
        "activity" VARCHAR(255) NOT NULL,
        "civility" VARCHAR(255) NOT NULL,
        "first_name" VARCHAR(255) NOT NULL,
        "last_name" VARCHAR(255) NOT NULL,
        "company_name" VARCHAR(255) NOT NULL,
        "siren" VARCHAR(255) NOT NULL,
        "siret" VARCHAR(255) NOT NULL,
        "street" VARCHAR(255) NOT NULL,
        "postcode" VARCHAR(255) NOT NULL,
        "city" VARCHAR(255) NOT NULL,
        "country" VARCHAR(255) NOT NULL,
        "email" VARCHAR(255) NOT NULL,
        "phone" VARCHAR(255) NOT NULL,
        "iban" VARCHAR(255) NOT NULL,
        "bic" VARCHAR(255) NOT NULL,
        "display_name" VARCHAR(255) NOT NULL,
        "search_name" VARCHAR(255) NOT NULL
    )""",
    'CREATE INDEX "creditor_display_name" ON "creditor" ("display_name")',
    'CREATE INDEX "creditor_search_name" ON "creditor" ("search_name")',
    """
CREATE TABLE "user" (
        {pk},
        "login" VARCHAR(255) NOT NULL,
        "name" VARCHAR(255) NOT NULL,
        "role" VARCHAR(255) NOT NULL,
        "active" {bool} NOT NULL
    )""",
    'CREATE UNIQUE INDEX "user_login" ON "user" ("login")',
    """
CREATE TABLE "dossier" (
        {pk},
        "reference" VARCHAR(255) NOT NULL,
        "creditor_id" INTEGER NOT NULL,
        "nature" VARCHAR(255) NOT NULL,
        "phase" VARCHAR(255) NOT NULL,
        "assigned_to_id" INTEGER,
        "opened_on" DATE NOT NULL,
        "closed_on" DATE,
        "title_kind" VARCHAR(255) NOT NULL,
        "title_court" VARCHAR(255) NOT NULL,
        "title_reference" VARCHAR(255) NOT NULL,
        "title_date" DATE,
        "title_signified_on" DATE,
        "title_enforceable_on" DATE,
        "interest_kind" VARCHAR(255) NOT NULL,
        "contractual_rate" TEXT,
        "interest_from" DATE,
        "majoration_points" INTEGER NOT NULL,
        "capitalisation_from" DATE,
        "allocation_order" VARCHAR(255) NOT NULL,
        "zone" VARCHAR(255) NOT NULL,
        "notes" TEXT NOT NULL,
        "debtor_name" VARCHAR(255) NOT NULL,
        "creditor_name" VARCHAR(255) NOT NULL,
        "balance" BIGINT NOT NULL,
        "version" INTEGER NOT NULL,
        "created_at" {ts} NOT NULL,
        "updated_at" {ts} NOT NULL,
        FOREIGN KEY ("creditor_id") REFERENCES "creditor" ("id"),
        FOREIGN KEY ("assigned_to_id") REFERENCES "user" ("id")
    )""",
    'CREATE UNIQUE INDEX "dossier_reference" ON "dossier" ("reference")',
    'CREATE INDEX "dossier_creditor_id" ON "dossier" ("creditor_id")',
    'CREATE INDEX "dossier_assigned_to_id" ON "dossier" ("assigned_to_id")',
    """
CREATE TABLE "audit_entry" (
        {pk},
        "at" {ts} NOT NULL,
        "user_login" VARCHAR(255) NOT NULL,
        "action" VARCHAR(255) NOT NULL,
        "table_name" VARCHAR(255) NOT NULL,
        "row_id" VARCHAR(255) NOT NULL,
        "dossier_id" INTEGER,
        "before" TEXT NOT NULL,
        "after" TEXT NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE SET NULL
    )""",
    'CREATE INDEX "audit_entry_dossier_id" ON "audit_entry" ("dossier_id")',
    """
CREATE TABLE "claim_item" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "label" VARCHAR(255) NOT NULL,
        "amount" BIGINT NOT NULL,
        "due_on" DATE,
        "bears_interest" INTEGER NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "claim_item_dossier_id" ON "claim_item" ("dossier_id")',
    """
CREATE TABLE "deadline" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "procedure_id" VARCHAR(255) NOT NULL,
        "step_id" VARCHAR(255) NOT NULL,
        "rule_id" VARCHAR(255) NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "due_date" DATE NOT NULL,
        "label" VARCHAR(255) NOT NULL,
        "basis" VARCHAR(255) NOT NULL,
        "sanction" VARCHAR(255) NOT NULL,
        "note" TEXT NOT NULL,
        "assigned_to_id" INTEGER,
        "done" {bool} NOT NULL,
        "done_on" DATE,
        "done_by_id" INTEGER,
        "done_reason" TEXT NOT NULL,
        "created_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("assigned_to_id") REFERENCES "user" ("id"),
        FOREIGN KEY ("done_by_id") REFERENCES "user" ("id")
    )""",
    'CREATE INDEX "deadline_dossier_id" ON "deadline" ("dossier_id")',
    'CREATE INDEX "deadline_assigned_to_id" ON "deadline" ("assigned_to_id")',
    'CREATE INDEX "deadline_done_by_id" ON "deadline" ("done_by_id")',
    """
CREATE TABLE "debtor" (
        {pk},
        "kind" VARCHAR(255) NOT NULL,
        "civility" VARCHAR(255) NOT NULL,
        "first_name" VARCHAR(255) NOT NULL,
        "last_name" VARCHAR(255) NOT NULL,
        "company_name" VARCHAR(255) NOT NULL,
        "birth_date" DATE,
        "birth_place" VARCHAR(255) NOT NULL,
        "siren" VARCHAR(255) NOT NULL,
        "employer_name" VARCHAR(255) NOT NULL,
        "employer_address" TEXT NOT NULL,
        "notes" TEXT NOT NULL,
        "display_name" VARCHAR(255) NOT NULL,
        "search_name" VARCHAR(255) NOT NULL
    )""",
    'CREATE INDEX "debtor_search_name" ON "debtor" ("search_name")',
    """
CREATE TABLE "debtor_address" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "street" VARCHAR(255) NOT NULL,
        "postcode" VARCHAR(255) NOT NULL,
        "city" VARCHAR(255) NOT NULL,
        "country" VARCHAR(255) NOT NULL,
        "is_current" INTEGER NOT NULL,
        "since" DATE,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "debtor_address_debtor_id" ON "debtor_address" ("debtor_id")',
    """
CREATE TABLE "debtor_asset" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "description" TEXT NOT NULL,
        "estimated_value" BIGINT,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "debtor_asset_debtor_id" ON "debtor_asset" ("debtor_id")',
    """
CREATE TABLE "debtor_bank_account" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "bank_name" VARCHAR(255) NOT NULL,
        "iban" VARCHAR(255) NOT NULL,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "debtor_bank_account_debtor_id" ON "debtor_bank_account" ("debtor_id")',
    """
CREATE TABLE "debtor_contact" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "value" VARCHAR(255) NOT NULL,
        "label" VARCHAR(255) NOT NULL,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "debtor_contact_debtor_id" ON "debtor_contact" ("debtor_id")',
    """
CREATE TABLE "debtor_dependant" (
        {pk},
        "debtor_id" INTEGER NOT NULL,
        "relation" VARCHAR(255) NOT NULL,
        "name" VARCHAR(255) NOT NULL,
        "birth_date" DATE,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX "debtor_dependant_debtor_id" ON "debtor_dependant" ("debtor_id")',
    """
CREATE TABLE "dossier_debtor" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "debtor_id" INTEGER NOT NULL,
        "position" INTEGER NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("debtor_id") REFERENCES "debtor" ("id")
    )""",
    'CREATE INDEX "dossier_debtor_dossier_id" ON "dossier_debtor" ("dossier_id")',
    'CREATE INDEX "dossier_debtor_debtor_id" ON "dossier_debtor" ("debtor_id")',
    'CREATE UNIQUE INDEX "dossier_debtor_dossier_id_debtor_id" ON "dossier_debtor" ("dossier_id", "debtor_id")',
    """
CREATE TABLE "etude" (
        {pk},
        "name" VARCHAR(255) NOT NULL,
        "commissaire_name" VARCHAR(255) NOT NULL,
        "address" TEXT NOT NULL,
        "postcode" VARCHAR(255) NOT NULL,
        "city" VARCHAR(255) NOT NULL,
        "siren" VARCHAR(255) NOT NULL,
        "phone" VARCHAR(255) NOT NULL,
        "email" VARCHAR(255) NOT NULL,
        "day_count" VARCHAR(255) NOT NULL,
        "rounding" VARCHAR(255) NOT NULL
    )""",
    """
CREATE TABLE "sequence" (
        {pk},
        "name" VARCHAR(255) NOT NULL,
        "year" INTEGER NOT NULL,
        "last" INTEGER NOT NULL
    )""",
    'CREATE UNIQUE INDEX "sequence_name_year" ON "sequence" ("name", "year")',
    """
CREATE TABLE "timeline_event" (
        {pk},
        "dossier_id" INTEGER NOT NULL,
        "occurred_on" DATE NOT NULL,
        "kind" VARCHAR(255) NOT NULL,
        "text" TEXT NOT NULL,
        "user_id" INTEGER,
        "created_at" {ts} NOT NULL,
        FOREIGN KEY ("dossier_id") REFERENCES "dossier" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("user_id") REFERENCES "user" ("id")
    )""",
    'CREATE INDEX "timeline_event_dossier_id" ON "timeline_event" ("dossier_id")',
    'CREATE INDEX "timeline_event_user_id" ON "timeline_event" ("user_id")',
)


def up(db, dialect):
    for statement in STATEMENTS:
        db.execute_sql(statement.format(**dialect))
