import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App

from clerc_tui.widgets import CSS_PATHS
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import GAP, Column, RowTable, fit_widths


class TableApp(App):
    CSS_PATH = CSS_PATHS  # the widgets' styles, as ClercApp loads them
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


# --- fitting the columns to a narrow terminal (80 columns is a first-class size) ------------


def _cols(*specs):
    return [
        Column(f"c{i}", None, width, "left", priority, min_width)
        for i, (width, priority, min_width) in enumerate(specs)
    ]


def test_columns_that_fit_are_left_alone():
    columns = _cols((10, 1, 5), (20, None, None))
    assert fit_widths(columns, [10, 20], 80) == [10, 20]


def test_the_least_important_shrinks_then_hides_first_and_the_spare_goes_back():
    # 80 cells: natural 11+24+20+12+13 = 80 + 5 gaps = 85, 5 too many. The creditor (priority
    # 2, min 10) shrinks by 5 first: 15; nothing hides.
    columns = _cols((11, None, None), (24, None, 12), (20, 2, 10), (12, 1, None), (13, None, None))
    assert fit_widths(columns, [11, 24, 20, 12, 13], 80) == [11, 24, 15, 12, 13]
    # 60 cells: shrunk to 11+12+10+12+13 = 58 + 5 = 63, still 3 too many: the nature
    # (priority 1) hides: 46 + 4 = 50; the 10 spare cells go back to the debtor: 22.
    assert fit_widths(columns, [11, 24, 20, 12, 13], 60) == [11, 22, 10, 0, 13]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 40), st.one_of(st.none(), st.integers(0, 9)), st.one_of(st.none(), st.integers(1, 40))
        ),
        min_size=1,
        max_size=9,
    ),
    st.integers(10, 200),
)
def test_fitting_never_hides_an_essential_column_nor_goes_below_a_minimum(specs, available):
    specs = [(w, p, None if m is None else min(m, w)) for w, p, m in specs]
    columns = _cols(*specs)
    natural = [w for w, _p, _m in specs]
    widths = fit_widths(columns, natural, available)
    floor = sum((m if m is not None else w) + GAP for w, p, m in specs if p is None)
    for (w, p, m), got in zip(specs, widths, strict=True):
        assert got <= w
        if p is None:
            assert got >= (m if m is not None else w)  # essential: shown, never below its minimum
        elif got:
            assert got >= (m if m is not None else w)
    if floor <= available:
        assert sum(g + GAP for g in widths if g) <= available  # it fits whenever it can


async def test_a_spanning_cell_is_never_cut_to_its_column():
    from textual.app import App as _App

    class SpanApp(_App):
        CSS_PATH = CSS_PATHS

        def compose(self):
            yield RowTable(id="t")

        def on_mount(self):
            table = self.query_one(RowTable)
            table.add_column("État", width=11)
            table.add_column("Échéance", width=11)
            table.add_column("À faire", width=20)
            table.add_row("", Text("mardi 01/12/2026"), "", key="h", span_from=1)
            table.add_row("RETARD", "01/12/2026", "Dénoncer", key="d")

    app = SpanApp()
    async with app.run_test(size=(60, 6)):
        table = app.query_one(RowTable)
        assert _line(table, 1).startswith(" " * 12 + "mardi 01/12/2026")  # 16 cells in an 11-cell column
        assert _line(table, 2).startswith("RETARD      01/12/2026  Dénoncer")


# --- what is repainted (issue 12: few bytes per key over SSH) -------------------------------


def _record_lines(table: RowTable) -> list[int]:
    """The lines the table renders from now on (Textual renders only the lines made dirty)."""
    rendered: list[int] = []
    render_line = table.render_line

    def recording(y: int):
        rendered.append(y)
        return render_line(y)

    table.render_line = recording  # type: ignore[method-assign]
    return rendered


@pytest.mark.paints  # the lines painted at each frame are the subject
async def test_moving_the_cursor_repaints_the_two_lines_involved_only():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        rendered = _record_lines(table)
        await pilot.press("down")  # row 0 -> 1: lines 1 and 2 (line 0 is the header)
        assert sorted(set(rendered)) == [1, 2]
        rendered.clear()
        table.move_cursor(row=6)  # far, still on screen: the old and the new line
        await pilot.pause()
        assert sorted(set(rendered)) == [2, 7]


@pytest.mark.paints  # the lines painted at each frame are the subject
async def test_a_page_down_repaints_the_rows_but_not_the_header():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        rendered = _record_lines(table)
        await pilot.press("pagedown", "pagedown")  # the second one scrolls
        assert 0 not in rendered
        assert sorted(set(rendered)) == list(range(1, table.size.height))


@pytest.mark.paints  # the lines painted at each frame are the subject
async def test_a_refill_repaints_only_the_lines_that_differ():
    app = TableApp(rows=5)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        rendered = _record_lines(table)
        table.clear()  # a screen reloads the same page (another clerc wrote elsewhere)
        for i, cells in enumerate(rows):
            table.add_row(*cells, key=f"r{i}")
        table.move_cursor(row=0)
        await pilot.pause()
        assert rendered == []
        table.clear()  # one row changed
        for i, cells in enumerate(rows):
            table.add_row(*(["Autre nom", cells[1]] if i == 3 else cells), key=f"r{i}")
        table.move_cursor(row=0)
        await pilot.pause()
        assert sorted(set(rendered)) == [4]
        assert _line(table, 4).startswith("Autre nom")


async def test_a_line_is_one_segment_per_run_of_style():
    app = TableApp(rows=3)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        table.add_row("Nom", Text("RETARD", style="bold"), key="badge")
        await pilot.pause()
        plain = list(table.render_line(2))  # row 1: a plain str and an unstyled Text, one style
        assert len(plain) == 1 and plain[0].text.startswith("Nom 1")
        segments = list(table.render_line(4))  # row 3: a styled Text
        assert [s.text.strip() for s in segments] == ["Nom", "RETARD", ""]  # before, the badge, after
        assert segments[1].style.bold  # the Text's own style is drawn (Text.render leaves it out)
        assert not segments[0].style.bold
