"""Charts in the terminal, with no plotting stack: horizontal bars drawn in block characters
(eighths of a cell), Textual's `Sparkline` for a trend, and a small table of counts with a
level glyph. Every bar has its value written beside it and every series its title: neither
colour nor length is the only carrier of meaning (a monochrome terminal, a screen reader,
a clerc who prints the screen read the same figures). A series with no data says so in words
(« Aucun encaissement sur la période »). Labels come from the base: drawn as plain `Text`
made inert, never parsed as markup.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Sparkline

from clerc_tui.report import blocks
from clerc_tui.rules.french import format_date, format_integer
from clerc_tui.rules.text import inert

LEVELS = " ▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def clip(text: str, width: int) -> str:
    """`text` cut to `width` cells with « … » when longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def bar_text(value: Decimal, largest: Decimal, width: int) -> str:
    """A bar of `width` cells at most for `value` (eighths of a cell), empty for zero."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, int(value * width * 8 / largest))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


class BarChart(Widget):
    """A `blocks.BarChart` (the block the PDF prints too) as one line per bar: label, bar,
    value. Fits the width it is given."""

    def __init__(self, series: blocks.BarChart | None = None, *, max_label: int = 24, **kwargs) -> None:
        super().__init__(**kwargs)
        self.series = series
        self.max_label = max_label

    def show(self, series: blocks.BarChart) -> None:
        self.series = series
        self.refresh(layout=True)

    def get_content_height(self, _container, _viewport, _width: int) -> int:
        if self.series is None:
            return 1
        return 1 + (len(self.series.bars) if self.series.has_data else 1)

    def render(self) -> RenderableType:
        series = self.series
        if series is None:
            return Text("")
        width = max(self.size.width, 20)
        out = Text(clip(inert(series.title, multiline=False), width), style="bold")
        if not series.has_data:
            out.append("\n" + series.empty, style="italic")
            return out
        labels = [clip(inert(b.label, multiline=False), self.max_label) for b in series.bars]
        label_width = max(len(x) for x in labels)
        text_width = max(len(b.text) for b in series.bars)
        room = max(width - label_width - text_width - 3, 3)
        largest = max(b.value for b in series.bars)
        for label, bar in zip(labels, series.bars, strict=True):
            out.append("\n" + label.ljust(label_width) + " ")
            out.append(bar_text(bar.value, largest, room).ljust(room), style="bold")
            out.append(" " + bar.text.rjust(text_width))
        return out


class MonthTrend(Widget):
    """A Sparkline of the months' values with its first, middle and last month named below,
    and the largest month written out: the trend at a glance, the bars beside it for figures."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.series: blocks.BarChart | None = None

    def compose(self):
        yield Sparkline([], id="trend-line")
        yield TrendAxis(id="trend-axis")

    def show(self, series: blocks.BarChart) -> None:
        self.series = series
        self.query_one(Sparkline).data = [float(b.value) for b in series.bars] if series.has_data else []
        self.query_one(TrendAxis).series = series
        self.query_one(TrendAxis).refresh()


class TrendAxis(Widget):
    series: blocks.BarChart | None = None

    def render(self) -> RenderableType:
        series = self.series
        if series is None or not series.bars:
            return Text("")
        if not series.has_data:
            return Text(series.empty, style="italic")
        width = max(self.size.width, 20)
        first, last = series.bars[0].label, series.bars[-1].label
        top = max(series.bars, key=lambda b: b.value)
        axis = first + " " * max(width - len(first) - len(last), 1) + last
        return Text(axis[:width] + f"\nMois le plus fort : {top.label}, {top.text}")


def level(count: int, largest: int) -> str:
    """A glyph from « ▁ » to « █ » for `count` among counts up to `largest` (blank for 0)."""
    if count <= 0 or largest <= 0:
        return " "
    return LEVELS[max(1, round(count * 8 / largest))]


class DeadlineWeeks(Widget):
    """Open deadlines per clerc: overdue apart, then one column per week (its Monday…
    its first day, « 07/12 »), each cell the count and a level glyph."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.load = None

    def show(self, load) -> None:
        self.load = load
        self.refresh(layout=True)

    def get_content_height(self, _container, _viewport, _width: int) -> int:
        return 4 + (len(self.load.clercs) if self.load is not None else 0)

    def render(self) -> RenderableType:
        load = self.load
        if load is None:
            return Text("")
        if not load.clercs:
            return Text("Aucune échéance ouverte.", style="italic")
        narrow = self.size.width < 100  # 80 columns: no level glyph, shorter names
        table = Table(box=None, pad_edge=False, padding=(0, 1), expand=False)
        table.add_column("Clerc", max_width=12 if narrow else 24, no_wrap=True, overflow="ellipsis")
        table.add_column("Retard", justify="right", no_wrap=True)
        for start in load.week_starts:
            table.add_column(format_date(start)[:5], justify="right", no_wrap=True)
        largest = max((n for c in load.clercs for n in c.weeks), default=0)
        for c in load.clercs:
            table.add_row(
                Text(inert(c.clerc, multiline=False)),
                Text(format_integer(c.overdue), style="bold" if c.overdue else ""),
                *(Text(("" if narrow else level(n, largest)) + format_integer(n)) for n in c.weeks),
            )
        totals = [sum(c.weeks[i] for c in load.clercs) for i in range(len(load.week_starts))]
        table.add_row(
            Text("Total", style="bold"),
            Text(format_integer(sum(c.overdue for c in load.clercs)), style="bold"),
            *(Text(format_integer(n), style="bold") for n in totals),
        )
        note = Text(
            "Semaine 1 : aujourd'hui et les six jours suivants ; colonnes : premier jour de chaque semaine. "
            "Retard : jour passé (délais d'attente écoulés exclus).",
            style="italic",
        )
        return Group(table, note)
