"""A window of rows over a long result read by keyset: what the dashboard and the dossier list hold.

The screens never hold the whole result (44,500 open deadlines, 100,000 dossiers): a `RowWindow`
keeps at most a few pages of rows (`pages` × `page_size`, plus the screenful in view), fetched
by keyset from the service as the cursor moves forward or back, and drops the pages the cursor
left behind. It also remembers the row just before the window (`predecessor`, fetched with the
page as one extra row): what tells the dashboard whether the window's first row starts a day
(its header), and where a refresh re-reads from. `WindowTable` is the table side: before the
cursor moves past an edge of the window it asks its screen for more rows
(`WindowOwner.reach`), and after a refill it puts the cursor back on its row at the same
height on screen. docs/architecture.md, « Fenêtre de lignes ».
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar, cast

from clerc_tui.widgets.row_table import RowTable

Row = TypeVar("Row")

# How many pages a window keeps (beyond the screenful in view): enough to walk back a little
# without a query, small enough to stay a few hundred rows.
WINDOW_PAGES = 3


class RowWindow(Generic[Row]):
    """Rows `rows` of a keyset-ordered result, in display order, never more than a few pages."""

    def __init__(self, fetch: Callable[..., list[Row]], page_size: int, pages: int = WINDOW_PAGES) -> None:
        self.fetch = fetch
        self.page_size = page_size
        self.pages = pages
        self.rows: list[Row] = []
        self.predecessor: Row | None = None  # the row just before the window; None: it starts the result
        self.has_after = False  # rows follow the window

    @property
    def capacity(self) -> int:
        return self.page_size * self.pages

    @property
    def has_before(self) -> bool:
        return self.predecessor is not None

    # --- loading ----------------------------------------------------------------------

    def first(self, at_least: int = 0) -> None:
        """The first page of the result (`at_least` rows: a screenful, when pages are smaller)."""
        size = max(self.page_size, at_least)
        self._take_forward(self.fetch(size + 1), None, size)

    def last(self, at_least: int = 0) -> None:
        """The last page of the result (`at_least` rows: a screenful, when pages are smaller)."""
        self._take_backward(self.fetch(max(self.page_size, at_least) + 1, last=True), max(self.page_size, at_least))
        self.has_after = False

    def start_at(self, rows: list[Row], size: int) -> None:
        """A page fetched from elsewhere (`size` + 1 rows asked: the extra one says more follow);
        the row before it is looked up."""
        before = self.fetch(1, before=rows[0]) if rows else []
        self._take_forward(rows, before[0] if before else None, size)

    def refresh(self) -> None:
        """Read the window again from its first key (another clerc wrote): as many rows as it holds."""
        size = max(len(self.rows), self.page_size)
        if self.predecessor is None:
            rows = self.fetch(size + 1)
        else:
            rows = self.fetch(size + 1, after=self.predecessor)
            if not rows:  # everything from the window on is gone: the end of what is left
                self.last()
                return
        self._take_forward(rows, self.predecessor, size)

    def _take_forward(self, rows: list[Row], predecessor: Row | None, size: int) -> None:
        self.has_after = len(rows) > size
        self.rows = rows[:size]
        self.predecessor = predecessor

    def _take_backward(self, rows: list[Row], size: int) -> list[Row]:
        """`rows`: size + 1 rows asked backwards; the extra first one is the predecessor."""
        if len(rows) > size:
            self.predecessor, rows = rows[0], rows[1:]
        else:
            self.predecessor = None
        self.rows = rows
        return rows

    # --- moving -----------------------------------------------------------------------

    def forward(self) -> int:
        """Append the next page; how many rows came."""
        if not self.has_after or not self.rows:
            return 0
        page = self.fetch(self.page_size + 1, after=self.rows[-1])
        self.has_after = len(page) > self.page_size
        page = page[: self.page_size]
        self.rows += page
        return len(page)

    def backward(self) -> int:
        """Prepend the previous page; how many rows came."""
        if self.predecessor is None or not self.rows:
            return 0
        held = self.rows
        page = self._take_backward(self.fetch(self.page_size + 1, before=held[0]), self.page_size)
        self.rows = page + held
        return len(page)

    def trim_front(self, keep_from: int) -> int:
        """Over capacity: drop rows from the start, never row `keep_from` nor any after it."""
        drop = min(len(self.rows) - self.capacity, keep_from)
        if drop <= 0:
            return 0
        self.predecessor = self.rows[drop - 1]
        del self.rows[:drop]
        return drop

    def trim_back(self, keep_to: int) -> int:
        """Over capacity: drop rows from the end, never row `keep_to` nor any before it."""
        keep = max(self.capacity, keep_to + 1)
        drop = len(self.rows) - keep
        if drop <= 0:
            return 0
        del self.rows[keep:]
        self.has_after = True
        return drop


class WindowOwner(Protocol):
    def reach(self, target: int) -> None:
        """Make table row `target` (maybe past either end) exist if the result has it, refilling the
        table (cursor and view kept on the same rows) when the window moved."""


class WindowTable(RowTable):
    """A RowTable over a RowWindow: j/k, PageDown/PageUp first ask the screen for the rows they reach."""

    @property
    def _owner(self) -> WindowOwner:
        return cast(WindowOwner, self.screen)

    @property
    def top_row(self) -> int:
        """The index of the first row in view."""
        return self._top

    @property
    def page_rows(self) -> int:
        """How many rows a screenful shows (what PageDown moves by)."""
        return self._visible_rows

    def place(self, cursor: int, offset: int) -> None:
        """After a refill: the cursor on row `cursor`, `offset` rows below the top of the view."""
        self.move_cursor(row=cursor, scroll=False)
        self.scroll_to(y=max(cursor - offset, 0), animate=False)

    def action_cursor_down(self) -> None:
        self._owner.reach(self.cursor_row + 1)
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._owner.reach(self.cursor_row - 1)
        super().action_cursor_up()

    def action_page_down(self) -> None:
        self._owner.reach(self.cursor_row + self.page_rows)
        super().action_page_down()

    def action_page_up(self) -> None:
        self._owner.reach(self.cursor_row - self.page_rows)
        super().action_page_up()
