"""Opening the database: SQLite shared by several processes, or PostgreSQL by URL.

SQLite is opened in WAL mode with foreign keys on and a busy timeout; every write runs
in a short `BEGIN IMMEDIATE` transaction (`write_transaction()`), because in WAL a
deferred transaction that reads then writes fails at once when another process writes
(measured in stack.md: 27 % lost with deferred, none with IMMEDIATE).
"""

from contextlib import contextmanager
from pathlib import Path

from peewee import (
    DatabaseProxy,
    ImproperlyConfigured,
    OperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
)

from clerc_tui.errors import ClercError

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -64000,
    "temp_store": "memory",
}
BUSY_TIMEOUT_SECONDS = 10


def is_url(target: str) -> bool:
    return "://" in target


def make_database(target: str):
    """Build (not yet open) the database for a file path or a URL."""
    if is_url(target):
        if target.startswith("sqlite:///"):
            return make_database(target[len("sqlite:///"):])
        from playhouse.db_url import (
            connect as connect_url,  # only servers need it (5 ms of start-up)
        )

        return connect_url(target)
    Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(str(Path(target).expanduser()), timeout=BUSY_TIMEOUT_SECONDS, pragmas=SQLITE_PRAGMAS)


def open_database(target: str, *, migrate: bool = True):
    """Open the database, bind the models to it and bring its schema up to date."""
    from clerc_tui.models.migrations import upgrade

    db = make_database(target)
    close_database()
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured:
        raise ClercError("Pilote PostgreSQL absent : installez-le (pip install 'psycopg2-binary').") from None
    except OperationalError as error:
        raise ClercError(f"Impossible d'ouvrir la base {_redacted(target)} : {error}") from None
    if migrate:
        upgrade(db)
    return db


def _redacted(target: str) -> str:
    """The target without its password, for messages."""
    if is_url(target) and "@" in target:
        scheme, rest = target.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return target


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def is_sqlite(db=None) -> bool:
    return isinstance(db or database.obj, SqliteDatabase)


def is_postgresql(db=None) -> bool:
    return isinstance(db or database.obj, PostgresqlDatabase)


@contextmanager
def write_transaction():
    """One short write transaction; on SQLite it takes the write lock at BEGIN."""
    if is_sqlite() and database.transaction_depth() == 0:
        with database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn
