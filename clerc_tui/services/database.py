"""The base as the app and the command line see it: open, create, close, its schema version,
the change counter the app polls, and a French word for a base that refuses to work.

The connection itself stays in models/db.py (and the schema in models/migrations): this module
is the door cli/ and app.py go through, so that they never hold a Peewee database or model.
"""

from __future__ import annotations

from collections.abc import Callable

from clerc_tui.models.db import (
    ChangeListener,
    close_database,
    database,
    explain_database_error,
    is_postgresql,
    is_sqlite,
    sqlite_path,
)
from clerc_tui.models.db import init_database as _init_database
from clerc_tui.models.db import open_database as _open_database

__all__ = [
    "close_database",
    "data_version",
    "explain_database_error",
    "init_database",
    "open_database",
    "schema_version",
    "sqlite_path",
    "watch_other_writers",
]


def open_database(target: str) -> None:
    """Open an existing clerc base (a SQLite path or a server URL) and bring its schema up to
    date; never creates one (« base introuvable »)."""
    _open_database(target)


def init_database(target: str) -> None:
    """Create a new, empty clerc base (`clerc init`) and open it; refuse an existing one."""
    _init_database(target)


def schema_version() -> int:
    """The schema version of the open base."""
    from clerc_tui.models.migrations import current_version

    return current_version()


def data_version() -> int | None:
    """SQLite's change counter (PRAGMA data_version), bumped when another connection commits:
    what the app polls to show other clercs' changes. None on a server base, which tells them
    (`watch_other_writers`)."""
    if not is_sqlite():
        return None
    return int(database.execute_sql("PRAGMA data_version").fetchone()[0])


def watch_other_writers(on_change: Callable[[], None]) -> Callable[[], None] | None:
    """On PostgreSQL, call `on_change()` (from another thread) each time other connections
    committed changes (LISTEN/NOTIFY, migration m0018); return the function that stops it.
    None on SQLite, whose `data_version` is polled instead."""
    if not is_postgresql():
        return None
    return ChangeListener(on_change).close
