"""`clerc backup` and `clerc restore`: a consistent, verified copy while clercs work, and
putting one back with nobody connected (docs/backups.md).

Backup (SQLite). A plain `cp` of a live WAL base misses what sits in `-wal`; SQLite's online
backup API copies the base as one snapshot: the copy's connection opens a read transaction
first and keeps it for the whole copy, so the steps (a progress bar between them) all read
the same snapshot and never start over when a clerc commits. In WAL mode a reader blocks no
writer: clercs keep working during the copy. The copy goes to a hidden temporary file
beside its final place, is checked there (`PRAGMA integrity_check`, foreign keys, hash
chains, document numbers: services/integrity.py `check_integrity`, the same as `clerc check`),
made a single self-contained file (rollback journal, no `-wal`), written to disk (fsync),
then renamed to `BASE-AAAA-MM-JJTHHMMSS.db`. A killed backup leaves at most the hidden
`.….partielle` file; a copy that fails its check is not kept. Then only the last `keep`
copies named that way in that folder are kept; nothing else there is ever removed.

Backup (PostgreSQL). `pg_dump --format=custom`, the password handed over in a temporary
password file (never on the command line, never logged), the archive read back by
`pg_restore --list`, then renamed and pruned the same way (`BASE-….dump`).

Restore (SQLite). The file is copied beside the base, checked (integrity, the schema brought
to this version of clerc, then the same checks as a backup), written to disk; then, only if
no other clerc has the base open (services/sessions.py: refused, naming them), the current
base is folded into one file and kept under another name (`BASE.avant-restauration-….db`,
never deleted), and the checked copy takes the base's name in one rename. At every instant
the base's path holds either the old base or the restored one.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from clerc_tui.errors import ClercError, DatabaseUnavailable
from clerc_tui.models.db import BUSY_TIMEOUT_SECONDS, database, sqlite_path
from clerc_tui.rules.french import format_integer

Progress = Callable[..., None]  # tick(done, total[, label]), cli/progress.py
STEP_PAGES = 2048  # pages copied per step of the backup API (8 MB with 4 KB pages)
PARTIAL = ".partielle"
DEFAULT_KEEP = 14
STAMP = "%Y-%m-%dT%H%M%S"
STAMP_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{6}"


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int  # bytes
    seconds: float
    verified: str  # French: what was checked
    kept: tuple[Path, ...]  # clerc's copies left in the folder, oldest first (this one included)
    removed: tuple[Path, ...]
    leftovers: tuple[Path, ...]  # hidden files of interrupted backups, for the admin to remove


@dataclass(frozen=True)
class RestoreDone:
    base: Path
    aside: Path  # the replaced base, kept
    schema: int
    verified: str


def default_destination(target: str) -> Path:
    """Where copies go without DEST: `backups/` beside a SQLite base; for a server base,
    `backups/` under clerc's data folder (XDG)."""
    path = sqlite_path(target)
    if path is not None:
        return path.expanduser().resolve().parent / "backups"
    from platformdirs import user_data_path

    from clerc_tui.paths import APP

    return user_data_path(APP) / "backups"


def copy_name(stem: str, now: datetime, suffix: str) -> str:
    return f"{stem}-{now.strftime(STAMP)}{suffix}"


def _is_copy(name: str, stem: str, suffix: str) -> bool:
    return re.fullmatch(re.escape(stem) + "-" + STAMP_PATTERN + re.escape(suffix), name) is not None


