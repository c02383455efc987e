"""Showing user data on screen without letting the terminal obey it.

`inert_renderable(renderable)` gives back what to show: a `Text` with every control or bidi
character replaced by a visible placeholder (same length: the styles stay put), any other
Rich renderable (Table, Group…) wrapped so that the text of each segment it renders goes
through `rules.text.inert`. An ESC, a C1 control or a bidi override left in old data is drawn
as « ␛ » or « � » instead of reaching the terminal. Markup is a separate matter: user data
is put in `rich.text.Text`, never parsed; Rich's Text keeps ESC, hence this.
"""

from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from clerc_tui.rules.text import inert, is_inert


class _InertRenderable:
    def __init__(self, renderable):
        self.renderable = renderable

    def __rich_console__(self, console, options):
        for segment in console.render(self.renderable, options):
            if segment.control or is_inert(segment.text):
                yield segment
            else:
                yield Segment(inert(segment.text), segment.style)

    def __rich_measure__(self, console, options):
        return Measurement.get(console, options, self.renderable)


def inert_renderable(renderable):
    if isinstance(renderable, str):
        return Text(inert(renderable))
    if isinstance(renderable, Text):
        if is_inert(renderable.plain):
            return renderable
        text = renderable.copy()
        text.plain = inert(text.plain)
        return text
    return _InertRenderable(renderable)
