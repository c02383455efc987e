"""The bases of clerc's screens: for the type checker, their `self.app` is the `ClercApp`
(its `today`, `actor`, `show_error`), not Textual's bare `App`.

Typing only: `app.py` is not imported at run time (start-up is measured, and app.py imports
the screens lazily itself); at run time `self.app` stays Textual's own property. A widget
that reaches the app declares the same line in its own class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events, messages
from textual._time import get_time
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from clerc_tui.widgets.tinted import tinted

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual import getters

    from clerc_tui.app import ClercApp

ResultT = TypeVar("ResultT")


class _LaidOutOnce(Screen[ResultT]):
    """A screen opened is styled and laid out once, not three or four times.

    Textual 8.2.8, on each screen pushed: its first `ScreenResume` restyles the whole screen,
    though every widget was styled when it was mounted (and is again when its classes, focus or
    place change); the first layout then sends the screen a `Resize` of the size it was just laid
    out at, which lays it out again, and lays out every screen below it too (hidden, their size
    unchanged). On the dossier form (~210 widgets) that was 206 widgets restyled and two of its four
    layouts, a third of the CPU of opening it; at start, the first screen was laid out five times.
    A screen whose size did change (the terminal resized) is laid out as before, and so are the
    screens below it; what changes afterwards asks for its own layout as always (`refresh`)."""

    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler (the MRO is walked from the class down).
        if self._resumed:
            return
        self._resumed = True
        if event.refresh_styles:
            event.refresh_styles = False
            # The screen itself only: styled when pushed, before its CSS_PATH was read.
            self.app.stylesheet.update_nodes([self])
        if any(not child._mounted_event.is_set() for child in self._nodes):
            # Its widgets are still being mounted: Textual lays the screen out once they all are
            # (`AwaitMount`), so Screen's handler does not lay it out before (its size is the app's).
            self._size = self.app.size

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()  # laid out at that size already: Screen's handler is skipped

    _laid_out_at = float("-inf")  # when the last layout of the whole screen started

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        """Textual's layout, which also meets the requests made before it that it has not heard of.

        A widget that asks for a layout (`refresh(layout=True)`: mounted, its text changed) tells
        the screen later, with a `Layout` message sent when the widget is next idle, and clears its
        ancestors' cached arrangements then. A layout done meanwhile (the one a screen opened gets
        as it is resumed, the update timer's) met those requests, yet each message, pending or
        on its way, laid the whole screen out again: the dossier form was laid out three times as
        it opened. Here the pending requests are handled as their message would (ancestors'
        arrangements cleared) just before the layout, and a message sent before it is dropped."""
        started = get_time()
        whole = not (scroll and not self._layout_widgets) and bool(size or self.outer_size)
        if not whole:
            super()._refresh_layout(size, scroll)
            return
        widgets = _laid_out(self)
        for widget in widgets:
            if widget._layout_required:
                widget._layout_required = False
                _forget_arrangements(widget)
        bars = [(widget.show_vertical_scrollbar, widget.show_horizontal_scrollbar) for widget in widgets]
        super()._refresh_layout(size, scroll)
        self._laid_out_at = started
        # A widget given its size by this layout asks for another one (its virtual size is a
        # reactive that lays out): met already, unless a scroll bar came or went, which changes
        # the room left to the content. So does the screen's own, as Textual's update timer has it.
        self._layout_required = False
        for widget, bar in zip(widgets, bars, strict=True):
            if widget._layout_required and bar == (widget.show_vertical_scrollbar, widget.show_horizontal_scrollbar):
                widget._layout_required = False

    async def _on_layout(self, message: messages.Layout) -> None:
        if message.time < self._laid_out_at:
            message.stop()
            message.prevent_default()  # Screen's handler is skipped: met by that layout


def _laid_out(screen: Screen) -> list[Widget]:
    """The screen's widgets and their scroll bars (which are not its children)."""
    widgets = []
    for widget in screen.walk_children(Widget):
        widgets.append(widget)
        for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar, widget._scrollbar_corner):
            if bar is not None:
                widgets.append(bar)
    return widgets


def _forget_arrangements(widget: Widget) -> None:
    """What Textual does as a widget's layout request is sent (`Widget._check_refresh`)."""
    for ancestor in widget.ancestors:
        if not isinstance(ancestor, Widget):
            break
        ancestor._clear_arrangement_cache()
        ancestor._layout_updates += 1
        if not ancestor.styles.auto_dimensions:
            break


class ClercScreen(_LaidOutOnce[ResultT]):
    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    def back_to_refreshed(self) -> None:
        """Back to the screen below, which reads again what this one recorded (its refresh_data)."""
        self.app.pop_screen()
        refresh = getattr(self.app.screen, "refresh_data", None)
        if refresh is not None:
            refresh()


# ModalScreen first: Textual reads a class's CSS (DEFAULT_CSS, type names) along the FIRST base
# of each class only (DOMNode._css_bases); after _LaidOutOnce, ModalScreen's translucent
# background was lost and a dialog hid the screen below instead of dimming it.
class ClercModal(ModalScreen[ResultT], _LaidOutOnce[ResultT]):
    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    def render(self) -> RenderableType:
        """The screen below, dimmed as Textual dims it, each style's tint computed once
        (widgets/tinted.py)."""
        return tinted(super().render())
