"""Writing a file the user relies on (a transfer file): whole or not at all.

`write_whole` writes a temporary file next to the target, fsyncs it, then renames it over
the target (an atomic step on the same filesystem) and fsyncs the folder: a reader sees
the old file or the complete new one, never half a file. Any failure leaves no temporary
file behind and raises a French `InvalidInput` naming the path and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from clerc_tui.errors import InvalidInput
from clerc_tui.paths import UMASK

_CAUSES = {
    errno.ENOENT: "le dossier n'existe pas",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "accès refusé (droits du dossier)",
    errno.EPERM: "opération interdite (dossier ou fichier protégé)",
    errno.EISDIR: "ce chemin est un dossier, pas un fichier",
    errno.EEXIST: "un fichier du même nom existe déjà",
    errno.ENOSPC: "le disque est plein",
    errno.EROFS: "le système de fichiers est en lecture seule",
    errno.EDQUOT: "quota disque dépassé",
}


def os_cause(error: OSError, *, reading: bool = False) -> str:
    """The cause of an OS refusal, in French (`reading`: a file opened to be read, whose absence
    is the file's own, not its folder's)."""
    if reading and error.errno == errno.ENOENT:
        return "fichier introuvable"
    if error.errno is not None and error.errno in _CAUSES:
        return _CAUSES[error.errno]
    return error.strerror or str(error)


def write_whole(path: Path | str, text: str | bytes, *, what: str = "Fichier") -> Path:
    """Write `text` (UTF-8) to `path` atomically; return the path. Raises InvalidInput."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{what} {path} non écrit : ce chemin est un dossier, pas un fichier.")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(handle, 0o666 & ~UMASK)  # mkstemp makes it 0600: the group's, like all clerc writes
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        cause = f"le dossier {path.parent} n'existe pas" if error.errno == errno.ENOENT else os_cause(error)
        raise InvalidInput(f"{what} {path} non écrit : {cause}.") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    # The rename itself to the disk; some filesystems cannot sync a folder: the file is whole anyway.
    with contextlib.suppress(OSError):
        fsync_path(path.parent, directory=True)
    return path


def check_writable(path: Path | str, *, what: str = "Fichier") -> Path:
    """Raise InvalidInput (path and cause, in French) unless `write_whole(path, …)` can
    work: the path is not a folder and its folder takes a new file. Nothing is left behind.
    Called before recording what the file will describe, so that a bad path records nothing."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{what} {path} non écrit : ce chemin est un dossier, pas un fichier.")
    try:
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        cause = f"le dossier {path.parent} n'existe pas" if error.errno == errno.ENOENT else os_cause(error)
        raise InvalidInput(f"{what} {path} non écrit : {cause}.") from None
    os.close(handle)
    os.unlink(probe)
    return path


def fsync_path(path: Path, *, directory: bool = False) -> None:
    """Push a file (or a folder's entries, after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
