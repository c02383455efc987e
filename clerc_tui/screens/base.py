"""The bases of clerc's screens: for the type checker, their `self.app` is the `ClercApp`
(its `today`, `actor`, `show_error`), not Textual's bare `App`.

Typing only: `app.py` is not imported at run time (start-up is measured, and app.py imports
the screens lazily itself); at run time `self.app` stays Textual's own property. A widget
that reaches the app declares the same line in its own class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

from clerc_tui.widgets.tinted import tinted

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual import getters

    from clerc_tui.app import ClercApp

ResultT = TypeVar("ResultT")


class ClercScreen(Screen[ResultT]):
    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    def back_to_refreshed(self) -> None:
        """Back to the screen below, which reads again what this one recorded (its refresh_data)."""
        self.app.pop_screen()
        refresh = getattr(self.app.screen, "refresh_data", None)
        if refresh is not None:
            refresh()


class ClercModal(ModalScreen[ResultT]):
    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    def render(self) -> RenderableType:
        """The screen below, dimmed as Textual dims it, each style's tint computed once
        (widgets/tinted.py)."""
        return tinted(super().render())
