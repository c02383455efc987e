"""The real `clerc` application ends, and frees its session lock, when its terminal goes away
(docs/trust.md, « Une session sans terminal se ferme »).

Four real `clerc` processes, each in its own pseudo-terminal, on one real SQLite base, all
started as under `nohup` (SIGHUP ignored, inherited: how a clerc was seen spinning for 20
minutes on a dead terminal, still holding its lock). Each loses its terminal another way:
(a) SIGHUP, its terminal read, with a dossier form half typed; (b) SIGHUP while nobody reads
its terminal (its writes blocked); (c) the terminal closed (its writes fail with EIO, no
signal: it is not the controlling terminal); (d) SIGTERM. They run side by side: the test
costs one start-up of wall time, not four."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from contextlib import closing, suppress
from pathlib import Path

import pytest

from tests.conftest import TODAY

CLERC = Path(sys.executable).parent / "clerc"
# Bounds of a liveness check, not timings: the app ends ~0.2 s after the signal (2 s when its
# exit is stuck on a terminal nobody reads), on a machine shared with other test workers.
START_TIMEOUT = 90.0
END_TIMEOUT = 30.0
# What the pty holds before the app's writes block (Linux: 4095 bytes), far less than the first
# paint of a 250 × 80 screen (~70 KB).
PTY_FULL = 4000

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminaux et /proc : Linux")


class Terminal:
    """A pseudo-terminal with a `clerc` app in it, and (if `read`) a thread that reads what the
    app draws, as a terminal does."""

    def __init__(self, base: Path, env: dict[str, str], read: bool):
        self.primary, secondary = pty.openpty()
        self.process = subprocess.Popen(
            [str(CLERC), "--db", str(base), "--today", TODAY.strftime("%d/%m/%Y")],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=env,
            start_new_session=True,  # no controlling terminal: closing it sends no SIGHUP (case c)
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as under nohup
        )
        os.close(secondary)
        self.shown = bytearray()
        self.closed = False
        if read:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with suppress(OSError):
            while chunk := os.read(self.primary, 65536):
                self.shown += chunk

    def type(self, keys: str) -> None:
        os.write(self.primary, keys.encode())

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while text.encode() not in self.shown:
            assert self.process.poll() is None, f"clerc s'est arrêté avant d'afficher « {text} »"
            assert time.monotonic() < deadline, f"« {text} » jamais affiché"
            time.sleep(0.05)

    def pending(self) -> int:
        """Bytes the app wrote that nobody has read yet."""
        return struct.unpack("i", fcntl.ioctl(self.primary, termios.FIONREAD, b"\0" * 4))[0]

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.primary)


def _dossiers(base: Path) -> int:
    with closing(sqlite3.connect(base)) as connection:
        return connection.execute('SELECT count(*) FROM "dossier"').fetchone()[0]


def test_the_app_ends_and_frees_its_lock_however_its_terminal_goes_away(tmp_path, demo_base):
    from clerc_tui.services.database import close_database
    from clerc_tui.services.sessions import Alone, holders

    base = demo_base(dossiers=30, seed=3, today=TODAY)
    close_database()  # this test's own connection and session
    before = _dossiers(base)
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({"TERM": "xterm-256color", "COLUMNS": "250", "LINES": "80", "XDG_STATE_HOME": str(tmp_path / "state")})
    cases = {
        "a": Terminal(base, env, read=True),
        "b": Terminal(base, env, read=False),
        "c": Terminal(base, env, read=False),
        "d": Terminal(base, env, read=True),
    }
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while {t.process.pid for t in cases.values()} - {h.pid for h in holders(base)}:
            for case, terminal in cases.items():
                assert terminal.process.poll() is None, f"({case}) clerc s'est arrêté avant d'ouvrir la base"
            assert time.monotonic() < deadline, "clerc n'a pas ouvert la base"
            time.sleep(0.05)
        # (a) a new dossier half typed: the form is never recorded, and never stops the exit
        # (quitting it by a key would ask « Abandonner la saisie ? » of a clerc who is gone).
        cases["a"].wait_for("Dossiers")
        cases["a"].type("d")
        cases["a"].wait_for("Filtrer")
        cases["a"].type("n")
        cases["a"].wait_for("Nouveau dossier")
        cases["a"].type("DURAND")
        cases["a"].wait_for("DURAND")
        # (b) and (c): nobody reads; the app is stuck writing its first screen.
        for case in ("b", "c"):
            while cases[case].pending() < PTY_FULL:
                assert time.monotonic() < deadline, f"({case}) le terminal ne s'est jamais rempli"
                time.sleep(0.05)
        cases["d"].wait_for("Dossiers")

        cases["a"].process.send_signal(signal.SIGHUP)
        cases["b"].process.send_signal(signal.SIGHUP)
        cases["c"].close()
        cases["d"].process.send_signal(signal.SIGTERM)
        codes = {}
        for case, terminal in cases.items():
            try:
                codes[case] = terminal.process.wait(timeout=END_TIMEOUT)
            except subprocess.TimeoutExpired:
                codes[case] = None
    finally:
        for terminal in cases.values():
            if terminal.process.poll() is None:
                terminal.process.kill()
                terminal.process.wait()
            terminal.close()
    # 128 + the signal's number: clerc ended itself (SIGHUP for a terminal that hung up).
    assert codes == {"a": 129, "b": 129, "c": 129, "d": 143}
    assert holders(base) == []
    with Alone(base, "la restauration"):  # what a restore or a migration now gets at once
        pass
    assert _dossiers(base) == before
