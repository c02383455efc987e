"""What clerc writes to the terminal, key by key, beside a bare Textual app (issue 12).

Both run in a pseudo-terminal of 120×40 (TERM=xterm-256color, COLORTERM=truecolor) in the
same run: clerc on the 100,000-dossier demo (its deadline dashboard, the dossier list, a
dossier), and `bench/bare_table_app.py`, a bare Textual app showing a DataTable of the same
size. After the first paint settles (no output for 300 ms), keys are sent one at a time; for
each the bench counts the bytes written until the app goes quiet and the latency from the
write of the key to the last byte of the repaint. Then it reports the bytes written while
idle, and the memory (VmRSS, peak VmHWM) after walking with PageDown to the end of the
« toutes » dashboard and of the list.

What a byte costs: on a 1 Mbit/s line, 1 KB is 8 ms.

Run by hand:  .venv/bin/python bench/bench_terminal.py [--db PATH] [--quick] [--256] [--plain]
(--256: no COLORTERM, the 256 colours an SSH session gets by default; --plain: clerc's output
as Textual writes it, not compacted: the « before » of clerc_tui/terminal.py.)
The base must be a copy of yours (clerc may migrate it when it opens it): by default
bench/out/demo-100000.db (build it with bench/bench_foundation.py, or copy one).
"""

import argparse
import fcntl
import math
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 120, 40
SETTLE = 0.3  # quiet time that ends the first paint
QUIET = 0.2  # quiet time that ends the repaint after a key (a tab animation has frames every 17 ms)
WALK_QUIET = 0.08  # the same during the walks, where thousands of keys are sent

# What the apps' environment adds (main(): COLORTERM=truecolor unless --256; a config that turns
# clerc's compacted output off with --plain).
ENV: dict[str, str] = {}

KEYS = {"pagedown": b"\x1b[6~", "pageup": b"\x1b[5~", "enter": b"\r", "escape": b"\x1b"}


@dataclass
class Press:
    size: int  # bytes written
    latency: float | None  # seconds from the write of the key to the last byte; None: nothing written
    output: bytes = field(repr=False, default=b"")


