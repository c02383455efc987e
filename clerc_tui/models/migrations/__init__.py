"""Schema migrations: a version number stored in the database and ordered steps.

Opening an older database applies the missing steps, each in its own transaction;
opening a database written by a newer clerc is refused. `create_tables` is never the
upgrade path.
"""

from peewee import PostgresqlDatabase, SqliteDatabase

from clerc_tui.errors import SchemaError
from clerc_tui.models.migrations import (
    m0001_initial,
    m0002_search_and_agenda,
    m0003_ledger_and_rates,
    m0004_deadline_moves,
    m0005_list_sort_indexes,
    m0006_accounts,
    m0007_acts,
    m0008_fee_base_interest,
    m0009_contractual_day_basis,
    m0010_deadline_party_suspension,
    m0011_trust,
    m0012_frozen_documents,
    m0013_chain,
    m0014_deadline_act_versions,
    m0015_run_in_steps,
    m0016_open_deadline_counts,
    m0017_deadline_text,
    m0018_postgresql,
    m0019_solvency,
    m0020_wage_repartiteur,
    m0021_claim_interest,
    m0022_amicable,
    m0023_payment_plans,
    m0024_imports,
    m0025_bank_statements,
    m0026_sepa,
    m0027_import_batches,
    m0028_done_deadlines,
    m0029_deadline_unused_indexes,
    m0030_prefix_indexes,
)

STEPS = (
    m0001_initial,
    m0002_search_and_agenda,
    m0003_ledger_and_rates,
    m0004_deadline_moves,
    m0005_list_sort_indexes,
    m0006_accounts,
    m0007_acts,
    m0008_fee_base_interest,
    m0009_contractual_day_basis,
    m0010_deadline_party_suspension,
    m0011_trust,
    m0012_frozen_documents,
    m0013_chain,
    m0014_deadline_act_versions,
    m0015_run_in_steps,
    m0016_open_deadline_counts,
    m0017_deadline_text,
    m0018_postgresql,
    m0019_solvency,
    m0020_wage_repartiteur,
    m0021_claim_interest,
    m0022_amicable,
    m0023_payment_plans,
    m0024_imports,
    m0025_bank_statements,
    m0026_sepa,
    m0027_import_batches,
    m0028_done_deadlines,
    m0029_deadline_unused_indexes,
    m0030_prefix_indexes,
)
LATEST = STEPS[-1].VERSION

DIALECTS = {
    "sqlite": {"engine": "sqlite", "pk": '"id" INTEGER NOT NULL PRIMARY KEY', "ts": "DATETIME", "bool": "INTEGER"},
    "postgresql": {"engine": "postgresql", "pk": '"id" SERIAL PRIMARY KEY', "ts": "TIMESTAMP", "bool": "BOOLEAN"},
}


def dialect_of(db) -> dict:
    if isinstance(db, SqliteDatabase):
        return DIALECTS["sqlite"]
    if isinstance(db, PostgresqlDatabase):
        return DIALECTS["postgresql"]
    raise SchemaError(f"Base de données non prise en charge : {type(db).__name__}.")


def _lock(db):
    return db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic()


def stored_version(db) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql('SELECT MAX("version") FROM "schema_version"').fetchone()
    return int(row[0] or 0)


def _refuse_newer(version: int) -> None:
    if version > LATEST:
        raise SchemaError(
            f"Cette base est au schéma {version}, plus récent que celui de ce clerc ({LATEST}) : "
            "mettez clerc à jour avant de l'ouvrir. Rien n'a été modifié."
        )


def upgrade(db, target: int = LATEST) -> int:
    """Bring the schema up to `target`; return the version reached.

    The version is read first without a lock: a base already up to date is opened without
    taking the write lock, so starting clerc or a read-only command never waits on (or
    blocks) another clerc that is writing. The lock is taken only for a step that is due,
    and the version is read again inside it."""
    dialect = dialect_of(db)
    version = stored_version(db)
    _refuse_newer(version)
    if version >= target:
        return version
    for step in STEPS:
        if target < step.VERSION:
            break
        if version >= step.VERSION:
            continue
        with _lock(db):
            # Read the version inside the write lock: two processes opening an old
            # database at once must not both apply the same step.
            if not db.table_exists("schema_version"):
                db.execute_sql(
                    'CREATE TABLE IF NOT EXISTS "schema_version" ("version" INTEGER NOT NULL, '
                    f'"description" VARCHAR(255) NOT NULL, "applied_at" {dialect["ts"]} NOT NULL)'
                )
            version = stored_version(db)
            _refuse_newer(version)
            if version >= step.VERSION:
                continue
            step.up(db, dialect)
            insert = (
                'INSERT INTO "schema_version" ("version", "description", "applied_at") '
                "VALUES (%s, %s, CURRENT_TIMESTAMP)"
            )
            db.execute_sql(insert.replace("%s", db.param), (step.VERSION, step.DESCRIPTION))
            if dialect["engine"] == "postgresql" and step.VERSION > m0018_postgresql.VERSION:
                m0018_postgresql.apply_privileges(db)  # the tables this step made, granted to clerc_app
    return stored_version(db)


def current_version() -> int:
    from clerc_tui.models.db import database

    return stored_version(database.obj)
