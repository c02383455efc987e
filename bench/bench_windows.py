"""Issue 12 benchmark: memory and CPU per key while walking the whole dashboard and the whole list.

Drives the app in-process (Pilot, 120×40) on a copy of the 100,000-dossier demo:
- the dashboard on « toutes » (everyone's, every open deadline): PageDown to the end, `j` over
  several page boundaries, then PageUp back to the top and `k` again;
- the dossier list: the same walk.
Reports for each walk the CPU per key (time.process_time around each key, Pilot's own work and
the repaint included: an upper bound), p50 / p95 / max, the rows held at the end and at most,
and the process's RSS (VmRSS now, VmHWM peak) read from /proc/self/status.

Run by hand:  .venv/bin/python bench/bench_windows.py [--db bench/out/demo-100000.db] [--j 400]
              [--pages N: at most N PageDown, then back up; a shorter walk for A/B series]
Never on the shared demo itself: opening a base may migrate it; copy it first.
"""

import argparse
import asyncio
import gc
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)
NO_FREEZE = "--no-freeze" in sys.argv


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def freeze() -> None:
    """What ClercApp does after its first paint in a terminal (not headless, so not under Pilot)."""
    if not NO_FREEZE:
        gc.freeze()


def held(screen) -> int:
    window = getattr(screen, "window", None)
    if window is not None:
        return len(window.rows)
    return len(getattr(screen, "rows", None) or [e for e in screen.entries if e is not None])


def selected_key(screen):
    row = screen.selected
    return row.id if row is not None else None


class Collector:
    """The garbage collector's passes (gc.callbacks): how long each took, by generation."""

    def __init__(self) -> None:
        self.started = 0.0
        self.passes: list[tuple[int, float]] = []  # (generation, ms)
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        else:
            self.passes.append((info["generation"], (time.process_time() - self.started) * 1000))

    def since(self, mark: int) -> list[tuple[int, float]]:
        return self.passes[mark:]


COLLECTOR = Collector()


async def walk(pilot, screen, label: str, j_keys: int, pages: int | None = None) -> None:
    samples: list[float] = []
    by_key: dict[str, list[float]] = {}
    slow: list[str] = []
    most = 0

    async def press(key: str) -> None:
        nonlocal most
        mark = len(COLLECTOR.passes)
        started = time.process_time()
        await pilot.press(key)
        spent = (time.process_time() - started) * 1000
        samples.append(spent)
        by_key.setdefault(key, []).append(spent)
        most = max(most, held(screen))
        if spent > 50:
            passes = COLLECTOR.since(mark)
            slow.append(
                f"{key} {spent:.0f} ms (collector: "
                + (", ".join(f"gen {g} {ms:.0f} ms" for g, ms in passes) or "—")
                + ")"
            )

    keys = 0
    last = None
    while selected_key(screen) != last:  # PageDown until the cursor stops moving: the end
        if pages is not None and keys >= pages:
            break
        last = selected_key(screen)
        await press("pagedown")
        keys += 1
    end = selected_key(screen)
    for _ in range(j_keys):
        await press("k")
    for _ in range(j_keys):
        await press("j")
    assert selected_key(screen) == end, "j/k did not come back to the row it started from"
    last = None
    while selected_key(screen) != last:
        last = selected_key(screen)
        await press("pageup")
    for _ in range(j_keys):
        await press("j")
    for _ in range(j_keys):
        await press("k")
    rss, peak = rss_mb()
    samples.sort()
    p95 = samples[int(len(samples) * 0.95)]
    print(
        f"{label}: {keys} PageDown, {len(samples)} keys in all; CPU per key "
        f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms, "
        f"{sum(1 for s in samples if s > 50)} over 50 ms; "
        f"rows held {held(screen)} (at most {most}); RSS {rss:.0f} MB (peak {peak:.0f} MB)"
    )
    for key, spent in by_key.items():
        spent.sort()
        print(
            f"  {key}: {len(spent)} keys, p50 {statistics.median(spent):.1f} ms, "
            f"p95 {spent[int(len(spent) * 0.95)]:.1f} ms, max {spent[-1]:.1f} ms"
        )
    full = [ms for g, ms in COLLECTOR.passes if g == 2]
    most_full = max(full, default=0)
    print(f"  collector passes so far: {len(COLLECTOR.passes)}, {len(full)} full (max {most_full:.0f} ms)")
    for line in slow:
        print(f"  over 50 ms: {line}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "demo-100000.db"))
    parser.add_argument("--j", type=int, default=400, help="j then k keys at each end")
    parser.add_argument("--pages", type=int, help="at most this many PageDown (then as many PageUp): a shorter walk")
    parser.add_argument("--screen", choices=("agenda", "dossiers", "both"), default="both")
    parser.add_argument("--no-freeze", action="store_true", help="leave the collector walking start-up objects")
    args = parser.parse_args()

    from clerc_tui.app import ClercApp
    from clerc_tui.models.db import open_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.deadlines import ALL_HORIZON

    open_database(args.db)
    print(f"start: RSS {rss_mb()[0]:.0f} MB")
    if args.screen in ("agenda", "both"):
        app = ClercApp(identify(), today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            screen.clerc_id, screen.horizon = None, ALL_HORIZON  # « toutes », every open deadline
            screen.reload()
            await pilot.pause()
            freeze()
            await walk(pilot, screen, "dashboard « toutes »", args.j, args.pages)
    if args.screen in ("dossiers", "both"):
        app = ClercApp(identify(), today=TODAY, start="dossiers")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            freeze()
            await walk(pilot, app.screen, "dossier list", args.j, args.pages)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
