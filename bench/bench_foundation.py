"""Issue 2 benchmark on a 100,000-dossier demo database.

Reports, as medians:
- cold start to the first painted list, in a real pseudo-terminal, against a bare Textual app: wall
  time (killed when the marker is read), and CPU time (the process ends itself once it has written
  the marker: `os.wait4`'s rusage; on a shared machine, compare these);
- the filter latency per keystroke (SQL count + page + table refill), p50 and p95;
- the peak memory (VmHWM) of a clerc process after start and a filter.

Run by hand:  .venv/bin/python bench/bench_foundation.py [--dossiers 100000] [--runs 7] [--rebuild]
              [--before DIR]  (DIR: another checkout, e.g. `git worktree add DIR main`; its clerc_tui
              is started alternately with this one's, both by PYTHONPATH, and its ratios shown too)
"""

import argparse
import asyncio
import os
import pty
import select
import signal
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 26)
TYPED = ("lefevre", "martin", "dupont", "gerard", "urssaf", "sci", "2026-0001", "bernard petit")


def build(dossiers: int, rebuild: bool) -> Path:
    from clerc_tui.demo import build_demo

    path = OUT / f"demo-{dossiers}.db"
    if rebuild or not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        print(build_demo(str(path), dossiers=dossiers, seed=1, today=TODAY, force=True))
        print(f"demo built in {time.perf_counter() - started:.1f} s")
    return path


def _spawn(argv: list[str], env: dict) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    return pid, fd


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.perf_counter() + timeout
    while marker not in seen:
        if time.perf_counter() > deadline:
            raise TimeoutError(marker)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _stop(pid: int, fd: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def compile_bytecode() -> None:
    """Give clerc's modules their .pyc, as Textual's already have from pip: this workplace
    sets PYTHONDONTWRITEBYTECODE, and compiling ~40 modules at every start cost ~30 ms
    that an installed clerc never pays."""
    import compileall

    compileall.compile_dir(str(ROOT / "clerc_tui"), quiet=1)


# Run as `python -c EXIT_AT_MARKER MARKER SCRIPT ARGS…`: SCRIPT runs as __main__; the process ends
# (os._exit) as soon as MARKER has been written to the terminal (Textual writes to sys.__stderr__).
EXIT_AT_MARKER = """
import os, runpy, sys
marker = sys.argv[1].encode()
class Terminal:
    def __init__(self, stream):
        self.stream, self.seen = stream, b""
    def write(self, text):
        written = self.stream.write(text)
        self.seen = (self.seen + text.encode(errors="replace"))[-100000:]
        if marker in self.seen:
            self.stream.flush()
            os._exit(0)
        return written
    def __getattr__(self, name):
        return getattr(self.stream, name)
sys.__stderr__ = Terminal(sys.__stderr__)
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))  # as `python SCRIPT` has it, not the cwd
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def cpu_to_paint(argv: list[str], marker: bytes, env: dict) -> float:
    """CPU seconds (user + system) of `argv` (a Python script and its arguments) until it has
    written `marker`."""
    pid, fd = _spawn([sys.executable, "-c", EXIT_AT_MARKER, marker.decode(), *argv], env)
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:
                    break
    finally:
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    return usage.ru_utime + usage.ru_stime


def time_to_paint(argv: list[str], marker: bytes, env: dict) -> float:
    started = time.perf_counter()
    pid, fd = _spawn(argv, env)
    try:
        _read_until(fd, marker)
        return time.perf_counter() - started
    finally:
        _stop(pid, fd)


def peak_memory(argv: list[str], env: dict) -> float:
    pid, fd = _spawn(argv, env)
    try:
        _read_until(fd, b"horizon :")  # the deadline dashboard; `d` opens the dossier list
        os.write(fd, b"d")
        _read_until(fd, b"tri :")
        for key in "/lef":
            os.write(fd, key.encode())
            time.sleep(0.2)
        time.sleep(1.0)
        for key in "\x1b" * 2 + "G":
            os.write(fd, key.encode())
            time.sleep(0.3)
        time.sleep(1.0)
        return _peak_rss_mb(pid)
    finally:
        _stop(pid, fd)


async def filter_latencies(path: Path) -> list[float]:
    from clerc_tui.app import ClercApp
    from clerc_tui.models.db import open_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.dossier_list import ListQuery

    open_database(str(path))
    app = ClercApp(identify(), today=TODAY, start="dossiers")
    samples = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        for text in TYPED:
            for end in range(1, len(text) + 1):
                screen.query_state = ListQuery(text[:end])
                started = time.perf_counter()
                screen.reload()
                samples.append((time.perf_counter() - started) * 1000)
            await pilot.pause()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--before", type=Path, help="another checkout, started alternately with this one")
    args = parser.parse_args()
    path = build(args.dossiers, args.rebuild)
    compile_bytecode()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    script = str(Path(sys.executable).parent / "clerc")
    clerc = [script, "--db", str(path), "--today", "26/11/2026"]
    bare = [str(ROOT / "bench" / "bare_app.py")]
    # clerc opens on the deadline dashboard: its filter line marks the first paint.
    variants = {"clerc": (clerc, b"horizon :", env), "bare": (bare, b"pret", env)}
    if args.before is not None:
        import compileall

        compileall.compile_dir(str(args.before / "clerc_tui"), quiet=1)
        # Both found the same way (PYTHONPATH), each its own clerc_tui.
        variants["clerc"] = (clerc, b"horizon :", {**env, "PYTHONPATH": str(ROOT)})
        variants = {"before": (clerc, b"horizon :", {**env, "PYTHONPATH": str(args.before)}), **variants}
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for argv, marker, variant_env in variants.values():  # warm the page cache: we measure a cold *process*
        time_to_paint([sys.executable, *argv], marker, variant_env)
    for run in range(args.runs):  # alternated, in turn forwards and backwards: the machine may be shared
        for name in list(variants) if run % 2 == 0 else list(reversed(variants)):
            argv, marker, variant_env = variants[name]
            walls[name].append(time_to_paint([sys.executable, *argv], marker, variant_env))
            cpus[name].append(cpu_to_paint(argv, marker, variant_env))
    clerc_starts, bare_starts = walls["clerc"], walls["bare"]
    rss = statistics.median(peak_memory([sys.executable, *clerc], env) for _ in range(3))
    samples = asyncio.run(filter_latencies(path))
    p95 = statistics.quantiles(samples, n=20)[-1]

    start, floor = statistics.median(clerc_starts), statistics.median(bare_starts)
    print(f"dossiers: {args.dossiers}")
    print(
        f"start to first paint: clerc {start * 1000:.0f} ms, bare Textual {floor * 1000:.0f} ms, "
        f"ratio {start / floor:.2f} (target ≤ 1.30)"
    )
    bare_cpu = statistics.median(cpus["bare"])
    for name in variants:
        if name != "bare":
            wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
            print(
                f"  {name}: wall {wall * 1000:.0f} ms (×{wall / floor:.2f}), CPU to the first paint "
                f"{cpu * 1000:.0f} ms against {bare_cpu * 1000:.0f} ms (×{cpu / bare_cpu:.2f})"
            )
    print(f"  load average {os.getloadavg()[0]:.1f}")
    print(
        f"filter per keystroke: p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms "
        f"over {len(samples)} keystrokes (target p95 ≤ 30 ms)"
    )
    print(f"peak RSS after start + filter + last page: {rss:.0f} MB (target ≤ 150 MB)")


if __name__ == "__main__":
    main()
