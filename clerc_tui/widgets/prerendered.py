"""A long Rich document (a décompte: a few hundred lines of tables), laid out once per width.

Textual renders the content of a Static whenever it measures its height and again whenever it
draws it: a layout (the tab shown, the screen resized, a sibling changed) redid the whole Rich
layout of every table, ~150 ms each time for the décompte of a 10-year dossier, and cut the
whole document into lines for each frame. `Prerendered` keeps the lines Rich made for the last
widths; `DocumentView` shows one and draws only the lines in sight (Textual's line API, as its
Log does). A document that is a Group is laid out part by part, and a part line by line as
Rich makes them (a table row by row, once its column widths are measured): the view lays out
what fills the screen, paints, then lays out the rest (most of the interest table and the
payments table of a long dossier are below the first screen). The lines are the ones Rich's
`render_lines` gives, cut at the same places. A new document is a new `Prerendered` (the caller
builds one per content).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class _Layout:
    """The lines of the first `done` parts at one width, and those of part `done` so far."""

    def __init__(self) -> None:
        self.lines: list[list[Segment]] = []
        self.done = 0
        self.pending: Iterator[list[Segment]] | None = None  # the rest of part `done`'s lines


class Prerendered:
    def __init__(self, renderable: RenderableType):
        self.renderable = renderable
        self.parts: list[RenderableType] = (
            list(renderable.renderables) if isinstance(renderable, Group) else [renderable]
        )
        self.renders = 0  # how many times Rich laid the whole document out (tests count them)
        self._layouts: dict[int, _Layout] = {}

    def lines(self, console: Console, options: ConsoleOptions, at_least: int | None = None) -> list[list[Segment]]:
        """The document's lines at `options.max_width`: all of them, or (`at_least`) that many
        (fewer only if the document is shorter). What is laid out once is kept."""
        width = options.max_width
        layout = self._layouts.get(width)
        if layout is None:
            if len(self._layouts) >= 2:  # two widths: with and without a scroll bar
                self._layouts.clear()
            layout = self._layouts[width] = _Layout()
        options = options.update(height=None)
        lines = layout.lines
        while layout.done < len(self.parts) and (at_least is None or len(lines) < at_least):
            pending = layout.pending
            if pending is None:  # as Console.render_lines(part, options, pad=False), line by line
                segments = console.render(self.parts[layout.done], options)
                cut = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
                pending = layout.pending = iter(cut)
            if at_least is None:
                lines.extend(pending)
            else:
                lines.extend(islice(pending, at_least - len(lines)))
                if len(lines) >= at_least:  # enough (the part may end here: the next call sees it)
                    break
            layout.pending = None
            layout.done += 1
            if layout.done == len(self.parts):
                self.renders += 1
        return lines

    def complete(self, width: int) -> bool:
        layout = self._layouts.get(width)
        return layout is not None and layout.done == len(self.parts)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for line in self.lines(console, options):
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class DocumentView(ScrollView, can_focus=True):
    """A scrolling view of one document (arrows, Page↑/↓, Début/Fin scroll it)."""

    def __init__(self, *, id: str | None = None):  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.content: RenderableType = ""  # what update() was given (tests read it)
        self._document: Prerendered | None = None
        self._lines: list[list[Segment]] = []  # the document's lines laid out so far at `_width`
        # Made as the lines are drawn: a Strip is 8 objects for the garbage collector to walk,
        # and most of a décompte's 400-odd lines are never scrolled to.
        self._strips: dict[int, Strip] = {}
        self._width = 0
        self._complete = False
        self._frame_style: Style | None = None  # the widget's style while one frame is drawn

    def update(self, renderable: RenderableType) -> None:
        self.content = renderable
        self._document = renderable if isinstance(renderable, Prerendered) else Prerendered(renderable)
        # Laid out at the next draw, at the view's width; the scroll position is kept (a
        # colleague's commit redraws the décompte the clerc is reading where it was).
        self._width, self._complete = 0, False
        self.refresh()

    def _layout(self, at_least: int | None) -> None:
        width = self.scrollable_content_region.width
        if self._document is None or width <= 0:
            return
        if width == self._width and (self._complete or (at_least is not None and len(self._lines) >= at_least)):
            return
        if width != self._width:
            self._strips = {}
        options = self.app.console_options.update_width(width).update(highlight=False)
        self._lines = self._document.lines(self.app.console, options, at_least)
        self._width = width
        self._complete = self._document.complete(width)
        self.virtual_size = Size(width, len(self._lines) + (0 if self._complete else 1))
        if not self._complete:
            self.call_after_refresh(self._finish)

    def on_unmount(self) -> None:
        """The screen is closed: its few hundred lines go now, freed by their counts, instead of
        being walked by the next full pass of the garbage collector with the screen's widgets."""
        self._document, self._lines, self._strips = None, [], {}
        self.content = ""

    def _finish(self) -> None:
        """The rest of the document, once what is in sight has been painted."""
        if not self._complete:
            self._layout(None)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style once per frame, not once per line: `rich_style` walks every
        # ancestor's styles (~0.05 ms), and a frame of the décompte is ~35 lines.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        self._layout(scroll_y + self.size.height)
        style = self.rich_style if self._frame_style is None else self._frame_style
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, style)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = Strip(self._lines[index])
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_style(style)
