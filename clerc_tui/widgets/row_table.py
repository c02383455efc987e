"""A light table for long lists: a header and the rows of one page, drawn line by line.

Textual's DataTable measures and renders every cell through Rich and doubled the time to
the first painted screen (docs/architecture.md; measured again here: ~150 ms for 60 rows). This
widget draws only the visible lines, each from plain cells cut to fixed column widths,
and keeps the subset of DataTable's API the screens use (add_column, add_row, clear,
cursor_row, move_cursor, row_count, get_row_at, RowHighlighted, RowSelected).

A cell is a `rich.text.Text` (styled) or a plain `str`, which is shown as it is: never
parsed as markup, so user data can be passed as `str` safely (and cheaply). A control or
bidi character left in old data is drawn as a placeholder (`rules.text.inert`), never sent
to the terminal.

Narrow terminals (80 columns is a first-class size): a column may say how far it shrinks
(`min_width`) and how soon it hides (`priority`: the lowest goes first; None, the default,
never hides). When the columns do not fit, the hideable ones shrink first, then the
essential ones, then the hideable ones hide, lowest priority first; the cells left over go
back to the shrunk columns, essential ones first (`fit_widths`).

What reaches the terminal (issue 12: clercs work over SSH on thin lines): Textual writes the
screen regions a widget marks dirty, line by line. So no change repaints the whole table: every
change (a row added, the table cleared, the cursor moved, a scroll) only schedules one pass,
after the current message, that compares what each visible line would show with what it showed
when last drawn and refreshes the lines that differ (`_refresh_changed`). Moving the cursor
rewrites two lines; a refill with the same rows (a filter typed further that finds the same
dossiers, another clerc's commit elsewhere) writes nothing; a new page rewrites the rows, never
the header. Each line is drawn as few segments as possible (adjacent cells in one style are
merged), so the terminal gets one colour sequence per run of style, not three per cell.
"""

from dataclasses import dataclass
from typing import Any, TypedDict

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from clerc_tui.rules.text import inert, is_inert

AUTO_WIDTH_LIMIT = 30
GAP = 1


@dataclass
class Column:
    label: str
    key: str | None
    width: int | None
    justify: str = "left"
    priority: int | None = None  # None: never hidden; else the lowest hides first
    min_width: int | None = None  # how far it may shrink; None: it does not


class ColumnFit(TypedDict, total=False):
    """How a column gives way on a narrow terminal, as `add_column(..., **fit)` takes it."""

    priority: int
    min_width: int


def fit_widths(columns: list[Column], natural: list[int], available: int) -> list[int]:
    """The widths drawn in `available` cells (0: the column is hidden), see the module's doc."""
    widths = list(natural)

    def over() -> int:
        return sum(w + GAP for w in widths if w) - available

    order = sorted(range(len(columns)), key=lambda i: (columns[i].priority is None, columns[i].priority or 0))

    def shrink(essential: bool) -> None:
        for i in order:
            column = columns[i]
            if over() <= 0:
                return
            if (column.priority is None) == essential and column.min_width is not None and widths[i]:
                widths[i] -= min(over(), max(widths[i] - column.min_width, 0))

    shrink(essential=False)
    shrink(essential=True)
    for i in order:
        if over() <= 0:
            break
        if columns[i].priority is not None:
            widths[i] = 0
    for i in reversed(order):  # what is left goes back, most important first
        spare = -over()
        if spare <= 0:
            break
        if widths[i] and widths[i] < natural[i]:
            widths[i] += min(spare, natural[i] - widths[i])
    return widths


