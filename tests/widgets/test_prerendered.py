"""A long document laid out by Rich once per width (widgets/prerendered.py)."""

import gc
import io
import weakref

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult

from clerc_tui.widgets.prerendered import DocumentView, Prerendered


def _document() -> Group:
    table = Table(title="Paiements")
    for name in ("Date", "Montant", "Libellé"):
        table.add_column(name)
    for n in range(30):
        table.add_row(f"{n + 1:02d}/01/2026", f"{n},00 €", Text("un libellé assez long pour être replié " * 2))
    return Group(Text("Décompte", style="bold"), table)


def _lines(console: Console, renderable, width: int):
    return console.render_lines(renderable, console.options.update_width(width), pad=False)


def test_the_same_lines_as_rich_once_per_width():
    console = Console(file=io.StringIO(), width=120)
    document = Prerendered(_document())
    for width in (100, 100, 60, 100, 60):
        assert _lines(console, document, width) == _lines(console, _document(), width)
    assert document.renders == 2  # 100 then 60, each laid out once (with and without a scroll bar)
    _lines(console, document, 80)
    _lines(console, document, 100)
    assert document.renders == 4  # two widths kept, not every width ever seen


def test_a_group_is_laid_out_part_by_part_as_far_as_asked():
    console = Console(file=io.StringIO(), width=120)
    document = Prerendered(_document())
    options = console.options.update_width(100)
    first = document.lines(console, options, at_least=1)
    assert len(first) == 1 and not document.complete(100) and document.renders == 0  # the title only
    assert document.lines(console, options) == _lines(console, _document(), 100)
    assert document.complete(100) and document.renders == 1


def test_a_table_is_laid_out_row_by_row_as_far_as_asked():
    console = Console(file=io.StringIO(), width=120)
    document = Prerendered(_document())
    options = console.options.update_width(60)
    whole = _lines(console, _document(), 60)
    assert len(whole) > 40
    for at_least in (5, 6, 17, 40):  # inside the table: exactly as many lines, the very same ones
        assert document.lines(console, options, at_least=at_least) == whole[:at_least]
        assert not document.complete(60) and document.renders == 0
    assert document.lines(console, options, at_least=len(whole) + 10) == whole  # no more than there are
    assert document.complete(60) and document.renders == 1
    assert document.lines(console, options) == whole and document.renders == 1


class _ViewApp(App):
    def compose(self) -> ComposeResult:
        yield DocumentView(id="body")


async def test_a_closed_view_lets_its_lines_go_without_the_garbage_collector():
    app = _ViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(DocumentView)
        document = Prerendered(_document())
        view.update(document)
        await pilot.pause()
        assert "Décompte" in view.render_line(0).text
        laid_out = weakref.ref(document)
        del document
        gc.disable()  # freed by reference counts, not left for a full pass with the screen's widgets
        try:
            await view.remove()
            await pilot.pause()
            assert laid_out() is None
        finally:
            gc.enable()
