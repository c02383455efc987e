"""TintedScreen: the screen below a dialog dimmed exactly as Textual dims it, each style's tint
computed once."""

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.containers import Vertical
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from clerc_tui.screens.base import ClercModal
from clerc_tui.widgets.tinted import TintedScreen

SEGMENTS = [
    Segment("plain", None),
    Segment("bold red on blue", Style.parse("bold red on blue")),
    Segment("link", Style(color="green", link="https://example.org")),
    Segment("offsets", Style.from_meta({"offset": (3, 4)}) + Style(bgcolor="#202020")),
    Segment("offsets again", Style.from_meta({"offset": (5, 4)}) + Style(bgcolor="#202020")),
    Segment("\x1b[2J", None, [(1,)]),  # a control segment, passed as it is
    Segment("colour only", Style(color="#ff8800")),
]


@pytest.mark.parametrize("color", [Color(0, 0, 0, 0.6), Color(10, 20, 30, 0.3), Color(0, 0, 0, 0)])
def test_the_segments_are_those_textual_gives(color):
    expected = list(BackgroundScreen.process_segments(SEGMENTS, color))
    for _ in range(2):  # computed, then from what was kept
        assert list(TintedScreen.process_segments(SEGMENTS, color)) == expected


class Question(ModalScreen):
    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Abandonner la saisie ?")


class ClercQuestion(ClercModal):
    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Abandonner la saisie ?")


class Below(App):
    CSS = ".dialog { width: 30; height: 5; border: tall $accent; background: $panel; }"

    def compose(self):
        yield Static("[b]Un écran[/b] [red]coloré[/red] [@click=app.bell]lien[/]")
        yield Input("une saisie")


async def _screenshot(dialog) -> str:
    app = Below()
    async with app.run_test(size=(60, 12)) as pilot:
        app.push_screen(dialog)
        await pilot.pause()
        return app.export_screenshot()


async def test_a_dialog_shows_the_screen_below_as_textual_dims_it():
    assert await _screenshot(ClercQuestion()) == await _screenshot(Question())
