"""The screen tests' frames (tests/screens/painting.py): a frame is painted when it shows a class
not painted yet in the process, and the last one when the test is done; a widget that cannot draw
itself still fails the test that first shows it, even when no later frame shows it."""

import pytest
from textual._compositor import Compositor
from textual.app import App
from textual.widgets import Label, Static

from tests.screens import painting


class Undrawable(Exception):
    pass


class Broken(Static):
    """Measured and laid out as any Static; fails only when painted."""

    def render_lines(self, crop):
        raise Undrawable("ce widget ne sait pas se dessiner")


class Other(Static):
    pass


class ShowsApp(App):
    def __init__(self, kind: type[Static]):
        super().__init__()
        self.kind = kind

    def compose(self):
        yield Label("un écran")

    async def key_s(self) -> None:  # shows a widget of the kind, then takes it away
        await self.mount(self.kind("un widget", id="shown"))

    async def key_h(self) -> None:
        await self.query_one("#shown").remove()


@pytest.fixture
def paints(monkeypatch) -> list[bool]:
    """The frames painted from now on (True: a whole one), and a process that painted nothing yet."""
    monkeypatch.setattr(painting.Painted, "classes", set())
    frames: list[bool] = []
    render_update = Compositor.render_update

    def recording(self, full=False, screen_stack=None, simplify=False):
        frames.append(full)
        return render_update(self, full, screen_stack, simplify)

    monkeypatch.setattr(Compositor, "render_update", recording)
    return frames


async def test_a_frame_is_painted_when_it_shows_a_class_not_painted_yet_and_the_last_one(paints):
    app = ShowsApp(Other)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert paints == [True]  # the first frame: the screen, its label
        await pilot.press("s")
        assert paints == [True, True] and Other in painting.Painted.classes  # a class not painted yet
        await pilot.press("h", "s", "h")
        assert paints == [True, True]  # nothing new: laid out, not painted
        assert not app.query("#shown")
    assert paints == [True, True, True]  # the last frame, when the test is done with the app


async def test_a_widget_that_cannot_draw_itself_fails_the_test_that_first_shows_it(paints):
    app = ShowsApp(Broken)
    with pytest.raises(Undrawable):
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.press("s", "h")  # shown, then gone: only the frame that showed it draws it
    assert Broken not in painting.Painted.classes


@pytest.mark.paints
async def test_a_test_marked_paints_paints_every_frame(paints):
    app = ShowsApp(Other)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("s", "h", "s", "h")
        assert len(paints) >= 5
