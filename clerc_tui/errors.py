"""Errors that carry a French message meant for the clerc.

Every layer raises these for bad input or refused operations; the screens and the CLI
show `message` as it is. Anything else is an unexpected error: logged, never shown raw.
"""


class ClercError(Exception):
    """A refusal the user must read: `message` is French and complete."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(ClercError):
    """A value typed by the user (or given on the command line) is not acceptable."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class MissingRate(ClercError):
    """A rate table has no row for a period the computation needs."""


class ConflictError(ClercError):
    """Another user changed the record since it was read (optimistic lock)."""


class AccessDenied(ClercError):
    """The current user may not do this."""


class SchemaError(ClercError):
    """The database schema cannot be used by this version of clerc."""


class DatabaseUnavailable(ClercError):
    """The database cannot be used right now (locked by another writer, read-only, unreachable)."""
