"""What the dashboard and the dossier list write to the terminal per key (issue 12: clercs work
over SSH on thin lines). Counted in bytes, as Textual would send them to a 120×40 truecolor
terminal: every screen update is rendered to terminal sequences and measured. Targets and the
figures through a real pseudo-terminal: bench/bench_terminal.py, README « Mesures »."""

from collections import Counter

import pytest
from rich.console import Console
from textual._compositor import Compositor

from clerc_tui.app import ClercApp
from clerc_tui.screens.deadlines import DeadlinesScreen
from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.services.context import os_login
from clerc_tui.terminal import Compactor
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import TODAY

# What is written at each frame is the subject: every frame painted (tests/screens/painting.py).
pytestmark = pytest.mark.paints

CONSOLE = Console(color_system="truecolor", force_terminal=True, width=120, height=40)
CONSOLE_20 = Console(color_system="truecolor", force_terminal=True, width=120, height=20)


@pytest.fixture
def written(monkeypatch) -> list[int]:
    """The size in bytes of each screen update from now on."""
    sizes: list[int] = []
    render_update = Compositor.render_update

    def recording(self, *args, **kwargs):
        update = render_update(self, *args, **kwargs)
        if update is not None:
            sizes.append(len(update.render_segments(CONSOLE).encode()))
        return update

    monkeypatch.setattr(Compositor, "render_update", recording)
    return sizes


@pytest.fixture
def compacted(monkeypatch) -> list[int]:
    """The size in bytes of each screen update from now on, as clerc writes it to a terminal:
    compacted (clerc_tui/terminal.py), one compactor following the whole session."""
    sizes: list[int] = []
    compactor = Compactor(120, 20)
    render_update = Compositor.render_update

    def recording(self, *args, **kwargs):
        update = render_update(self, *args, **kwargs)
        if update is not None:
            sizes.append(len(compactor.compact(update.render_segments(CONSOLE_20) + "\x1b[1;1H").encode()))
        return update

    monkeypatch.setattr(Compositor, "render_update", recording)
    return sizes


@pytest.fixture
def demo_app(demo_base):
    from clerc_tui.models import User
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "clerc")
    return ClercApp(identify(), today=TODAY)


async def _bytes(pilot, written: list[int], *keys: str) -> int:
    await pilot.pause()
    written.clear()
    await pilot.press(*keys)
    await pilot.pause()
    return sum(written)


async def test_the_dashboard_writes_two_lines_per_cursor_move_and_nothing_when_nothing_changed(demo_app, written):
    async with demo_app.run_test(size=(120, 40)) as pilot:
        screen = demo_app.screen
        assert isinstance(screen, DeadlinesScreen)
        await pilot.press("m", "h", "h", "h")  # everyone's deadlines, every open one
        assert len(screen.entries) > 5
        await pilot.press("g")
        moves = [await _bytes(pilot, written, "j") for _ in range(3)]
        assert all(0 < size <= 1000 for size in moves), moves  # the whole table was ~39 KB
        await pilot.press("g")
        # The same page again: neither the rows nor the filter and status lines are rewritten.
        assert await _bytes(pilot, written, "g") == 0


async def test_the_list_writes_two_lines_per_cursor_move_and_the_table_once_per_filter_result(demo_app, written):
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        screen = demo_app.screen
        assert isinstance(screen, DossierListScreen)
        moves = [await _bytes(pilot, written, "j") for _ in range(3)]
        assert all(0 < size <= 1000 for size in moves), moves
        await pilot.press("slash")
        reference = screen.rows[0].reference  # « 2026-000001 »: typed to the end, one dossier left
        await pilot.press(*reference[:-1])
        assert len(screen.rows) > 1
        # The last character leaves one row: the table is redrawn once, less than a screen.
        assert await _bytes(pilot, written, reference[-1]) <= 120 * 40
        assert [r.reference for r in screen.rows] == [reference]
        same = await _bytes(pilot, written, "space")  # a space more: the same rows
        assert [r.reference for r in screen.rows] == [reference]
        assert 0 < same <= 1000, same  # the filter line and the status line only


async def test_characters_typed_faster_than_the_query_give_one_reload_for_the_last(demo_app):
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "slash")
        screen = demo_app.screen
        reloads: list[str] = []
        reload = screen.reload
        screen.reload = lambda: (reloads.append(screen.query_state.text), reload())  # type: ignore[method-assign]
        field = screen.query_one("#filter")
        for typed in ("2", "20", "202"):  # three Changed messages queued before the screen reads them
            field.value = typed
        await pilot.pause()
        assert reloads == ["202"]
        assert "« 202 »" in str(screen.query_one("#list-status").render())
        # Nothing is written while the clerc reads: the filter's cursor does not blink.
        assert field.cursor_blink is False


async def test_a_new_filter_on_the_dashboard_draws_each_line_of_the_table_once(demo_app):
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h", "h", "h")  # every open deadline (mine: none yet)
        await pilot.pause()
        table = demo_app.screen.query_one(RowTable)
        rendered: list[int] = []
        render_line = table.render_line
        table.render_line = lambda y: (rendered.append(y), render_line(y))[1]  # type: ignore[method-assign]
        await pilot.press("m")  # everyone's: new rows, then the counts a moment later
        await pilot.pause()
        assert len(set(rendered)) > 5
        # The status line below keeps its height when the counts arrive: the table is not
        # laid out and drawn again (it was, twice: ~28 KB instead of ~9 KB on the demo).
        assert max(Counter(rendered).values()) == 1


async def test_each_key_stays_within_its_byte_budget_once_compacted(demo_app, compacted):
    """Issue 12's budgets: j/k ≤ 1 KB, PageDown ≤ one screen of text + 20 %, a filter character
    that brings new rows ≤ one screen. At 120×20 here (one screen: 2,400 cells), for the small
    demo base to have pages; Textual's own output is over both (~4 KB per page)."""
    screen = 120 * 20
    async with demo_app.run_test(size=(120, 20)) as pilot:
        await pilot.press("m", "h", "h", "h")  # every open deadline of everyone: several pages
        await pilot.press("g")
        moves = [await _bytes(pilot, compacted, key) for key in "jjk"]
        assert all(0 < size <= 1000 for size in moves), moves
        pages = [await _bytes(pilot, compacted, "pagedown")]
        await pilot.press("d")
        pages.append(await _bytes(pilot, compacted, "pagedown"))
        assert all(screen / 2 < size <= screen * 1.2 for size in pages), pages  # a new page each time
        await pilot.press("g", "slash")
        letters = [await _bytes(pilot, compacted, key) for key in "le"]
        assert all(0 < size <= screen for size in letters), letters
