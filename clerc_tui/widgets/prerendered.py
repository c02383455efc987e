"""A long Rich document (a décompte: a few hundred lines of tables) rendered once per width.

Textual renders the content of a Static whenever it measures its height and again whenever it
draws it: a layout (the tab shown, the screen resized, a sibling changed) redid the whole Rich
layout of every table, ~150 ms each time for the décompte of a 10-year dossier. `Prerendered`
keeps the lines Rich made for the last width and gives them back as they are; a new document is
a new `Prerendered` (the caller builds one per content).
"""

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class Prerendered:
    def __init__(self, renderable: RenderableType):
        self.renderable = renderable
        self.renders = 0  # how many times Rich laid the document out (tests count them)
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self._lines.get(options.max_width)
        if lines is None:
            lines = console.render_lines(self.renderable, options.update(height=None), pad=False)
            if len(self._lines) >= 2:  # two widths: with and without a scroll bar
                self._lines.clear()
            self._lines[options.max_width] = lines
            self.renders += 1
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)
