"""Lines and small blocks of text that repaint only when what they say changes, and lay the
screen out only when their size changes.

`Static.update` repaints the widget and lays the whole screen out again, even when the text is
the same or takes as many lines as before: on the dashboard the status line was written twice
per page, over SSH (issue 12), and a preview or a hint rewritten at each key typed laid out every
widget of the form (~30 ms on the dossier form). `show_text` keeps the widget as it is when the
content is unchanged; otherwise it repaints it, and lays the screen out only when the widget's
size may follow its content: a width that is `auto`, or a height that is `auto` and whose
content now takes another number of lines at the widget's width.
"""

from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


def _same(shown: object, content: VisualType) -> bool:
    """Would draw the same. Rich's `Text.__eq__` compares the characters and the spans only: the
    same words in another style (« bold red » then « dim ») are another drawing."""
    if isinstance(shown, Text) and isinstance(content, Text):
        return shown == content and all(
            getattr(shown, name) == getattr(content, name)
            for name in ("style", "justify", "overflow", "no_wrap", "end", "tab_size")
        )
    return type(shown) is type(content) and shown == content


def show_text(widget: Static, content: VisualType) -> None:
    if _same(widget.content, content):
        return
    styles = widget.styles
    height, width = styles.height, styles.width
    if height is not None and height.is_cells and not (width is not None and width.is_auto):
        widget.update(content, layout=False)  # a fixed size: the content cannot change it
        return
    columns = widget.content_size.width
    if (width is not None and width.is_auto) or not columns or not widget.display:
        widget.update(content)  # not drawn yet, or as wide as its text: Textual's way
        return
    container, viewport = widget.container_size, widget.app.size
    lines = widget.get_content_height(container, viewport, columns)
    widget.update(content, layout=False)
    if widget.get_content_height(container, viewport, columns) != lines:
        widget.refresh(layout=True)
