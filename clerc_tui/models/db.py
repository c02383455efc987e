"""Opening the database: SQLite shared by several processes, or PostgreSQL by URL.

SQLite is opened in WAL mode with foreign keys on and a busy timeout; every write runs
in a short `BEGIN IMMEDIATE` transaction (`write_transaction()`), because in WAL a
deferred transaction that reads then writes fails at once when another process writes
(27 % of such transactions were lost in a measure with deferred, none with IMMEDIATE).

A base is never created implicitly: `open_database` refuses a missing file (« base
introuvable ») and only `init_database` (the `clerc init` command) creates one
(docs/trust.md). Opening takes no write lock unless a migration is due.
"""

from __future__ import annotations

import fcntl
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, overload

from peewee import (
    Database,
    DatabaseProxy,
    ImproperlyConfigured,
    OperationalError,
    PostgresqlDatabase,
    ProgrammingError,
    SqliteDatabase,
)

from clerc_tui.errors import ClercError, DatabaseUnavailable
from clerc_tui.models import load_all

if TYPE_CHECKING:
    from peewee import _savepoint, _transaction

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -64000,
    "temp_store": "memory",
}
BUSY_TIMEOUT_SECONDS = 10
# The key of PostgreSQL's advisory lock that write transactions take in turn (write_transaction):
# « clerc » in ASCII, so that it is recognisable in pg_locks.
POSTGRESQL_WRITE_LOCK = int.from_bytes(b"clerc", "big")


def is_url(target: str) -> bool:
    return "://" in target


def sqlite_path(target: str) -> Path | None:
    """The file of a SQLite target (a path or a sqlite:/// URL); None for a server URL."""
    if not is_url(target):
        return Path(target).expanduser()
    if target.startswith("sqlite:///"):
        return Path(target[len("sqlite:///") :]).expanduser()
    return None


def make_database(target: str) -> Database:
    """Build (not yet open) the database for a file path or a URL. Creates nothing."""
    path = sqlite_path(target)
    if path is None:
        if target.split("://", 1)[0] in ("postgres", "postgresql"):
            load_postgresql_driver()
        from playhouse.db_url import (
            connect as connect_url,  # only servers need it (5 ms of start-up)
        )

        db: Database = connect_url(target)  # playhouse ships no annotations
        return db
    return SqliteDatabase(str(path), timeout=BUSY_TIMEOUT_SECONDS, pragmas=SQLITE_PRAGMAS)


DRIVER_MISSING = (
    "Pilote PostgreSQL absent : installez l'extra PostgreSQL de clerc (pip install 'clerc-tui[postgres]', "
    "qui apporte psycopg 3)."
)


def load_postgresql_driver() -> None:
    """Give peewee the psycopg 3 driver it was imported without (clerc_tui/__init__.py).

    Peewee 4 picks its PostgreSQL driver from module globals set at its own import
    (`PostgresqlDatabase.init`: psycopg 3 when psycopg2 is absent): they are set here, once,
    before the first PostgresqlDatabase is built; the class attributes the adapter reads
    (`txn_idle`…) likewise. A no-op when peewee already found psycopg itself."""
    import peewee

    names = vars(peewee)  # the module's globals, which its classes read
    if names["psycopg"] is not None:
        return
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        raise ClercError(DRIVER_MISSING) from None
    names.update(TransactionStatus=TransactionStatus, Json_pg3=Json, Jsonb_pg3=Jsonb)
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
    names["psycopg"] = psycopg  # last: peewee takes a non-None psycopg for a driver ready to use


