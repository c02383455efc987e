"""Issue 11 item 6 benchmark: what a key press costs the screen tests, and what the app does for it.

Runs screen-test modules in this process (pytest, no xdist) and counts, inside each
`pilot.press` (the key handled, the screen repainted, the wait of tests/screens/quiet.py), what
Textual does for it:
- layouts: `Screen._refresh_layout` (a whole screen arranged again; `scroll`-only reflows apart);
- restyles: nodes whose styles were applied again (`Stylesheet.apply`), and the calls that did it
  (`Stylesheet.update_nodes`);
- paints: `Screen._compositor_refresh` (what changed drawn to the terminal);
and the CPU time (`time.process_time`) spent inside the presses and in the whole module.

The counts are deterministic (the same tests, the same keys): compare them before and after a
change. CPU is not, on a shared machine: compare it in alternated pairs (`--repeat`).

Run by hand:  .venv/bin/python bench/bench_keys.py tests/screens/test_forms.py [more modules]
              [--repeat N] [-k EXPR]
"""

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class KeyCost:
    """A pytest plugin: per module, the keys pressed and what they cost."""

    def __init__(self, profile: bool = False) -> None:
        self.profile = profile
        self.profiles: dict[bool, pstats.Stats] = {}  # keys on one screen (True), the others
        self.in_press = 0
        self.module = ""
        self.counts: dict[str, Counter[str]] = {}

    def count(self, what: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(self.module, Counter())
        bucket[what] += n
        if self.in_press:
            bucket[f"key {what}"] += n

    def install(self) -> None:
        import textual.app
        import textual.pilot
        from textual.css.stylesheet import Stylesheet
        from textual.screen import Screen

        plugin = self
        press_keys = textual.app.App._press_keys

        async def press_each(app, keys) -> None:
            for key in keys:  # each key alone, as the original sends them (the key, then its waits)
                bucket = plugin.counts.setdefault(plugin.module, Counter())
                stack = [id(screen) for screen in app.screen_stack]
                before = Counter(bucket)
                plugin.in_press += 1
                profiler = cProfile.Profile() if plugin.profile else None
                if profiler is not None:
                    profiler.enable()
                start = time.process_time()
                try:
                    await press_keys(app, [key])
                finally:
                    if profiler is not None:
                        profiler.disable()
                    plugin.in_press -= 1
                    plugin.count("keys")
                    plugin.count("key cpu ms", round((time.process_time() - start) * 1000))
                    same = [id(screen) for screen in app.screen_stack] == stack
                    if profiler is not None:
                        if same in plugin.profiles:
                            plugin.profiles[same].add(profiler)
                        else:
                            plugin.profiles[same] = pstats.Stats(profiler)
                    if same:
                        # The key left the screens as they were (typing, moving, a redraw);
                        # the others pushed or popped one: the screens' cost, not the key's.
                        for what, n in (bucket - before).items():
                            if what.startswith("key "):
                                bucket["one-screen " + what] += n
                        bucket["one-screen keys"] += 1

        async def press(pilot, *keys: str) -> None:  # Pilot.press, its wait counted with the keys
            if keys:
                await press_each(pilot.app, keys)
                plugin.in_press += 1
                try:
                    await pilot._wait_for_screen()
                finally:
                    plugin.in_press -= 1

        textual.pilot.Pilot.press = press

        def wrap(owner, name, what, pick=None):
            method = getattr(owner, name)

            def counted(*args, **kwargs):
                if pick is None or pick(*args, **kwargs):
                    plugin.count(what)
                return method(*args, **kwargs)

            setattr(owner, name, counted)

        wrap(Screen, "_refresh_layout", "layouts", lambda screen, size=None, scroll=False: not scroll)
        wrap(Screen, "_compositor_refresh", "paints")
        wrap(Stylesheet, "apply", "restyled nodes")
        wrap(Stylesheet, "update_nodes", "restyles")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        self.module = item.path.name
        start = time.process_time()
        yield
        self.count("test cpu ms", round((time.process_time() - start) * 1000))


def run(modules: list[str], expression: str | None, profile: str | None = None) -> dict[str, Counter[str]]:
    plugin = KeyCost(profile is not None)
    plugin.install()
    args = ["-q", "-n0", "-p", "no:cacheprovider", *modules]
    if expression:
        args += ["-k", expression]
    code = pytest.main(args, plugins=[plugin])
    if code not in (0, 5):
        sys.exit(f"pytest failed ({code})")
    for same, stats in plugin.profiles.items():
        stats.dump_stats(f"{profile}.{'one-screen' if same else 'screens'}.prof")
    return plugin.counts


def table(counts: dict[str, Counter[str]], prefix: str) -> None:
    columns = ("keys", "key cpu ms", "key layouts", "key restyles", "key restyled nodes", "key paints")
    print(f"\n{prefix or 'every key'}".ljust(30) + "".join(c.rjust(19) for c in columns))
    for module, bucket in sorted(counts.items()):
        keys = bucket[prefix + "keys"] or 1
        cells = "".join(str(bucket[prefix + c]).rjust(19) for c in columns)
        print(module.ljust(29) + cells)
        per_key = "".join(f"{bucket[prefix + c] / keys:.2f}".rjust(19) for c in columns[1:])
        print("  per key".ljust(48) + per_key)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("modules", nargs="+")
    parser.add_argument("-k", dest="expression")
    parser.add_argument("--profile", help="cProfile the keys into PROFILE.one-screen.prof and PROFILE.screens.prof")
    options = parser.parse_args()
    counts = run(options.modules, options.expression, options.profile)
    table(counts, "")
    table(counts, "one-screen ")
    print("\ntest cpu ms: " + ", ".join(f"{m} {b['test cpu ms']}" for m, b in sorted(counts.items())))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
