"""The screens' title line: Textual's `Header`, whose title is written without laying the screen
out again.

Textual's `Header` writes its title with `Static.update`, which lays out the whole screen: four
times as a screen opens (it watches the app's and the screen's title and sub-title, each watch
writing the title once when it is set up), after the screen's first layout. The title line's size
never follows its text (the whole width, one line: `text-wrap: nowrap`, cut with an ellipsis), so
here it is repainted only."""

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class _Title(HeaderTitle):
    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=layout)


class TitleBar(Header):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield _Title() if type(widget) is HeaderTitle else widget