def open_database(target: str, *, migrate: bool = True, create: bool = False, every_model: bool = True) -> Database:
    """Open an existing clerc database, bind the models to it and bring its schema up to date;
    import every model (`models.load_all`: their back-references) unless `every_model` is false
    (the app's start: it imports them once the dashboard is painted).

    A missing file, or a file or server base without clerc's schema, is refused: creating a
    base is `init_database` (`clerc init`), never the side effect of a typo in --db."""
    from clerc_tui.models.migrations import stored_version, upgrade

    path = sqlite_path(target)
    if path is not None and not create:
        try:
            path.stat()
        except PermissionError:
            raise ClercError(
                f"La base {path} n'est pas accessible à votre compte (droits de son dossier) : demandez à "
                "l'administrateur de l'étude de vous ajouter au groupe des clercs (usermod -aG GROUPE LOGIN)."
            ) from None
        except OSError:
            pass  # absent: said just below
        if not path.exists():
            raise ClercError(
                f"Base introuvable : {path} n'existe pas. Vérifiez --db ou CLERC_DATABASE ; "
                f"pour créer une base neuve : clerc init {path}"
            )
        if path.is_dir():
            raise ClercError(f"Base introuvable : {path} est un dossier, pas un fichier de base de données.")
    db = make_database(target)
    close_database()
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured:
        raise ClercError(DRIVER_MISSING) from None
    except OperationalError as error:
        raise explain_database_error(error, target) or ClercError(
            f"Impossible d'ouvrir la base {_redacted(target)} : {error}"
        ) from None
    try:
        if not create and stored_version(db) == 0:
            close_database()
            raise ClercError(
                f"{_redacted(target)} n'est pas une base clerc (aucun schéma) : rien n'y a été écrit. "
                "Pour créer une base neuve : clerc init CHEMIN"
            )
        if migrate:
            upgrade(db)
    except ProgrammingError as error:  # PostgreSQL: the role lacks a right (docs/postgresql.md)
        if "owner" not in str(error) and "permission denied" not in str(error):
            raise
        close_database()
        raise ClercError(
            f"La base {_redacted(target)} refuse votre rôle PostgreSQL (droits insuffisants) : rien n'a été modifié. "
            "Un clerc s'y connecte par un rôle membre de clerc_app ; la mise à jour du schéma se lance par le "
            "propriétaire des tables (clerc migrate). Voir docs/postgresql.md."
        ) from None
    if every_model:
        load_all()
    return db


def init_database(target: str, group: str | None = None) -> Database:
    """Create a new, empty clerc database (`clerc init`) and open it; refuse an existing one.

    `group` (`clerc init --shared --group G`): the base is laid out for the étude's clercs, in a
    setgid folder of G (2770), the file 0660 of G, before SQLite first opens it (models/shared.py)."""
    from clerc_tui.models.migrations import stored_version

    path = sqlite_path(target)
    if group is not None and path is None:
        raise ClercError(
            "--shared concerne une base SQLite (un fichier) : sur un serveur PostgreSQL, les droits "
            "sont ceux des rôles du serveur."
        )
    if path is not None:
        if group is not None:
            from clerc_tui.models.shared import group_id

            group_id(group)  # an unknown group, or one this account may not use: refused before anything
        try:
            path.stat()
        except PermissionError:
            raise ClercError(
                f"Impossible de créer la base {path} : accès refusé (droits du dossier {path.parent} ou de ses "
                "parents). Lancez la commande depuis un compte qui peut y écrire, ou choisissez un autre dossier."
            ) from None
        except OSError:
            pass  # absent: what init wants
        if path.is_dir():
            raise ClercError(
                f"{path} est un dossier : indiquez le fichier de la base à créer (ex. {path / 'clerc.db'})."
            )
        if path.exists() and path.stat().st_size > 0:
            raise ClercError(
                f"{path} existe déjà : clerc init ne remplace jamais une base. Ouvrez-la avec clerc --db {path}"
            )
        if group is not None:
            from clerc_tui.models.shared import prepare_shared_base

            prepare_shared_base(path, group)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ClercError(f"Impossible de créer le dossier {path.parent} : {error.strerror}.") from None
    else:
        db = open_database(target, migrate=False, create=True)
        if stored_version(db):
            close_database()
            raise ClercError(f"{_redacted(target)} contient déjà une base clerc : clerc init ne la remplace pas.")
    return open_database(target, create=True)


