"""Schema migrations: a version number stored in the database and ordered steps.

Opening an older database applies the missing steps, each in its own transaction;
opening a database written by a newer clerc is refused. `create_tables` is never the
upgrade path.
"""

from peewee import PostgresqlDatabase, SqliteDatabase

from clerc_tui.errors import SchemaError

# The schema version this clerc brings a base to: the VERSION of the last of `steps.STEPS`
# (tests/models/test_migrations.py checks that they agree). Written here so that opening a base
# already at it imports no step: a new migration is added to `steps.STEPS` and raises it.
LATEST = 30

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
    from clerc_tui.models.migrations.steps import STEPS, m0018_postgresql

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
