"""Let other OS accounts reach clerc for the length of a test, then put the folders back.

The test users must run the venv's `clerc`, whose interpreter lies under /root (0700) on our
machines: each folder above the given paths that others cannot cross gets o+x (cross, not
list) while a test needs it. Several test processes (xdist workers, modules) may need it at
once: a lock file and the list of the processes holding it make the first one open the
folders and the last one close them; a holder that died (killed run) is dropped, and when no
live holder is left the folders are closed again. A real server installs clerc where every
account can run it (docs/deployment.md, « Installer clerc »).
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

STATE = Path(tempfile.gettempdir()) / "clerc-tests-reach.json"
LOCK = STATE.with_suffix(".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _state() -> Iterator[dict]:
    with open(LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(STATE.read_text()) if STATE.exists() else {"holders": [], "modes": {}}
        state["holders"] = [pid for pid in state["holders"] if _alive(pid)]
        if not state["holders"]:
            _close(state)
        yield state
        STATE.write_text(json.dumps(state))


def _close(state: dict) -> None:
    for folder, mode in state["modes"].items():
        with suppress(FileNotFoundError):
            os.chmod(folder, mode)
    state["modes"] = {}


@contextmanager
def reachable_by_others(paths: Iterable[Path]) -> Iterator[None]:
    with _state() as state:
        for path in paths:
            for folder in [path, *path.parents]:
                if str(folder) in state["modes"] or not folder.is_dir():
                    continue
                mode = stat.S_IMODE(folder.stat().st_mode)
                if not mode & stat.S_IXOTH:
                    state["modes"][str(folder)] = mode
                    os.chmod(folder, mode | stat.S_IXOTH)
        state["holders"].append(os.getpid())
    try:
        yield
    finally:
        with _state() as state:
            state["holders"].remove(os.getpid())
            if not state["holders"]:
                _close(state)
