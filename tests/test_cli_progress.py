"""Long CLI commands draw a Rich progress bar on a terminal, none when piped (issue 11, item 4)."""

from __future__ import annotations

import io
import sys
import time

from clerc_tui.cli import progress
from tests.conftest import run_clerc


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_demo_balances_check_and_reversements_draw_no_bar_when_piped(tmp_path, monkeypatch):
    """Each long command run as under a pipe: the process's real stderr (where the bar would be
    drawn, progress.py) is not a terminal and stays empty, and so do the command's streams.
    In this process (a `clerc` process costs ~0.3 s of CPU each to start, five here): the bar's
    choice reads only sys.__stderr__, replaced here by a plain stream (what a pipe is to it);
    the demo's builder child writes its errors to a file, never to the inherited stderr."""
    real_stderr = io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", real_stderr)
    base = tmp_path / "demo.db"
    commands = (
        ("demo", "--dossiers", "20", "--db", str(base)),
        ("--db", str(base), "balances"),
        ("--db", str(base), "check"),
        ("--db", str(base), "reversements", "du"),
        (
            "--db",
            str(base),
            "export",
            "fec",
            "--from",
            "01/01/2000",
            "--to",
            "31/12/2100",
            "--out",
            str(tmp_path / "f"),
        ),
    )
    for command in commands:
        result = run_clerc(tmp_path, *command)
        assert result.returncode in (0, 1), result.stderr  # check: 1 if an anomaly (not expected here)
        for stream in (result.stdout, result.stderr, real_stderr.getvalue()):
            assert "\x1b" not in stream and "━" not in stream, (command, stream)
            assert "dossier par dossier" not in stream and "Démonstration : dossiers" not in stream
            assert "écriture par écriture" not in stream


def test_the_bar_shows_on_a_terminal_after_a_second_with_its_stages(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "__stderr__", terminal)
    with progress.progress_bar("Reversement : calcul") as tick:
        assert tick is not None
        tick(1, 4)
        time.sleep(1.1)  # shown only once the work outlasts a second
        tick(2, 4)
        time.sleep(0.3)
        tick(1, 2, "Reversement : écriture")
        time.sleep(0.3)
    drawn = terminal.getvalue()
    assert "Reversement : calcul" in drawn and "2/4" in drawn
    assert "Reversement : écriture" in drawn and "1/2" in drawn


def test_no_tick_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "__stderr__", io.StringIO())
    with progress.progress_bar("Soldes") as tick:
        assert tick is None
