"""The bases of clerc's screens: for the type checker, their `self.app` is the `ClercApp`
(its `today`, `actor`, `show_error`), not Textual's bare `App`.

Typing only: `app.py` is not imported at run time (start-up is measured, and app.py imports
the screens lazily itself); at run time `self.app` stays Textual's own property. A widget
that reaches the app declares the same line in its own class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.screen import ModalScreen, Screen

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

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()  # laid out at that size already: Screen's handler is skipped


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
