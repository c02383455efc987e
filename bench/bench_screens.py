"""What an app start and each screen pushed, popped or resumed cost (issue 11 item 6).

In a headless app (Textual's `run_test`, 80×24, the screen tests' waits of tests/screens/quiet.py)
on a fresh base with one dossier, one step at a time: the app started on the dossier list, the
dossier form opened (`n`) and left (Échap), the dossier opened (Entrée), its form (`e`) and back,
back to the list, the calculator (`c`) and back. For each step: Textual's work, counted (full
layouts of a screen, `Stylesheet.reparse`, nodes restyled, i.e. `Stylesheet.apply` calls) —
deterministic, the same on every machine — and its CPU time (`time.process_time`, median of the
runs: the machine may be shared, compare alternated runs).

Run by hand:  .venv/bin/python bench/bench_screens.py [--runs 7]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.screens.quiet: the waits the screen tests use

TODAY = date(2026, 11, 26)
COUNTS = Counter[str]()


def _count(owner: type, name: str, key: str) -> None:
    original = getattr(owner, name)

    def counted(self, *args, **kwargs):
        COUNTS[key] += 1
        return original(self, *args, **kwargs)

    setattr(owner, name, counted)


def instrument() -> None:
    from textual.css.stylesheet import Stylesheet
    from textual.screen import Screen

    _count(Screen, "_refresh_layout", "layouts")
    _count(Stylesheet, "reparse", "reparses")
    _count(Stylesheet, "apply", "restyled")


def base(folder: Path) -> None:
    from clerc_tui.models.db import init_database
    from clerc_tui.services.context import identify, os_login
    from clerc_tui.services.dossiers import create_dossier
    from clerc_tui.services.users import add_user
    from tests.conftest import make_input

    init_database(str(folder / "clerc.db"))
    add_user(os_login(), "Claire Martin", "commissaire")
    create_dossier(identify(), make_input(), TODAY)


STEPS = (
    ("start (list)", ()),
    ("form opened (n)", ("n",)),
    ("form left (escape)", ("escape",)),
    ("dossier opened (enter)", ("enter",)),
    ("its form (e)", ("e",)),
    ("back to the dossier", ("escape",)),
    ("back to the list", ("escape",)),
    ("calculator (c)", ("c",)),
    ("back to the list", ("escape",)),
)


async def one_run() -> list[tuple[float, Counter[str]]]:
    from clerc_tui.app import ClercApp
    from clerc_tui.services.context import identify

    results = []
    COUNTS.clear()
    started = time.process_time()
    app = ClercApp(identify(), today=TODAY, start="dossiers")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        results.append((time.process_time() - started, Counter(COUNTS)))
        for _, keys in STEPS[1:]:
            COUNTS.clear()
            started = time.process_time()
            await pilot.press(*keys)
            await pilot.pause()
            results.append((time.process_time() - started, Counter(COUNTS)))
    return results


def main() -> None:
    import os

    import pytest

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["TEXTUAL_ANIMATIONS"] = "none"  # as the tests (tests/conftest.py)
    from tests.screens import quiet

    instrument()
    patch = pytest.MonkeyPatch()
    quiet.install(patch)
    with tempfile.TemporaryDirectory() as folder:
        base(Path(folder))
        asyncio.run(one_run())  # imports, first parses: not counted
        runs = [asyncio.run(one_run()) for _ in range(args.runs)]
    print(f"{'step':<26}{'CPU ms':>8}{'layouts':>9}{'reparses':>10}{'restyled':>10}")
    total = 0.0
    for index, (name, _) in enumerate(STEPS):
        cpu = statistics.median(run[index][0] for run in runs) * 1000
        total += cpu
        counts = runs[-1][index][1]
        print(f"{name:<26}{cpu:>8.1f}{counts['layouts']:>9}{counts['reparses']:>10}{counts['restyled']:>10}")
    print(f"{'all steps':<26}{total:>8.1f}")


if __name__ == "__main__":
    main()
