"""Who has a SQLite base open: one lock file beside the base, `BASE.sessions`.

Every clerc process that opens a SQLite base (the app, every sub-command) holds a shared
`flock` on `clerc.db.sessions` for as long as it lives; `clerc restore` and `clerc migrate`
take it exclusively, without waiting, and refuse when they cannot. The kernel drops a
`flock` when its process ends, however it ends (quit, SSH hang-up, crash, `kill -9`): a
colleague's crashed session never blocks a restore. While a restore holds it, a clerc that
starts is refused with a message instead of opening the base being replaced.

Who holds it is read from the kernel (`/proc/locks`: pid, then the process's owner), so a
refusal names the clercs to ask. Nothing is written in the base, and a clerc that cannot
open the lock file (a permission problem) still works: the lock only serves restores.

`flock` locks and SQLite's own (POSIX `fcntl`) locks never interact on Linux, and the
lock file is another file than the base: closing it never drops a SQLite lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
from dataclasses import dataclass
from pathlib import Path

from clerc_tui.errors import DatabaseUnavailable

SUFFIX = ".sessions"
_held: dict[Path, int] = {}  # base (resolved) -> fd of its lock file, holding LOCK_SH
_alone: set[Path] = set()  # bases this process holds exclusively (restore, migrate)


@dataclass(frozen=True)
class Holder:
    login: str
    pid: int
    exclusive: bool  # a restore or a migration, not a working session

    def __str__(self) -> str:
        return f"{self.login} (processus {self.pid})"


def lock_file(base: Path) -> Path:
    return base.with_name(base.name + SUFFIX)


def _key(base: Path) -> Path:
    return base.expanduser().resolve()


def _open(base: Path) -> int:
    # Read-only is enough for flock; created readable by the group (the umask decides the rest).
    return os.open(lock_file(base), os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)


def hold(base: Path) -> None:
    """Mark this process as working on `base` until it exits (or opens another base).

    Refused (DatabaseUnavailable) while a restore or a migration holds the base."""
    key = _key(base)
    for other in [b for b in _held if b != key]:
        release(other)
    if key in _held or key in _alone:
        return
    try:
        fd = _open(key)
    except OSError as error:
        logging.getLogger("clerc").warning("fichier des sessions %s inaccessible : %s", lock_file(key), error)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        who = ", ".join(str(h) for h in holders(key)) or "un autre compte"
        raise DatabaseUnavailable(
            f"La base {key} est en cours de restauration ou de mise à jour (par {who}) : "
            "rien n'a été ouvert. Réessayez dans quelques instants."
        ) from None
    _held[key] = fd


def release(base: Path) -> None:
    fd = _held.pop(_key(base), None)
    if fd is not None:
        os.close(fd)  # closing the last descriptor drops the lock


def holders(base: Path) -> list[Holder]:
    """The other processes holding the base's lock file, from /proc/locks (Linux); [] elsewhere."""
    try:
        st = os.stat(lock_file(_key(base)))
        text = Path("/proc/locks").read_text()
    except OSError:
        return []
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK":  # "->" marks a process waiting, not holding
            continue
        pid, where = int(fields[4]), fields[5]
        if where != device or pid == os.getpid():
            continue
        try:
            login = pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name
        except (OSError, KeyError):
            login = "?"
        found.append(Holder(login, pid, fields[3] == "WRITE"))
    return sorted(set(found), key=lambda h: h.pid)


class Alone:
    """`with Alone(base, "la restauration"):` holds the base's lock file exclusively for that
    work, or refuses at once (DatabaseUnavailable), naming the clercs connected. New sessions
    are refused meanwhile. (A class: a public service function returns plain values.)"""

    def __init__(self, base: Path, what: str):
        self.key, self.what = _key(base), what
        self.fd: int | None = None

    def __enter__(self) -> None:
        release(self.key)  # our own session, if this process had opened the base
        try:
            fd = _open(self.key)
        except OSError as error:
            raise DatabaseUnavailable(
                f"Impossible d'ouvrir {lock_file(self.key)} ({error.strerror}) : sans lui, clerc ne peut pas "
                f"savoir si d'autres clercs travaillent sur la base ; {self.what} est refusée."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseUnavailable(refusal(self.key, self.what)) from None
        self.fd = fd
        _alone.add(self.key)

    def __exit__(self, *_exc: object) -> None:
        _alone.discard(self.key)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def refusal(base: Path, what: str) -> str:
    found = holders(base)
    if not found:
        return f"{what.capitalize()} est refusée : d'autres clercs ont la base {base} ouverte. Rien n'a été modifié."
    sessions = [h for h in found if not h.exclusive]
    if not sessions:
        return (
            f"{what.capitalize()} est refusée : {found[0]} restaure ou met à jour la base {base} en ce moment. "
            "Rien n'a été modifié."
        )
    pids = " ".join(str(h.pid) for h in sessions)
    return (
        f"{what.capitalize()} est refusée : {len(sessions)} session(s) clerc ouverte(s) sur {base} : "
        f"{', '.join(str(h) for h in sessions)}. Demandez-leur de quitter clerc (touche q) ; une session "
        f"abandonnée se ferme avec « kill {pids} ». Rien n'a été modifié."
    )
