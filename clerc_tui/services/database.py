"""The base as the app and the command line see it: open, create, close, its schema version,
the change counter the app polls, and a French word for a base that refuses to work.

The connection itself stays in models/db.py (and the schema in models/migrations): this module
is the door cli/ and app.py go through, so that they never hold a Peewee database or model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clerc_tui.models import load_all
from clerc_tui.models.db import (
    ChangeListener,
    _redacted,
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
    "latest_schema_version",
    "load_every_model",
    "open_database",
    "schema_version",
    "sharing_report",
    "shown",
    "sqlite_path",
    "watch_other_writers",
]


def shown(target: str) -> str:
    """A base as messages show it: a server URL without its password."""
    return _redacted(target)


def open_database(target: str, *, migrate: bool = True, every_model: bool = True) -> None:
    """Open an existing clerc base (a SQLite path or a server URL) and bring its schema up to
    date (unless `migrate` is false: `clerc migrate` first looks whether anything is due); never
    creates one (« base introuvable »). A SQLite base is marked as in use by this process
    (services/sessions.py) before it is opened: a restore waits for no one. `every_model`
    false: the models not yet imported are left for `load_every_model` (the app's start)."""
    _hold_session(target)
    _open_database(target, migrate=migrate, every_model=every_model)


def load_every_model() -> None:
    """Every model imported, with its back-references (models.load_all): the app calls it once
    its first screen is painted, having opened the base with `every_model=False`."""
    load_all()


def init_database(target: str, group: str | None = None) -> None:
    """Create a new, empty clerc base (`clerc init`) and open it; refuse an existing one.
    With `group` (`--shared --group`), in a setgid folder of that group, the file 0660."""
    _init_database(target, group)
    _hold_session(target)


def sharing_report(expected: bool = False) -> str | None:
    """What in the open base's files would lock a clerc out, with the commands that fix it, in
    French; None when nothing does, or when the base is not shared.

    Shared means: `expected` (the étude's config names it), or its folder is setgid, or at least
    two active users of the étude are accounts of this server (each one opens the file with his
    own uid). A server base (PostgreSQL) has no files of ours to check."""
    from clerc_tui.models import shared

    if not is_sqlite() or database.obj is None:
        return None
    path = Path(database.obj.database)
    if not (expected or shared.folder_is_setgid(path) or _server_accounts() >= 2):
        return None
    problems = shared.layout_problems(path)
    return shared.report(problems) if problems else None


def _server_accounts() -> int:
    """How many active users of the étude have an account on this server."""
    import pwd

    from clerc_tui.models import User

    logins = [user.login for user in User.select(User.login).where(User.active == True)]  # noqa: E712 - peewee
    count = 0
    for login in logins:
        try:
            pwd.getpwnam(login)
        except KeyError:
            continue
        count += 1
    return count


def _hold_session(target: str) -> None:
    from clerc_tui.services.sessions import hold

    path = sqlite_path(target)
    try:
        present = path is not None and path.is_file()
    except OSError:  # a folder this account may not enter: opening the base says so, in French
        return
    if path is not None and present:
        hold(path)


def schema_version() -> int:
    """The schema version of the open base."""
    from clerc_tui.models.migrations import current_version

    return current_version()


def latest_schema_version() -> int:
    """The schema version this clerc brings a base to (its last migration)."""
    from clerc_tui.models.migrations import LATEST

    return LATEST


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
