"""A program in a real pseudo-terminal, read through a terminal emulator (pyte).

What the clerc sees is asserted on the emulated screen, not on the raw byte stream: Textual
draws by cursor moves, so a word on screen is rarely contiguous in what it writes. Every wait
has a deadline and polls the screen (never a fixed sleep); a timeout fails with the screen as
it was, so a failure shows what the clerc would have seen.
"""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import pyte

# What a terminal sends for the keys the tests press.
KEYS = {
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "f5": "\x1b[15~",
    "ctrl+q": "\x11",
}


class Terminal:
    """`argv` run on the slave side of a pty of `columns` × `lines`, its output emulated."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], columns: int = 120, lines: int = 36):
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._raw = bytearray()  # everything written, for the failure message
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self._master = master
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=dict(env), start_new_session=True, close_fds=True
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the program has gone and the slave side is closed
                return
            if not data:
                return
            with self._lock:
                self._raw += data
                self._stream.feed(data)

    def text(self) -> str:
        with self._lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def send(self, *keys: str) -> None:
        """Each argument a key name of KEYS or literal text, written as a terminal would."""
        for key in keys:
            os.write(self._master, KEYS.get(key, key).encode())

    def wait_for(self, condition: str | Callable[[str], bool], timeout: float = 15.0, what: str = "") -> float:
        """Wait until the screen shows `condition` (a text, or a test of the screen's text);
        return the seconds waited. Fails with the screen after `timeout`."""
        test = (lambda screen: condition in screen) if isinstance(condition, str) else condition
        start = time.monotonic()
        while True:
            if test(self.text()):
                return time.monotonic() - start
            if self.process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(
                    f"{what or condition!r}: the program ended (code {self.process.returncode}) first.\n{self._dump()}"
                )
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{what or condition!r} not on screen after {timeout} s.\n{self._dump()}")
            time.sleep(0.02)

    def wait_exit(self, timeout: float = 15.0) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout} s.\n{self._dump()}") from None

    def _dump(self) -> str:
        with self._lock:
            tail = bytes(self._raw[-2000:])
        return f"--- screen ---\n{self.text()}\n--- last bytes written ---\n{tail!r}"

    def close(self) -> None:
        """Ends the program if it is still there (its whole session), then the pty."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 15)
                self.process.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, 9)
                self.process.wait(5)
        self._reader.join(2)
        os.close(self._master)