class Terminal:
    """One app in its own pseudo-terminal."""

    def __init__(self, argv: list[str]):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL", "COLORTERM")}
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES), **ENV)

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=controlling_terminal, close_fds=True
        )
        os.close(slave)
        self.fd = master
        self.last_output = b""
        # What the terminal shows, for the markers: clerc writes only the cells that change, so a
        # text on screen need not come in one piece. Fed only when a marker is awaited (pyte is
        # slow: feeding every byte at once would delay the reads and inflate the latencies).
        import pyte

        self.screen = pyte.Screen(COLUMNS, LINES)
        self.screen.set_mode(pyte.modes.LNM)
        self.stream = pyte.ByteStream(self.screen)
        self.unseen = b""

    def shows(self, marker: bytes, data: bytes) -> bool:
        """Whether the screen shows `marker` once `data` (read since the last call) is drawn."""
        self.stream.feed(self.unseen + data.replace(b"\r\n", b"\n"))
        self.unseen = b""
        return marker.decode() in "\n".join(self.screen.display)

    def read_quiet(self, quiet: float, timeout: float = 30.0, marker: bytes | None = None) -> tuple[bytes, float]:
        """Read until nothing came for `quiet` seconds (after `marker` when given): the bytes and
        the time of the last one."""
        data = b""
        last = time.perf_counter()
        deadline = last + timeout
        waiting = marker is not None and not self.shows(marker, b"")
        fed = 0
        try:
            while True:
                now = time.perf_counter()
                if now > deadline:
                    if waiting:
                        raise TimeoutError(f"{marker!r} never came; last output: {data[-400:]!r}")
                    return data, last
                ready, _, _ = select.select([self.fd], [], [], 0.05 if waiting else max(last + quiet - now, 0))
                if ready:
                    try:
                        chunk = os.read(self.fd, 1 << 16)
                    except OSError:
                        return data, last
                    data += chunk
                    last = time.perf_counter()
                    if waiting and marker is not None:
                        waiting = not self.shows(marker, data[fed:])
                        fed = len(data)
                elif not waiting and time.perf_counter() >= last + quiet:
                    return data, last
        finally:
            self.unseen += data[fed:]

    def settle(self, marker: bytes | None = None) -> bytes:
        return self.read_quiet(SETTLE, marker=marker)[0]

    def press(self, key: bytes, quiet: float = QUIET, marker: bytes | None = None) -> Press:
        """Send `key` and read the repaint (up to `marker` first when given)."""
        self.read_quiet(0.0, timeout=0.0)  # nothing left from before
        sent = time.perf_counter()
        os.write(self.fd, key)
        data, last = self.read_quiet(quiet, marker=marker)
        return Press(len(data), (last - sent) if data else None, data)

    def idle_bytes(self, seconds: float = 2.0) -> int:
        self.read_quiet(SETTLE)
        return len(self.read_quiet(seconds, timeout=seconds)[0])

    def memory_mb(self) -> tuple[float, float]:
        """(VmRSS, VmHWM) in MB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
        return fields["VmRSS"], fields["VmHWM"]

    def walk(self, key: bytes, limit: int) -> tuple[int, list[float]]:
        """Press `key` until the screen stops changing (three identical outputs in a row) or
        `limit` presses: how many presses, and their latencies."""
        latencies: list[float] = []
        same, previous = 0, None
        for count in range(1, limit + 1):
            press = self.press(key, WALK_QUIET)
            if not press.output:  # the end, or a slow page: wait longer before deciding
                late, _ = self.read_quiet(SETTLE)
                press = Press(len(late), None, late)
            if press.latency is not None:
                latencies.append(press.latency)
            if press.output:
                self.last_output = press.output
            self.shows(b"", b"")  # the screen kept up to date as it goes (not while timing)
            same = same + 1 if press.output == previous else 0
            previous = press.output
            if same >= 2:
                return count, latencies
        return limit, latencies

    def last_screen_words(self) -> str:
        """Where the walk ended, roughly: the last dossier reference (AAAA-NNNNNN) on screen."""
        self.shows(b"", b"")  # the screen drawn up to now
        found = re.findall(r"20\d\d-\d{6}", "\n".join(self.screen.display))
        return found[-1] if found else "?"

    def close(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        os.close(self.fd)


class Results:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, str]] = {}

    def put(self, measure: str, app: str, value: str) -> None:
        self.rows.setdefault(measure, {})[app] = value

    def keys(self, measure: str, app: str, presses: list[Press]) -> None:
        sizes = [p.size for p in presses]
        text = f"{statistics.median(sizes):,.0f} B".replace(",", " ")
        if len(sizes) > 1 and max(sizes) != min(sizes):
            text += f" ({min(sizes)}–{max(sizes)})"
        self.put(measure, app, text)

    def latency(self, measure: str, app: str, presses: list[Press]) -> None:
        values = [p.latency * 1000 for p in presses if p.latency is not None]
        if not values:
            self.put(measure, app, "—")
            return
        self.put(measure, app, f"{statistics.median(values):.1f} / {p95(values):.1f} ms (n={len(values)})")

    def print(self) -> None:
        width = max(len(m) for m in self.rows) + 2
        print(f"{'measure':<{width}}{'clerc':<34}bare Textual")
        for measure, apps in self.rows.items():
            print(f"{measure:<{width}}{apps.get('clerc', '—'):<34}{apps.get('bare', '—')}")


def p95(values: list[float]) -> float:
    """Nearest rank: a value that was measured, never beyond the largest."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _walked(presses: int, latencies: list[float]) -> str:
    if not latencies:
        return f"{presses} (nothing drawn)"
    return f"{presses} (p95 {p95(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms)"


def up_and_down(terms: dict[str, Terminal], times: int, rounds: int, results: Results, where: str) -> None:
    """`times` j then `times` k, `rounds` times (the cursor moves without scrolling), each key
    sent to every app in turn: the load of the machine weighs on all of them alike."""
    downs: dict[str, list[Press]] = {name: [] for name in terms}
    ups: dict[str, list[Press]] = {name: [] for name in terms}
    for _ in range(rounds):
        for key, presses in ((b"j", downs), (b"k", ups)):
            for _ in range(times):
                for name, term in terms.items():
                    presses[name].append(term.press(key))
    for name in terms:
        results.keys(f"j ({where})", name, downs[name])
        results.keys(f"k ({where})", name, ups[name])
        results.latency(f"j/k latency p50/p95 ({where})", name, downs[name] + ups[name])
    if len(terms) > 1:
        p95s = {name: p95([p.latency for p in downs[name] + ups[name] if p.latency is not None]) for name in terms}
        results.put(f"j/k latency p95 ratio ({where})", "clerc", f"{p95s['clerc'] / p95s['bare']:.2f}× the bare app")


def start_clerc(db: Path, results: Results) -> Terminal:
    term = Terminal([str(Path(sys.executable).parent / "clerc"), "--db", str(db), "--today", "26/11/2026"])
    start = term.settle(b"horizon :")
    results.put("first paint", "clerc", f"{len(start):,} B".replace(",", " "))
    results.put("idle 2 s (dashboard)", "clerc", f"{term.idle_bytes()} B")
    return term


def start_bare(results: Results) -> Terminal:
    term = Terminal([sys.executable, str(ROOT / "bench" / "bare_table_app.py")])
    start = term.settle(b"pret")
    results.put("first paint", "bare", f"{len(start):,} B".replace(",", " "))
    results.put("idle 2 s (dashboard)", "bare", f"{term.idle_bytes()} B")
    return term