def backup(target: str, dest: Path | None, *, keep: int, now: datetime, progress: Progress | None = None) -> BackupDone:
    """Copy the base `target` into `dest` (default: default_destination), check the copy, keep
    the last `keep` copies. Nothing named like a copy is left when anything fails."""
    if keep < 1:
        raise ClercError("--keep : au moins 1 (la copie qui vient d'être faite est toujours gardée).")
    folder = (dest or default_destination(target)).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ClercError(f"Impossible de créer le dossier des copies {folder} : {error.strerror}.") from None
    if not folder.is_dir():
        raise ClercError(f"{folder} n'est pas un dossier : indiquez le dossier où écrire les copies.")
    base = sqlite_path(target)
    started = time.monotonic()
    if base is None:
        stem, suffix = _server_database_name(target), ".dump"
    else:
        base = base.expanduser().resolve()
        stem, suffix = base.stem, ".db"
    final = folder / copy_name(stem, now, suffix)
    if final.exists():
        raise ClercError(f"{final} existe déjà (une copie faite à la même seconde) : rien n'a été écrit.")
    partial = folder / f".{final.name}{PARTIAL}"
    try:
        if base is None:
            verified = _dump_postgresql(target, partial)
        else:
            verified = _copy_sqlite(base, partial, progress)
            partial.chmod(base.stat().st_mode & 0o666)  # no more open than the base itself
        _fsync(partial)
        os.replace(partial, final)
        _fsync(folder)
    except BaseException:
        _remove_with_sidecars(partial)
        raise
    kept, removed = _prune(folder, stem, suffix, keep)
    leftovers = tuple(sorted(p for p in folder.glob(f".{stem}-*{suffix}{PARTIAL}*") if p != partial and p.is_file()))
    return BackupDone(final, final.stat().st_size, time.monotonic() - started, verified, kept, removed, leftovers)


