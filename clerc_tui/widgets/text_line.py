"""Status and filter lines that repaint only when what they say changes.

`Static.update` repaints (and re-lays out) the widget even when the text is the same: on the
dashboard the status line was written twice per page, over SSH (issue 12). `show_text` keeps
the line as it is when the text is unchanged, and skips the layout pass when the line's height
is fixed in the styles (its size cannot change with the text).
"""

from rich.text import Text
from textual.widgets import Static


def show_text(widget: Static, text: Text) -> None:
    if widget.content == text:
        return
    height = widget.styles.height
    widget.update(text, layout=height is None or not height.is_cells)