def bench_clerc(term: Terminal, quick: bool, results: Results) -> None:
    rounds = 1 if quick else 2
    walk_limit = 60 if quick else 4000
    # The dashboard, « mes échéances », after its j/k (interleaved with the bare app's).
    pages = [term.press(KEYS["pagedown"]) for _ in range(5 if quick else 10)]
    results.keys("PageDown (dashboard)", "clerc", pages)
    results.latency("PageDown latency p50/p95 (dashboard)", "clerc", pages)
    results.keys("m (mine → toutes)", "clerc", [term.press(b"m")])
    term.settle()
    results.keys("d (open the dossier list)", "clerc", [term.press(b"d")])
    term.settle()
    results.put("idle 2 s (list)", "clerc", f"{term.idle_bytes()} B")

    up_and_down({"clerc": term}, 25, rounds, results, "list")
    pages = [term.press(KEYS["pagedown"]) for _ in range(5 if quick else 10)]
    results.keys("PageDown (list)", "clerc", pages)
    term.press(b"g")
    term.settle()

    term.press(b"/", SETTLE)
    # The echo of the character comes first, the rows after the query: wait for the status
    # line that names the text typed so far, or a slow query would count in the next key.
    typed = "lefevre"
    letters = [term.press(c.encode(), marker=f"« {typed[: i + 1]} »".encode()) for i, c in enumerate(typed)]
    results.keys("filter character (list, « lefevre »)", "clerc", letters)
    results.latency("filter character latency p50/p95", "clerc", letters)
    results.put("idle 2 s (filter focused)", "clerc", f"{term.idle_bytes()} B")
    term.press(KEYS["escape"], SETTLE)  # the table again
    term.press(KEYS["escape"], SETTLE)  # the filter cleared
    term.settle()

    opening = term.press(KEYS["enter"], SETTLE, marker="Synthèse".encode())
    results.keys("Enter (open a dossier)", "clerc", [opening])
    results.latency("Enter latency", "clerc", [opening])
    term.settle()
    tabs = []
    for _ in range(2 if quick else 5):
        tabs += [term.press(b"2", SETTLE), term.press(b"3", SETTLE), term.press(b"1", SETTLE)]
    results.keys("tab switch (dossier 1/2/3)", "clerc", tabs)
    results.latency("tab switch latency p50/p95", "clerc", tabs)
    term.press(KEYS["escape"], SETTLE)
    term.settle()

    presses, latencies = term.walk(KEYS["pagedown"], walk_limit)
    results.put("walk list: PageDown presses", "clerc", _walked(presses, latencies))
    term.press(b"a", SETTLE)  # back to the dashboard, on « toutes »
    for _ in range(3):  # horizon 7 → 14 → 30 days → every open deadline (~44,000 rows)
        term.press(b"h", SETTLE)
    term.settle()
    presses, latencies = term.walk(KEYS["pagedown"], walk_limit)
    results.put("walk toutes: PageDown presses", "clerc", _walked(presses, latencies))
    results.put("  where the walk ended", "clerc", term.last_screen_words())
    rss, peak = term.memory_mb()
    results.put("RSS / peak after the walks", "clerc", f"{rss:.0f} / {peak:.0f} MB")


def bench_bare(term: Terminal, results: Results) -> None:
    pages = [term.press(KEYS["pagedown"]) for _ in range(2)]  # 60 rows: the end comes soon
    results.keys("PageDown (dashboard)", "bare", pages)
    results.latency("PageDown latency p50/p95 (dashboard)", "bare", pages)
    rss, peak = term.memory_mb()
    results.put("RSS / peak after the walks", "bare", f"{rss:.0f} / {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "demo-100000.db")
    parser.add_argument("--quick", action="store_true", help="fewer presses, walks of 60 pages at most")
    parser.add_argument("--256", dest="colours256", action="store_true", help="no COLORTERM: 256 colours, as SSH gives")
    parser.add_argument(
        "--plain", action="store_true", help="clerc's output as Textual writes it ([display] compact_output = false)"
    )
    args = parser.parse_args()
    if not args.colours256:
        ENV["COLORTERM"] = "truecolor"
    if args.plain:
        import tempfile

        config = Path(tempfile.mkdtemp(prefix="clerc-bench-")) / "clerc" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text("[display]\ncompact_output = false\n", encoding="utf-8")
        ENV["XDG_CONFIG_HOME"] = str(config.parent.parent)
    if not args.db.exists():
        sys.exit(f"{args.db}: no such base (a copy of the 100,000-dossier demo)")
    from bench_foundation import compile_bytecode

    compile_bytecode()
    results = Results()
    clerc = start_clerc(args.db, results)
    bare = start_bare(results)
    try:
        up_and_down({"clerc": clerc, "bare": bare}, 25, 1 if args.quick else 2, results, "dashboard")
        bench_clerc(clerc, args.quick, results)
        bench_bare(bare, results)
    finally:
        clerc.close()
        bare.close()
    print(f"pseudo-terminal {COLUMNS}×{LINES}; bytes per key: median (min–max); latency: key written → last byte")
    results.print()


if __name__ == "__main__":
    main()
