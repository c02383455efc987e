"""show_text: a line or block rewritten at each key repaints itself, and lays the screen out only
when its size changes (a preview that takes another number of lines, a width that follows the text)."""

from rich.text import Text
from textual.app import App
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from clerc_tui.widgets.text_line import show_text


class LinesApp(App):
    CSS = """
    #block { height: auto; }
    #line { height: 1; }
    #tag { width: auto; height: 1; }
    """

    def compose(self):
        with Vertical():
            yield Static("une ligne", id="block")
            yield Static("état", id="line")
            yield Static("court", id="tag")
            yield Static("en dessous", id="below")


async def _layouts(monkeypatch, pilot, change) -> int:
    layouts = []
    refresh_layout = Screen._refresh_layout
    monkeypatch.setattr(
        Screen, "_refresh_layout", lambda self, *a, **k: (layouts.append(1), refresh_layout(self, *a, **k))[1]
    )
    change()
    await pilot.pause()
    monkeypatch.setattr(Screen, "_refresh_layout", refresh_layout)
    return len(layouts)


async def test_a_block_is_laid_out_only_when_its_number_of_lines_changes(monkeypatch):
    app = LinesApp()
    async with app.run_test(size=(40, 12)) as pilot:
        block, below = app.query_one("#block", Static), app.query_one("#below", Static)
        assert await _layouts(monkeypatch, pilot, lambda: show_text(block, Text("une autre ligne"))) == 0
        assert str(block.render()) == "une autre ligne" and below.region.y == 3
        two = Text("première ligne\nseconde ligne")
        assert await _layouts(monkeypatch, pilot, lambda: show_text(block, two)) >= 1
        assert block.region.height == 2 and below.region.y == 4  # what is below moved down
        long = Text("un texte assez long pour passer à la ligne dans quarante colonnes")
        assert await _layouts(monkeypatch, pilot, lambda: show_text(block, long)) == 0  # wrapped: 2 lines
        assert await _layouts(monkeypatch, pilot, lambda: show_text(block, "")) >= 1
        assert block.region.height == 1 and below.region.y == 3  # an empty Static keeps a line


async def test_the_same_text_repaints_nothing_and_a_fixed_line_lays_nothing_out(monkeypatch):
    app = LinesApp()
    async with app.run_test(size=(40, 12)) as pilot:
        line = app.query_one("#line", Static)
        show_text(line, Text("3 dossiers"))
        await pilot.pause()
        updates = []
        monkeypatch.setattr(line, "update", lambda *args, **kwargs: updates.append(args))
        show_text(line, Text("3 dossiers"))
        assert updates == []
        show_text(line, Text("3 dossiers", style="bold red"))  # the same words in another style
        assert len(updates) == 1
        monkeypatch.undo()
        assert await _layouts(monkeypatch, pilot, lambda: show_text(line, Text("deux\nlignes"))) == 0
        assert line.region.height == 1


async def test_a_width_that_follows_the_text_is_laid_out(monkeypatch):
    app = LinesApp()
    async with app.run_test(size=(40, 12)) as pilot:
        tag = app.query_one("#tag", Static)
        await pilot.pause()
        assert await _layouts(monkeypatch, pilot, lambda: show_text(tag, Text("bien plus long"))) >= 1
        assert tag.region.width == len("bien plus long")
