from rich.text import Text
from textual.app import App

from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import RowTable


class TableApp(App):
    BINDINGS = [("x", "bell", "Sonner")]

    def __init__(self, rows: int = 50):
        super().__init__()
        self.rows = rows
        self.events = []

    def compose(self):
        yield RowTable(id="t")
        yield KeyBar()

    def on_mount(self):
        table = self.query_one(RowTable)
        table.add_column("Nom", key="name", width=10)
        table.add_column("Solde", key="amount", width=8, justify="right")
        for i in range(self.rows):
            table.add_row(f"Durand [/]x {i}" if i == 0 else f"Nom {i}", Text(f"{i},00"), key=f"r{i}")
        table.focus()

    def on_row_table_row_highlighted(self, event):
        self.events.append(("highlighted", event.cursor_row, event.row_key))

    def on_row_table_row_selected(self, event):
        self.events.append(("selected", event.cursor_row, event.row_key))


def _line(table: RowTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_cells_are_cut_to_their_width_and_never_read_as_markup():
    app = TableApp()
    async with app.run_test(size=(40, 12)):
        table = app.query_one(RowTable)
        assert _line(table, 0).startswith("Nom           Solde")
        assert _line(table, 1).startswith("Durand [/…     0,00")  # literal brackets, « … » cut, right-aligned
        assert len(_line(table, 1)) == 40


async def test_keys_move_the_cursor_and_keep_it_on_screen(monkeypatch):
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + (table.size.height - 1)
        assert _line(table, table.size.height - 1).startswith(f"Nom {table.cursor_row}")
        await pilot.press("enter")
        await pilot.pause()
        assert app.events[-1] == ("selected", table.cursor_row, f"r{table.cursor_row}")
        assert ("highlighted", 1, "r1") in app.events
        table.move_cursor(row=999)
        assert table.cursor_row == 49


async def test_clear_empties_the_table():
    app = TableApp()
    async with app.run_test(size=(40, 12)):
        table = app.query_one(RowTable)
        table.clear()
        assert table.row_count == 0 and table.cursor_row == 0
        assert _line(table, 1).strip() == ""


async def test_the_key_bar_shows_the_keys_of_the_screen():
    app = TableApp()
    async with app.run_test(size=(60, 12)):
        text = str(app.query_one(KeyBar).render())
        assert "x" in text and "Sonner" in text and "palette" in text
