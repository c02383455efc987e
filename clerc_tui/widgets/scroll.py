"""A vertical scroll whose scroll bar is presumed shown from its first layout.

Textual lays a scrolling container out before it knows whether its content overflows; when it
does, the scroll bar appears, which narrows the content and lays the whole screen out again,
twice (the new widths, then the scroll bar's own change): on the dossier form (~200 widgets),
~100 ms of the ~450 it takes to open. A container whose content overflows at every usual
size starts with its bar shown: the first layout is the last. Were the content to fit (a very
tall terminal), Textual hides the bar and lays the screen out again, as it always did."""

from textual.containers import VerticalScroll
from textual.widget import Widget


class Scrolled(VerticalScroll):
    def on_mount(self) -> None:
        self.set_reactive(Widget.show_vertical_scrollbar, True)
        self.vertical_scrollbar.display = True