class RowTable(Widget, can_focus=True):
    COMPONENT_CLASSES = {"row-table--header", "row-table--cursor", "row-table--zebra"}
    BINDINGS = [
        Binding("up", "cursor_up", "Haut", show=False, id="table.up"),
        Binding("down", "cursor_down", "Bas", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page précédente", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page suivante", show=False, id="table.page_down"),
        Binding("enter", "select_cursor", "Ouvrir", show=False, id="table.select"),
    ]

    class RowHighlighted(Message):
        def __init__(self, table: "RowTable", cursor_row: int, row_key: str | None):
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> "RowTable":
            return self.table

    class RowSelected(RowHighlighted):
        pass

    def __init__(
        self,
        *,
        zebra_stripes: bool = False,
        id: str | None = None,  # noqa: A002 - Textual's keyword for every widget
        classes: str | None = None,
        **_: Any,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = []
        self._rows: list[tuple] = []
        self._keys: list[str | None] = []
        self._widths: list[int] | None = None
        self._fitted: tuple[int, list[int]] | None = None  # (width available, widths drawn)
        self._spans: dict[int, int] = {}  # row index -> the column whose cell takes the rest
        self._cursor = 0
        self._top = 0
        self.zebra_stripes = zebra_stripes
        self._strips: dict[tuple[int, str], Strip] = {}
        self._strips_width = 0  # the width the strips were drawn for
        self._drawn_style: Style | None = None
        self._paint_style: Style | None = None  # during a paint (render_lines)
        self._drawn: dict[int, tuple] = {}  # y -> what render_line last drew there
        self._refresh_pending = False

    # --- the DataTable subset -------------------------------------------------------------

    def add_column(
        self,
        label: str,
        *,
        key: str | None = None,
        width: int | None = None,
        justify: str = "left",
        priority: int | None = None,
        min_width: int | None = None,
    ) -> None:
        self.columns.append(Column(label, key, width, justify, priority, min_width))
        self._widths = None
        self._strips.clear()
        self._drawn.clear()
        self._changed()

    def add_row(self, *cells, key: str | None = None, span_from: int | None = None) -> None:
        """`span_from`: that column's cell takes the rest of the line (a day header), whatever
        the widths fitted to the terminal."""
        if span_from is not None:
            self._spans[len(self._rows)] = span_from
        self._rows.append(cells)
        self._keys.append(key)
        if any(column.width is None for column in self.columns):
            self._widths = None
            self._strips.clear()
        self._changed()

    def clear(self) -> "RowTable":
        self._rows.clear()
        self._keys.clear()
        self._spans.clear()
        self._cursor = 0
        self._top = 0
        self._widths = None
        self._strips.clear()
        self._changed()
        return self

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, index: int) -> list:
        return list(self._rows[index])

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        self._cursor = row
        if scroll:
            self._keep_cursor_visible()
        self._changed()
        # Posted even when the row did not change: after a refill the screen re-checks it.
        self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def scroll_to(self, x: float | None = None, y: float | None = None, *, animate: bool = True, **_: Any) -> None:
        """Put row `y` at the top (as far as the rows allow); rows do not scroll sideways. Textual's
        own signature: its scroll_home/scroll_relative/ScrollTo call it with x and y by position."""
        if y is None:
            return
        self._top = max(0, min(int(y), max(len(self._rows) - self._visible_rows, 0)))
        self._keep_cursor_visible()
        self._changed()

    # --- keys ---------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._visible_rows)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._visible_rows)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    # --- drawing ------------------------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _keep_cursor_visible(self) -> None:
        if self.size.height == 0:
            return  # not laid out yet: on_resize will do it
        if self._cursor < self._top:
            self._top = self._cursor
        elif self._cursor >= self._top + self._visible_rows:
            self._top = self._cursor - self._visible_rows + 1

    def on_resize(self) -> None:
        self._keep_cursor_visible()
        self.refresh()  # the lines at the new width (the repaint of the resize may have come first)

    def notify_style_update(self) -> None:
        # Focus changes land here too; only a change of colours invalidates the lines drawn.
        if self._strips and self.rich_style != self._drawn_style:
            self._strips.clear()
            self._drawn.clear()
            self._changed()
        super().notify_style_update()

    def on_focus(self) -> None:
        self._changed()  # the cursor line takes its focused colours

    def on_blur(self) -> None:
        self._changed()

    # --- what to repaint ----------------------------------------------------------------

    def _changed(self) -> None:
        """Something shown may differ: compare the lines once, after the current message."""
        if self._refresh_pending:
            return
        if not self.is_mounted:
            self.refresh()
            return
        self._refresh_pending = True
        self.call_next(self._refresh_changed)

    def _state(self, index: int) -> str:
        if index == self._cursor:
            return "cursor" + ("-focus" if self.has_focus else "")
        # Stripes by line on screen, not by row: a new page keeps each line's background, so the
        # cells that read the same (« Clos », « € », the blanks) are not written again.
        return "zebra" if self.zebra_stripes and (index - self._top) % 2 else ""

    def _shown(self, y: int, widths: tuple[int, ...]) -> tuple:
        """What line `y` shows, as a value to compare: the same value draws the same line."""
        if y == 0:
            return ("header", widths, tuple(column.label for column in self.columns))
        index = self._top + y - 1
        if index >= len(self._rows):
            return ("blank", widths)
        return (widths, self._rows[index], self._spans.get(index), self._state(index))

    def _refresh_changed(self) -> None:
        self._refresh_pending = False
        width, height = self.size
        if not width or not height:
            self._drawn.clear()
            self.refresh()
            return
        widths = tuple(self._column_widths())
        dirty = [y for y in range(height) if self._drawn.get(y) != self._shown(y, widths)]
        # Consecutive lines as one region each (a page is one region, a cursor move two).
        regions: list[Region] = []
        for y in dirty:
            if regions and regions[-1].bottom == y:
                regions[-1] = regions[-1].grow((0, 0, 1, 0))
            else:
                regions.append(Region(0, y, width, 1))
        if regions:  # refresh() without a region would repaint everything
            self.refresh(*regions)

    def _column_widths(self) -> list[int]:
        """The widths drawn at the current size (0: hidden)."""
        natural = self._natural_widths()
        available = self.size.width
        if not available:
            return natural
        if self._fitted is None or self._fitted[0] != available:
            self._fitted = (available, fit_widths(self.columns, natural, available))
        return self._fitted[1]

    def _natural_widths(self) -> list[int]:
        if self._widths is None:
            widths = []
            for index, column in enumerate(self.columns):
                if column.width is not None:
                    widths.append(column.width)
                    continue
                longest = max((len(_plain(row[index])) for row in self._rows if index < len(row)), default=0)
                widths.append(min(max(longest, len(column.label)), AUTO_WIDTH_LIMIT))
            self._widths = widths
            self._fitted = None
        return self._widths

    def _line(self, cells, style: Style | None, span_from: int | None = None) -> Strip:
        console = self.app.console
        base = self._drawn_style = self._paint_style or self.rich_style
        line_style = base + style if style else base
        segments: list[Segment] = []
        widths = list(self._column_widths())
        if span_from is not None and span_from < len(widths):
            used_before = sum(w + GAP for w in widths[:span_from] if w)
            widths = [*widths[:span_from], max(self.size.width - used_before - GAP, 1)]
            cells = cells[: span_from + 1]
        for column, width, cell in zip(self.columns, widths, cells, strict=False):  # a row may be cut short
            if not width:
                continue  # hidden at this width
            if isinstance(cell, Text):
                text = cell.copy()
                if not is_inert(text.plain, multiline=False):
                    text.plain = inert(text.plain, multiline=False)  # same length: the styles stay put
                text.truncate(width, overflow="ellipsis")
                used = text.cell_len
                # Text.render leaves the text's own style (a badge's colours) to the caller.
                cell_style = line_style + console.get_style(text.style) if text.style else line_style
                parts = [
                    Segment(seg.text, cell_style + seg.style if seg.style else cell_style)
                    for seg in text.render(console)
                    if seg.text != "\n"
                ]
            else:
                value = _fit(inert(cell, multiline=False), width)
                used = cell_len(value)
                parts = [Segment(value, line_style)]
            padding = Segment(" " * (width - used), line_style)
            segments += [padding, *parts] if column.justify == "right" else [*parts, padding]
            segments.append(Segment(" " * GAP, line_style))
        # One segment per run of style: each segment costs the terminal a colour sequence.
        width = self.size.width
        simple = list(Segment.simplify(segments))
        length = sum(cell_len(segment.text) for segment in simple)
        if length < width:  # the usual case, built once (a page redraws ~36 lines per key)
            simple = list(Segment.simplify([*simple, Segment(" " * (width - length), line_style)]))
        if length <= width:
            return Strip(simple, width)
        strip = Strip(simple).crop_extend(0, width, line_style)
        return Strip(Segment.simplify(strip), strip.cell_length)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The table's own style, worked out once per paint rather than for each line drawn
        # (`rich_style` walks every ancestor's styles: ~1 ms of a PageUp's ~36 lines).
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        # What is drawn, as Textual asks for it: a line painted by a full repaint (the first one,
        # a resize, a focus change) is not painted again by _refresh_changed.
        if self.size.width != self._strips_width:
            # A paint at a new size can come before on_resize: lines drawn at the old width, columns
            # fitted to it, would be cut to the new one (the 120-column rows at 80, « Solde » gone).
            self._strips.clear()
            self._strips_width = self.size.width
        self._drawn[y] = self._shown(y, tuple(self._column_widths()))
        if y == 0:
            strip = self._strips.get((-1, "header"))
            if strip is None:
                header = self.get_component_rich_style("row-table--header")
                strip = self._strips[(-1, "header")] = self._line([Text(c.label) for c in self.columns], header)
            return strip
        index = self._top + y - 1
        if index >= len(self._rows):
            return Strip.blank(self.size.width, self.rich_style)
        state = self._state(index)
        strip = self._strips.get((index, state))
        if strip is None:
            style = self.get_component_rich_style(f"row-table--{state.split('-')[0]}") if state else None
            strip = self._strips[(index, state)] = self._line(self._rows[index], style, self._spans.get(index))
        return strip


def _fit(value: str, width: int) -> str:
    """Cut a plain string to `width` cells, ending with « … » when it was longer."""
    if cell_len(value) <= width:
        return value
    return set_cell_size(value, max(width - 1, 0)) + "…"


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)
