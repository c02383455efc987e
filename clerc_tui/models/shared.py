"""The files of a SQLite base shared by several OS accounts: how `clerc init --shared` lays them
out, and what in a layout would lock a clerc out (`clerc check`, the app's start-up).

The layout (docs/deployment.md « Base partagée »): the base in a folder of its own, owned by the
étude's group, mode 2770 (setgid: every file created in it takes the folder's group, whoever
creates it); the base 0660, same group. SQLite's unix VFS creates `-wal` and `-shm` with the
base's own permission bits, ignoring the umask, and with the creating process as owner (as root,
with the base's owner and group): so a base 0644 lets a colleague who can only read it leave a
`-wal`/`-shm` 0644 of his own, and then no one else can write until they are removed (the issue
13 lock-out); a base 0660 in the setgid folder gives them 0660 and the group, whoever opens first.

Nothing here opens the base: these are stat(), chown() and chmod() on its files.
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from clerc_tui.errors import ClercError

FOLDER_MODE = 0o2770  # setgid, rwx for owner and group, nothing for others
FILE_MODE = 0o660  # rw for owner and group, nothing for others
PARENT_MODE = 0o755  # a folder clerc creates on the way to the base's: traversable by all


@dataclass(frozen=True)
class LayoutProblem:
    """What in the files' permissions would lock a clerc out (or let anyone read), in French,
    with the shell commands that fix it (to be run as root or as the file's owner)."""

    message: str
    fixes: tuple[str, ...]


def group_id(group: str) -> int:
    """The id of the étude's group; a ClercError when it does not exist or when this account may
    not give files to it (only root, or a member of the group, may chgrp to it)."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise ClercError(
            f"Le groupe « {group} » n'existe pas sur ce serveur : créez-le d'abord (groupadd {group}) "
            f"et ajoutez-y chaque clerc (usermod -aG {group} LOGIN)."
        ) from None
    if os.geteuid() != 0 and gid not in os.getgroups() and gid != os.getegid():
        raise ClercError(
            f"Votre compte n'est pas membre du groupe « {group} » : il ne peut pas lui donner la base. "
            f"Lancez la commande en root, ou ajoutez-vous au groupe (usermod -aG {group} "
            f"{_name(pwd.getpwuid, os.geteuid())}) puis reconnectez-vous."
        )
    return gid


def prepare_shared_base(path: Path, group: str) -> None:
    """Before SQLite opens it: the setgid folder of `group` (created, or an empty one of this
    account set right), then an empty base file 0660 of that group. Refuses (ClercError, nothing
    changed) a folder that holds other files under other permissions."""
    gid = group_id(group)
    folder = path.parent
    if path.exists():
        raise ClercError(f"{path} existe déjà : clerc init --shared crée lui-même le fichier de la base.")
    try:
        _prepare_folder(folder, gid, group)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchown(fd, -1, gid)
            os.fchmod(fd, FILE_MODE)  # the umask took bits off at open()
        finally:
            os.close(fd)
    except PermissionError:
        raise ClercError(
            f"Impossible de préparer la base partagée {path} : accès refusé (droits du dossier "
            f"{folder} ou de ses parents). Lancez la commande en root ou choisissez un autre dossier."
        ) from None
    except OSError as error:
        raise ClercError(f"Impossible de préparer la base partagée {path} : {error.strerror or error}.") from None


def _prepare_folder(folder: Path, gid: int, group: str) -> None:
    if not folder.exists():
        missing = [p for p in reversed(folder.parents) if not p.exists()]
        for parent in missing:
            parent.mkdir()
            os.chmod(parent, PARENT_MODE)  # the umask (007) would close it to the clercs
        folder.mkdir()
        os.chown(folder, -1, gid)
        os.chmod(folder, FOLDER_MODE)  # after chown: setgid is only kept for a group one belongs to
        return
    st = folder.stat()
    if st.st_gid == gid and stat.S_IMODE(st.st_mode) == FOLDER_MODE:
        return
    if any(folder.iterdir()) or (os.geteuid() != 0 and st.st_uid != os.geteuid()):
        raise ClercError(
            f"Le dossier {folder} existe déjà (groupe « {_name(grp.getgrgid, st.st_gid)} », "
            f"mode {_mode(st.st_mode)}) et n'est pas vide ou pas à vous : clerc n'en change pas les droits. "
            f"Choisissez un dossier neuf, réservé à la base (par exemple {folder / 'clerc'}), ou, s'il l'est "
            f"déjà : chgrp {shlex.quote(group)} {shlex.quote(str(folder))} && chmod 2770 {shlex.quote(str(folder))}"
        )
    os.chown(folder, -1, gid)
    os.chmod(folder, FOLDER_MODE)


def layout_problems(base: Path) -> list[LayoutProblem]:
    """Whatever in the base's folder, the base, its `-wal` and `-shm`, and the folders above
    would lock a member of the folder's group out of writing (or let others read)."""
    base = base.absolute()
    folder = base.parent
    try:
        folder_st, base_st = folder.stat(), base.stat()
    except OSError:
        return []  # gone or hidden since it was opened: the open itself says so
    gid = folder_st.st_gid
    group = _name(grp.getgrgid, gid)
    q_folder, q_base = shlex.quote(str(folder)), shlex.quote(str(base))
    problems: list[LayoutProblem] = []

    for parent in folder.parents:
        try:
            st = parent.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        if not (mode & 0o001 or (st.st_gid == gid and mode & 0o010)):
            problems.append(
                LayoutProblem(
                    f"le dossier {parent} (mode {_mode(st.st_mode)}) ne laisse pas passer les membres du groupe "
                    f"« {group} » : ils n'atteignent pas la base",
                    (f"chmod o+x {shlex.quote(str(parent))}",),
                )
            )

    folder_mode = stat.S_IMODE(folder_st.st_mode)
    folder_fix = (f"chmod 2770 {q_folder}",)
    if not folder_mode & stat.S_ISGID:
        problems.append(
            LayoutProblem(
                f"le dossier {folder} n'a pas le bit setgid (mode {_mode(folder_mode)}) : les fichiers qu'un "
                f"clerc y crée (dont -wal et -shm) prennent son groupe à lui, pas « {group} »",
                folder_fix,
            )
        )
    if folder_mode & 0o070 != 0o070:
        problems.append(
            LayoutProblem(
                f"le dossier {folder} n'est pas ouvert en écriture au groupe « {group} » (mode {_mode(folder_mode)}) : "
                "un autre clerc ne peut pas y créer le journal -wal, la base lui reste en lecture seule",
                folder_fix,
            )
        )
    if folder_mode & 0o007:
        problems.append(
            LayoutProblem(
                f"le dossier {folder} est ouvert aux comptes hors du groupe « {group} » (mode {_mode(folder_mode)})",
                folder_fix,
            )
        )

    if base_st.st_gid != gid:
        problems.append(
            LayoutProblem(
                f"la base {base} appartient au groupe « {_name(grp.getgrgid, base_st.st_gid)} », pas à celui "
                f"de son dossier « {group} »",
                (f"chgrp {shlex.quote(group)} {q_base}",),
            )
        )
    base_mode = stat.S_IMODE(base_st.st_mode)
    if base_mode & 0o060 != 0o060:
        problems.append(
            LayoutProblem(
                f"la base {base} n'est pas modifiable par le groupe (mode {_mode(base_mode)}) : les autres clercs "
                "l'ouvrent en lecture seule, et le -wal et le -shm qu'ils laisseraient (mêmes droits) "
                "bloqueraient l'écriture de tous",
                (f"chmod 660 {q_base}",),
            )
        )
    if base_mode & 0o007:
        problems.append(
            LayoutProblem(
                f"la base {base} est lisible par tous les comptes du serveur (mode {_mode(base_mode)})",
                (f"chmod 660 {q_base}",),
            )
        )

    # The session lock file (services/sessions.py) too: a clerc who cannot open it still works,
    # but a restore or a migration would not see him. Likewise the turns' files of a creditor
    # import (models/db.py, BulkTurns): unannounced, a clerc waits for a free moment of the lock.
    turns = "pendant un import de dossiers, un clerc qui ne peut l'ouvrir attend jusqu'à 2 s chaque enregistrement"
    consequences = {
        "-wal": "tant qu'il est là, les autres clercs ne peuvent plus enregistrer",
        "-shm": "tant qu'il est là, les autres clercs ne peuvent plus enregistrer",
        ".sessions": "une restauration ou une migration ne verrait pas les clercs au travail",
        ".writers": turns,
        ".bulk": turns,
    }
    for suffix, consequence in consequences.items():
        side = base.with_name(base.name + suffix)
        try:
            st = side.stat()
        except OSError:
            continue  # removed by the last connection to close: nothing to say
        mode = stat.S_IMODE(st.st_mode)
        if st.st_gid != gid or mode & 0o060 != 0o060:
            problems.append(
                LayoutProblem(
                    f"{side} (à {_name(pwd.getpwuid, st.st_uid)}, groupe « {_name(grp.getgrgid, st.st_gid)} », "
                    f"mode {_mode(mode)}) n'est pas modifiable par le groupe « {group} » : {consequence}",
                    (f"chgrp {shlex.quote(group)} {shlex.quote(str(side))}", f"chmod 660 {shlex.quote(str(side))}"),
                )
            )
    return problems


def report(problems: list[LayoutProblem]) -> str:
    """The problems in French, then each fixing command once, in order."""
    lines = [f"Droits de la base partagée : {len(problems)} anomalie(s) qui peuvent bloquer d'autres clercs."]
    lines += [f"  - {p.message}." for p in problems]
    lines.append("Pour corriger (en root, ou par le propriétaire de chaque fichier) :")
    lines += [f"  {fix}" for fix in dict.fromkeys(fix for p in problems for fix in p.fixes)]
    return "\n".join(lines)


def folder_is_setgid(base: Path) -> bool:
    """The base's folder carries the setgid bit: someone meant it to be shared."""
    try:
        return bool(base.absolute().parent.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def _mode(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def _name(lookup, number: int) -> str:
    """A user's or group's name (pwd.getpwuid / grp.getgrgid), or its number when it has none."""
    try:
        return str(lookup(number)[0])
    except KeyError:
        return str(number)
