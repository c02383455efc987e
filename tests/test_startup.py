"""What `clerc` does before its first paint, and what it leaves for after (issue 11 item 7:
start-up within 1.3× a bare Textual app, bench/bench_foundation.py)."""

from __future__ import annotations

import argparse
import gc

import pytest

import clerc_tui.app
from clerc_tui.cli import options


@pytest.fixture
def collector():
    """The collector as the test found it, whatever the test did to it."""
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_no_garbage_is_collected_from_the_command_to_the_app(monkeypatch, collector):
    seen: list[bool] = []
    monkeypatch.setattr(options.sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(options, "database_choice", lambda args: None)
    monkeypatch.setattr(clerc_tui.app, "run_app", lambda *args, **kwargs: seen.append(gc.isenabled()) or 0)
    gc.enable()

    assert options.open_app(argparse.Namespace(db=None, today=None, now=None)) == 0

    assert seen == [False]  # off while the app starts
    assert gc.isenabled()  # and on again once it has ended, whatever the app did


def test_the_collector_runs_again_once_the_start_up_is_settled(monkeypatch, collector):
    """After the first paint: one collection, what is left frozen (never walked again), the
    collector on again."""
    calls: list[str] = []
    monkeypatch.setattr(clerc_tui.app.gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(clerc_tui.app.gc, "freeze", lambda: calls.append(f"freeze, collector on: {gc.isenabled()}"))
    gc.disable()

    clerc_tui.app.ClercApp._settle_start_up(None)  # type: ignore[arg-type]

    assert calls == ["collect", "freeze, collector on: False"]
    assert gc.isenabled()


# Imported when first used (a key, a tab, a check), not on the way to the dashboard's first paint.
NOT_AT_START = (
    "clerc_tui.screens.dossier_list",  # `d`
    "clerc_tui.services.dossier_list",
    "clerc_tui.models.migrations.steps",  # a base already at the latest schema
    "clerc_tui.models.migrations.m0001_initial",
    "clerc_tui.models.shared",  # a shared base's files, checked once the dashboard is painted
    "clerc_tui.channel_config",  # [sms] and [smtp]: read when a message is sent
    "clerc_tui.models.ledger",  # the models the dashboard does not use: imported once it is painted
    "clerc_tui.models.amicable",
    "clerc_tui.models.plans",
)
# Every model module: all imported once the dashboard is painted (their back-references).
MODELS = (
    "acts",
    "amicable",
    "bank",
    "dossier",
    "etude",
    "imports",
    "ledger",
    "parties",
    "plans",
    "rates",
    "solvency",
    "tracking",
)

FIRST_PAINT = """
import asyncio, sys
from datetime import date
from textual.screen import Screen
from clerc_tui.app import make_app
from clerc_tui.config import DatabaseChoice

at_first_paint = []
paint = Screen._compositor_refresh

def painting(screen):
    if not at_first_paint:
        at_first_paint.append(sorted(m for m in sys.modules if m.startswith("clerc_tui.")))
    return paint(screen)

Screen._compositor_refresh = painting

async def main():
    app = make_app(DatabaseChoice({base!r}, "option"), today=date(2026, 11, 26))
    async with app.run_test(size=(120, 40)) as pilot:
        shown = app.screen.query_one("#agenda-filters").render()
        assert "horizon" in str(shown), shown
        await pilot.press("t")  # a key: every model is there before what it does
        loaded = sorted(m for m in sys.modules if m.startswith("clerc_tui.models."))
    print(loaded)
    print(at_first_paint[0])

asyncio.run(main())
"""


def test_the_dashboard_paints_without_what_it_does_not_show(db_path, actor):
    import ast
    import subprocess
    import sys

    code = FIRST_PAINT.format(base=str(db_path))
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    *_, after_a_key, at_first_paint = shown.stdout.strip().splitlines()
    imported = set(ast.literal_eval(at_first_paint))
    assert "clerc_tui.screens.deadlines" in imported  # the screen painted
    assert imported.isdisjoint(NOT_AT_START), sorted(imported & set(NOT_AT_START))
    assert {f"clerc_tui.models.{name}" for name in MODELS} <= set(ast.literal_eval(after_a_key))
