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
