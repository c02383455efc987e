"""Use cases run off the UI thread (a Textual thread worker).

Peewee gives each thread its own connection: a worker's is opened by its first query and
must be closed when the work is done, or every worker would leave one open."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from clerc_tui.models.db import close_database

T = TypeVar("T")


def on_own_connection(call: Callable[[], T]) -> T:
    """`call()` on this thread's own connection, closed afterwards whatever happens."""
    try:
        return call()
    finally:
        close_database()
