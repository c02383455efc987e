"""Version 18: PostgreSQL done right — booleans, accent-insensitive search, append-only by privilege.

A no-op on SQLite. On PostgreSQL (docs/postgresql.md):

- `debtor_address.is_current` was created INTEGER by m0001 where the model says BOOLEAN: psycopg 3
  sends a Python bool as a boolean, and `integer = boolean` is refused. Converted.
- Search: SQLite folds accents in its FTS5 index (m0002). Here `clerc_fold(text)` is
  `lower(unaccent(text))` (extension `unaccent`, declared IMMUTABLE so that an index can use it),
  and a GIN trigram index (extension `pg_trgm`) on the folded reference and names serves the
  dossier list's « starts a word » regular expressions (services/dossier_list.py). Both
  extensions are « trusted » (PostgreSQL 13+): the database's owner may create them.
- Privileges. The tables belong to the role that runs `clerc init` / `clerc migrate` (the
  owner); the clercs connect as login roles that are members of `clerc_app`, which gets SELECT,
  INSERT, UPDATE, DELETE on the tables except the append-only ones — the ledger, the audit trail,
  the frozen documents, the deadline texts — where it gets SELECT and INSERT only, and
  `schema_version`, SELECT only: an UPDATE or DELETE there is refused by the server itself,
  before any trigger. `apply_privileges` runs again after every later migration
  (models/migrations/__init__.py), so the tables a later version creates are granted too.
  `clerc_app` is created here when missing (that needs CREATEROLE; an administrator who creates
  it beforehand spares the owner that right).
- The triggers that keep the ledger, the audit trail, the frozen documents and the deadline texts
  unchanged (m0003, m0012, m0013, m0017) raise SQLSTATE 23000 (integrity_constraint_violation),
  as SQLite's RAISE(ABORT) is an integrity error: the same IntegrityError on both backends,
  where plpgsql's default (P0001) reached the code as a ProgrammingError.
- Live refresh: every table but `schema_version` notifies the channel `clerc` after each statement
  that changes it (`pg_notify`: delivered at COMMIT, once per transaction, never for a rollback).
  The app LISTENs on its own connection and refreshes the screen when another connection
  committed (models/db.py `ChangeListener`), where SQLite polls its `data_version` counter.
"""

from typing import Any

VERSION = 18
DESCRIPTION = "PostgreSQL : booléens, recherche sans accents (unaccent, pg_trgm), droits du rôle clerc_app"

APPLICATION_ROLE = "clerc_app"
APPEND_ONLY = (
    "ledger_entry",
    "audit_entry",
    "document_snapshot",
    "deadline_text",
    "solvency_fact",  # m0019
    "amicable_contact",  # m0022
    "amicable_optout",  # m0022
    "payment_plan_instalment",  # m0023
)
READ_ONLY = ("schema_version",)
CHANNEL = "clerc"

NOTIFY_FUNCTION = f"""CREATE OR REPLACE FUNCTION clerc_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"""

# Trigger function → its message (unchanged from the migration that made it).
REFUSALS = {
    "ledger_entry_append_only": "ledger_entry is append-only: record a reversal instead",
    "document_snapshot_append_only": "document_snapshot is append-only: a document is never changed",
    "audit_entry_append_only": "audit_entry is append-only",
    "deadline_text_frozen": "deadline_text is never changed: a deadline with another text gets its own row",
}

# The folded text the dossier list searches: reference, debtor and creditor, as one string.
SEARCH_TEXT = """clerc_fold("reference" || ' ' || "debtor_name" || ' ' || "creditor_name")"""

POSTGRESQL = (
    'ALTER TABLE "debtor_address" ALTER COLUMN "is_current" TYPE BOOLEAN USING "is_current" <> 0',
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is STABLE (its dictionary could change); named with its dictionary and schema
    # it may be wrapped as IMMUTABLE, which an expression index requires.
    """CREATE OR REPLACE FUNCTION clerc_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$""",
    f'CREATE INDEX "dossier_search_trgm" ON "dossier" USING GIN (({SEARCH_TEXT}) gin_trgm_ops)',
)


def up(db: Any, dialect: dict[str, str]) -> None:
    if dialect["engine"] != "postgresql":
        return
    for statement in POSTGRESQL:
        db.execute_sql(statement)
    db.execute_sql(NOTIFY_FUNCTION)
    for function, message in REFUSALS.items():
        db.execute_sql(
            f'''CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; END $$'''
        )
    db.execute_sql(create_role_sql(APPLICATION_ROLE))
    apply_privileges(db)


def create_role_sql(role: str) -> str:
    """Create the NOLOGIN role `role` unless it exists. Roles belong to the whole server: two bases
    migrated at once on one server both see it missing, and the second CREATE ROLE then fails on
    the catalogue's unique index once the first commits (seen with parallel test workers)."""
    return f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$"""


def apply_privileges(db: Any) -> None:
    """Grant `clerc_app` what the application needs, and no more; have every table notify
    its changes (idempotent: run again after each later migration)."""
    role = APPLICATION_ROLE
    tables = [row[0] for row in db.execute_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    db.execute_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
    db.execute_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    for table in tables:
        db.execute_sql(f'REVOKE ALL ON "{table}" FROM {role}')
        if table in READ_ONLY:
            rights = "SELECT"
        elif table in APPEND_ONLY:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        db.execute_sql(f'GRANT {rights} ON "{table}" TO {role}')
        if table not in READ_ONLY:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_notify" ON "{table}"')
            db.execute_sql(
                f'CREATE TRIGGER "{table}_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION clerc_notify()"
            )