def _copy_sqlite(base: Path, into: Path, progress: Progress | None) -> str:
    if not base.is_file():
        raise ClercError(f"Base introuvable : {base} n'existe pas.")
    fd = os.open(into, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    os.close(fd)
    source = sqlite3.connect(str(base), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    target = sqlite3.connect(str(into), isolation_level=None)
    try:
        # One snapshot for all the steps: the read transaction outlives them.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(target, pages=STEP_PAGES, progress=step, sleep=0)
        source.execute("COMMIT")
        # The copy carries the base's WAL flag: make it one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE").fetchone()
    finally:
        target.close()
        source.close()
    if progress is not None:
        progress(0, 1, "Vérification de la copie")
    verified = _check_copy(into)
    if progress is not None:
        progress(1, 1)
    return verified


def _check_copy(path: Path) -> str:
    """Run clerc check's integrity part on the file `path` (read only); refuse on any break."""
    from peewee import SqliteDatabase

    from clerc_tui.models.migrations import LATEST, stored_version
    from clerc_tui.services.integrity import check_integrity

    copy = SqliteDatabase(str(path), pragmas={"query_only": 1})
    with _bound(copy):
        version = stored_version(copy)
        if version != LATEST:
            raise ClercError(
                f"La copie {path} est au schéma {version}, clerc au schéma {LATEST} : "
                "elle ne peut pas être vérifiée par cette version de clerc."
            )
        breaks = check_integrity()
        entries = copy.execute_sql('SELECT count(*) FROM "ledger_entry"').fetchone()[0]
        audits = copy.execute_sql('SELECT count(*) FROM "audit_entry"').fetchone()[0]
    if breaks:
        shown = "\n".join(f"  {b}" for b in breaks[:20])
        more = f"\n  … et {len(breaks) - 20} autre(s)" if len(breaks) > 20 else ""
        raise DatabaseUnavailable(
            f"La copie ne passe pas la vérification ({len(breaks)} anomalie(s)) : elle n'a pas été gardée. "
            f"Lancez clerc check sur la base.\n{shown}{more}"
        )
    return (
        f"fichier sain (integrity_check), schéma {version}, journal ({format_integer(entries)} écritures) "
        f"et audit ({format_integer(audits)} entrées) chaînés sans rupture, numéros de pièces continus"
    )


@contextmanager
def _bound(db) -> Iterator[None]:
    """The models and services' queries on `db` for a while, then on the base again."""
    saved = database.obj
    database.initialize(db)
    try:
        yield
    finally:
        db.close()
        database.initialize(saved)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_with_sidecars(path: Path) -> None:
    for sidecar in ("", "-journal", "-wal", "-shm"):
        with suppress(OSError):
            path.with_name(path.name + sidecar).unlink()


def _prune(folder: Path, stem: str, suffix: str, keep: int) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Keep the last `keep` copies of this base, by name (the date and time sort), remove the
    older ones. Only files named exactly as clerc names its copies are ever touched."""
    copies = sorted(p for p in folder.iterdir() if _is_copy(p.name, stem, suffix) and p.is_file())
    old, kept = copies[:-keep], copies[-keep:]
    removed = []
    for path in old:
        with suppress(FileNotFoundError):  # another backup pruned it first
            path.unlink()
            removed.append(path)
    return tuple(kept), tuple(removed)


# --- PostgreSQL ---------------------------------------------------------------------------


def _server_database_name(url: str) -> str:
    name = unquote(urlsplit(url).path.lstrip("/"))
    if not name:
        raise ClercError("L'URL de la base ne nomme pas de base de données (postgresql://…/NOM).")
    return re.sub(r"[^\w.-]", "_", name)


@contextmanager
def _libpq(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(connection string without the password, environment with a temporary password file):
    the password never reaches a command line (ps) nor a log."""
    parts = urlsplit(url)
    user = unquote(parts.username or "")
    host = parts.hostname or ""
    netloc = (quote(user, safe="") + "@" if user else "") + (f"[{host}]" if ":" in host else host)
    if parts.port:
        netloc += f":{parts.port}"
    dsn = urlunsplit(("postgresql", netloc, parts.path, parts.query, ""))
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    with tempfile.TemporaryDirectory(prefix="clerc-pg-") as folder:
        if parts.password is not None:
            passfile = Path(folder) / "pgpass"
            fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

            def field(text: str) -> str:
                return text.replace("\\", "\\\\").replace(":", "\\:")

            with os.fdopen(fd, "w") as out:
                out.write(f"*:*:*:{field(user) or '*'}:{field(unquote(parts.password))}\n")
            env["PGPASSFILE"] = str(passfile)
        yield dsn, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ClercError(
            f"{command[0]} introuvable : installez le client PostgreSQL (apt-get install postgresql-client)."
        ) from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[:500]
        raise DatabaseUnavailable(f"{what} a échoué (code {done.returncode}) : {detail}")


def _dump_postgresql(url: str, into: Path) -> str:
    with _libpq(url) as (dsn, env):
        _run(["pg_dump", "--format=custom", "--no-password", f"--file={into}", f"--dbname={dsn}"], env, "pg_dump")
        listing = subprocess.run(["pg_restore", "--list", str(into)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise DatabaseUnavailable("L'archive écrite par pg_dump ne se relit pas (pg_restore --list) : pas gardée.")
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    return f"archive pg_dump relue par pg_restore --list ({format_integer(tables)} tables)"


# --- restore ------------------------------------------------------------------------------


def restore(target: str, file: Path, *, now: datetime, progress: Progress | None = None) -> RestoreDone:
    """Put the copy `file` in place of the SQLite base `target`, all or nothing (see above)."""
    from clerc_tui.services.sessions import Alone

    base = sqlite_path(target)
    if base is None:
        raise ClercError(
            "clerc restore ne remplace qu'une base SQLite. Pour PostgreSQL : pg_restore, procédure dans "
            "docs/backups.md (section « PostgreSQL »)."
        )
    base = base.expanduser().resolve()
    source = file.expanduser().resolve()
    if not source.is_file():
        raise ClercError(f"Copie introuvable : {file} n'existe pas (ou n'est pas un fichier).")
    if source == base:
        raise ClercError(f"{file} est la base elle-même : indiquez une copie.")
    if not base.is_file():
        raise ClercError(
            f"Base introuvable : {base} n'existe pas. clerc restore remplace une base existante "
            "(et la garde à côté) ; il n'en crée pas."
        )
    with Alone(base, "la restauration"):  # refuse at once, before a long check
        pass
    staged = base.with_name(f".{base.name}.restauration{PARTIAL}")
    _remove_with_sidecars(staged)  # left by a killed restore: ours, never a base
    try:
        verified, schema = _stage(source, staged, progress)
        _same_owner_and_mode(staged, base)
        _fsync(staged)
        with Alone(base, "la restauration"):
            _fold_wal(base)
            aside = base.with_name(f"{base.stem}.avant-restauration-{now.strftime(STAMP)}{base.suffix}")
            if aside.exists():
                raise ClercError(f"{aside} existe déjà : rien n'a été modifié ; réessayez dans une seconde.")
            try:
                os.link(base, aside)  # a second name for the current base: it is never without one
            except OSError:
                shutil.copy2(base, aside)
                _fsync(aside)
            os.replace(staged, base)
            _fsync(base.parent)
    finally:
        _remove_with_sidecars(staged)
    return RestoreDone(base, aside, schema, verified)


def _stage(source: Path, staged: Path, progress: Progress | None) -> tuple[str, int]:
    """Copy `source` to `staged` (never writing to `source`), bring its schema to this clerc's
    and check it. Raises a French refusal when it is not a sound clerc base."""
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.models.migrations import LATEST

    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    os.close(fd)
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
        target = sqlite3.connect(str(staged), isolation_level=None)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            reader.backup(target, pages=STEP_PAGES, progress=step, sleep=0)
            messages = [row[0] for row in target.execute("PRAGMA integrity_check").fetchall()]
        finally:
            target.close()
            reader.close()
    except sqlite3.DatabaseError as error:
        raise ClercError(f"{source} n'est pas une base SQLite lisible ({error}) : rien n'a été modifié.") from None
    if messages != ["ok"]:
        raise ClercError(
            f"{source} est endommagée (PRAGMA integrity_check : {'; '.join(messages[:5])}) : rien n'a été modifié."
        )
    saved = database.obj
    try:
        open_database(str(staged))  # refuses a file without clerc's schema or from a newer clerc
    except ClercError as error:
        raise ClercError(f"{source} : {error.message} Rien n'a été modifié.") from None
    finally:
        close_database()
        database.initialize(saved)
    # The migrated copy, checked as a backup is (read only), then one file again.
    if progress is not None:
        progress(0, 1, "Vérification de la copie")
    verified = _check_copy(staged)
    check = sqlite3.connect(str(staged), isolation_level=None)
    try:
        check.execute("PRAGMA journal_mode=DELETE").fetchone()
    finally:
        check.close()
    return verified, LATEST


def _same_owner_and_mode(path: Path, like: Path) -> None:
    """The restored base gets the current base's owner, group and mode: a restore run as root
    must not leave a base the clercs cannot write."""
    st = like.stat()
    with suppress(PermissionError):
        os.chown(path, st.st_uid, st.st_gid)
    path.chmod(st.st_mode & 0o7777)
    mine = path.stat()
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        raise ClercError(
            f"Impossible de donner à la base restaurée le propriétaire et le groupe de {like} "
            f"(uid {st.st_uid}, gid {st.st_gid}) : lancez clerc restore sous le compte propriétaire de la "
            "base, ou root. Rien n'a été modifié."
        )


def _fold_wal(base: Path) -> None:
    """Write what the base's -wal holds into the base and leave it one file (nobody else has
    it open: switching out of WAL is refused by SQLite otherwise, which we report)."""
    connection = sqlite3.connect(str(base), timeout=1, isolation_level=None)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        import logging

        logging.getLogger("clerc").info("restauration : passage hors WAL refusé (%s)", error)
        raise DatabaseUnavailable(
            f"La base {base} est ouverte par un autre programme (hors clerc : sqlite3, une sauvegarde…) : "
            "la restauration est refusée. Rien n'a été modifié."
        ) from None
    finally:
        connection.close()
    if mode != "delete":
        raise DatabaseUnavailable(
            f"La base {base} est ouverte par un autre programme : la restauration est refusée. Rien n'a été modifié."
        )
    if not base.with_name(base.name + "-wal").exists():
        with suppress(FileNotFoundError):
            base.with_name(base.name + "-shm").unlink()