def explain_database_error(error: BaseException, target: str | None = None) -> ClercError | None:
    """A French explanation for SQLite refusing to work (locked, read-only, unreachable);
    None for anything else, which stays an unexpected error."""
    if not isinstance(error, OperationalError) and type(error).__name__ != "OperationalError":
        return None
    text = str(error).lower()
    where = _redacted(target) if target else (database.obj.database if database.obj is not None else "la base")
    if "locked" in text or "busy" in text or "lock timeout" in text:  # the last: PostgreSQL's
        return DatabaseUnavailable(
            f"La base {where} est occupée : un autre clerc y écrit depuis plus de {BUSY_TIMEOUT_SECONDS} s. "
            "Rien n'a été enregistré ; réessayez dans un instant."
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseUnavailable(
            f"La base {where} est en lecture seule pour votre compte (droits du fichier ou de son dossier) : "
            "rien n'a été enregistré. Demandez à l'administrateur de l'étude de rétablir les droits d'écriture."
        )
    if "unable to open" in text or "disk i/o" in text:
        return DatabaseUnavailable(
            f"Impossible d'ouvrir la base {where} : le fichier ou son dossier n'est pas accessible en écriture "
            "pour votre compte (clerc écrit le journal WAL à côté de la base, même pour lire). "
            "Demandez à l'administrateur de l'étude de vérifier les droits."
        )
    return None


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


def is_sqlite(db: Database | None = None) -> bool:
    return isinstance(db or database.obj, SqliteDatabase)


def is_postgresql(db: Database | None = None) -> bool:
    return isinstance(db or database.obj, PostgresqlDatabase)


# --- raw SQL: the few queries written by hand (agenda, dossier list, payment search) --------


def raw_sql(text: str, db: Database | None = None) -> str:
    """Raw SQL written with SQLite's `?` placeholders, for the base in use (PostgreSQL's are `%s`)."""
    return text if is_sqlite(db) else text.replace("?", "%s")


def sql_date(value: date) -> date | str:
    """A date as a raw-SQL parameter: ISO text on SQLite (how peewee stores a DateField), a date on PostgreSQL."""
    return value.isoformat() if is_sqlite() else value


@overload
def read_date(value: date | str) -> date: ...
@overload
def read_date(value: None) -> None: ...
def read_date(value: date | str | None) -> date | None:
    """A date column read by raw SQL: ISO text from SQLite, a date from PostgreSQL."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


@contextmanager
def write_transaction() -> Iterator[_transaction | _savepoint]:
    """One short write transaction; it takes the base's one write lock at BEGIN.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock, the same for every
    clerc, so writers take turns there too. Without it, two services locking the same rows in a
    different order (a dossier, then a number sequence; or the other way) deadlock, and the
    server cancels one of them: 27 writes of 1 500 refused to a clerc in bench_concurrency.py
    with 3 processes. Writes are short (one use case each): taking turns costs little, and a
    wait longer than BUSY_TIMEOUT_SECONDS is refused in French, as on SQLite (lock_timeout)."""
    outermost = database.transaction_depth() == 0
    if is_sqlite() and outermost:
        with announced(database.obj.database), database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            if outermost and is_postgresql():
                database.execute_sql(f"SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT_SECONDS)}s'")
                database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (POSTGRESQL_WRITE_LOCK,))
            yield txn


# --- taking turns with a bulk writer (SQLite) ---------------------------------------------
# SQLite has no queue for its write lock: a writer that finds it taken sleeps and tries again
# (up to 100 ms apart), so a bulk writer (the creditor import) that took the lock back at once
# after each batch could keep another clerc out for the whole import. Two lock files beside the
# base say who waits, with `flock` (the kernel drops it when its process ends, however it ends;
# never the base itself: closing a file of the base would drop SQLite's own locks):
# - BASE.writers: every write transaction holds it shared from before it asks for the lock
#   until it is over; the bulk writer tries it exclusively, without waiting, between two
#   batches: when that fails, someone waits (or writes), and the bulk writer lets them pass;
# - BASE.bulk: the bulk writer holds it exclusively while it writes a batch; a write
#   transaction passes through it shared before BEGIN, so that it is woken (within
#   TURN_POLL_SECONDS) when the batch commits instead of at its next retry.
# The bulk writer creates them (beside the base, as .sessions); until then nobody announces. A
# process that cannot open them (a permission problem) writes as before, unannounced.
WRITERS_SUFFIX, BULK_SUFFIX = ".writers", ".bulk"
TURN_POLL_SECONDS = 0.002
_bulk_batch = threading.local()  # .held: this thread is writing a bulk batch (holds BASE.bulk)


@functools.lru_cache(maxsize=8)
def _real(base: str) -> str:
    """The base's path with its links resolved: every process names the same lock files, however
    it was given the base (relative path, link), as services/sessions.py does."""
    return os.path.realpath(os.path.expanduser(base))


def _lock_file(base: str, suffix: str, *, create: bool = False) -> int | None:
    """The lock file's descriptor; None when it cannot be opened, or when it does not exist and
    `create` is False (writers: no bulk writer ever wrote to this base, nobody to announce to)."""
    if base == ":memory:" or base.startswith("file:"):
        return None
    try:  # read-only is enough for flock; created for the group (the umask decides the rest)
        return os.open(_real(base) + suffix, os.O_RDONLY | os.O_CLOEXEC | (os.O_CREAT if create else 0), 0o666)
    except OSError:
        return None


def _take(fd: int, how: int, seconds: float) -> bool:
    """flock(fd, how) within `seconds` (tried every TURN_POLL_SECONDS: flock has no timeout)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(fd, how | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(TURN_POLL_SECONDS)


@contextmanager
def announced(base: str) -> Iterator[None]:
    """A write to the SQLite base `base` (its path) is about to ask for the write lock: announced
    to a bulk writer (BASE.writers, shared, until the block ends), and let through as soon as its
    batch in progress is over (BASE.bulk). Bounded by BUSY_TIMEOUT_SECONDS, as SQLite's own wait."""
    writers = _lock_file(base, WRITERS_SUFFIX)
    try:
        if writers is not None:
            _take(writers, fcntl.LOCK_SH, BUSY_TIMEOUT_SECONDS)
        if not getattr(_bulk_batch, "held", False):
            bulk = _lock_file(base, BULK_SUFFIX)
            if bulk is not None:
                _take(bulk, fcntl.LOCK_SH, BUSY_TIMEOUT_SECONDS)
                os.close(bulk)
        yield
    finally:
        if writers is not None:
            os.close(writers)


class BulkTurns:
    """A bulk writer's side of the turns (SQLite; on PostgreSQL the advisory lock of
    write_transaction is a queue: a waiter is granted it when the batch commits, and the next
    batch queues behind it). `let_others_pass()` between two batches; `batch()` around each."""

    def __init__(self) -> None:
        base = database.obj.database if is_sqlite() else ":memory:"
        self.base = base
        self.writers = _lock_file(base, WRITERS_SUFFIX, create=True)
        self.bulk = _lock_file(base, BULK_SUFFIX, create=True)

    @property
    def announced(self) -> bool:
        """Whether writers announce themselves to this one (False: PostgreSQL, or no lock files)."""
        return self.writers is not None and self.bulk is not None

    def let_others_pass(self, seconds: float) -> bool:
        """When a write is announced (waiting for the lock, or writing), wait until it is over, at
        most `seconds`; True when someone was let through."""
        if self.writers is None:
            return False
        try:
            fcntl.flock(self.writers, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if _take(self.writers, fcntl.LOCK_EX, seconds):
                fcntl.flock(self.writers, fcntl.LOCK_UN)
            return True
        fcntl.flock(self.writers, fcntl.LOCK_UN)
        return False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """A batch being written: announced first (another bulk writer lets it pass), then holding
        BASE.bulk, where announced writers wait for its end rather than in SQLite."""
        mine = _lock_file(self.base, WRITERS_SUFFIX) if self.bulk is not None else None
        held = False
        try:
            if mine is not None and self.bulk is not None:
                _take(mine, fcntl.LOCK_SH, BUSY_TIMEOUT_SECONDS)
                held = _take(self.bulk, fcntl.LOCK_EX, BUSY_TIMEOUT_SECONDS)  # another bulk writer's batch
            _bulk_batch.held = held
            yield
        finally:
            _bulk_batch.held = False
            if held:
                fcntl.flock(self.bulk, fcntl.LOCK_UN)  # type: ignore[arg-type]
            if mine is not None:
                os.close(mine)

    def close(self) -> None:
        for fd in (self.writers, self.bulk):
            if fd is not None:
                os.close(fd)
        self.writers = self.bulk = None


class ChangeListener:
    """PostgreSQL's notice of other clercs' commits: LISTEN on the channel every table notifies
    (migration m0018), on a connection of its own, in a daemon thread; `on_change()` is called
    from that thread once for each burst of commits made by other connections (never for this
    process's own connection, as SQLite's data_version counts only the others' commits).
    `close()` stops it."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        import psycopg

        from clerc_tui.models.migrations.m0018_postgresql import CHANNEL

        db = database.obj
        self._own = db.connection().info.backend_pid  # this thread's connection: the app's
        self._connection = psycopg.connect(dbname=db.database, autocommit=True, **db.connect_params)
        self._connection.execute(f"LISTEN {CHANNEL}")
        self._on_change = on_change
        self._stopped = threading.Event()
        # close() writes here to end the wait at once: waiting on the server with a timeout, to
        # look at _stopped now and then, held every exit of clerc up to half a second (0.23 s
        # on average per app of the test suite's PostgreSQL pass).
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._listen, name="clerc-listen", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        import select

        import psycopg

        try:
            while not self._stopped.is_set():
                # Asleep until the server sends something or close() wakes it (no timeout).
                select.select([self._connection.fileno(), self._wake_read], [], [])
                if self._stopped.is_set():
                    return
                # What has come, without waiting (read to its end: the generator holds the
                # connection's lock until then).
                notices = list(self._connection.notifies(timeout=0))
                if any(notice.pid != self._own for notice in notices) and not self._stopped.is_set():
                    # A burst (a batch of payments, several clercs at once) is one refresh:
                    # what comes in the next 50 ms is taken with it.
                    list(self._connection.notifies(timeout=0.05))
                    self._on_change()
        except psycopg.Error:  # the server went away, or close(): no more refreshes, nothing else
            return

    def close(self) -> None:
        self._stopped.set()
        os.write(self._wake_write, b"\0")
        self._thread.join(timeout=2)
        self._connection.close()
        if not self._thread.is_alive():  # else it may still look at the pipe: left open
            os.close(self._wake_read)
            os.close(self._wake_write)
