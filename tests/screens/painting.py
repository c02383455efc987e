"""Frames nobody reads: a screen test's app paints a frame when it shows a kind of widget or screen
not painted yet in the test process, and its last frame, not every frame.

After each change Textual lays the screen out, then paints it (`Screen._compositor_refresh`: each
visible widget whose lines changed renders them, the compositor cuts and joins them into an update
for the terminal). Under `run_test` the driver is headless and `App._display` throws that update
away: nobody reads it. Those frames were ~30 % of the CPU of tests/screens and tests/widgets
(`Compositor.render_update`: 24 s of 81 s, 514 first paints, 1,093 full and 2,153 partial ones).
What a test reads of the screen it renders itself when it reads it (`_compositor.render_strips()`,
a widget's `render_line` or `render()`, `export_screenshot()`), and what it reads of the app —
sizes and regions, what is shown or hidden, scrolling, focus, messages, the widgets' state — is
laid out and handled frame by frame as before: only the painting goes.

In tests/screens and tests/widgets (their conftest.py), for the current screen of a headless app:

- every frame is laid out; a frame is painted whole when it shows a class of widget or screen
  (clerc's or Textual's) that no frame painted yet in this test process: every class a test
  shows is drawn at least once, as before, by the first test of the process that shows it;
- other frames are not painted; what Textual does after a paint besides painting still runs (the
  dirty regions dropped, the mouse-over check, the refresh's callbacks);
- when a test leaves `run_test` without an error and its app still runs, its screen is painted
  whole, the screens a dialog dims below it included: a widget that cannot draw what the test
  left on the screen fails the test, as a frame would have;
- a test about what is painted at each frame (the lines a key repaints, the bytes written, a cache
  of drawn lines, a paint that comes before a resize) is marked `@pytest.mark.paints`: its app is
  painted at every frame, as in a terminal. Mark a new test so when its subject is a paint.

What this leaves out: a class already drawn once in the process that fails to draw another state,
one that exists only between two steps of a test and not at its end
(tests/screens/test_painting.py shows each of the rules above)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

MARKER = "paints"
MARKER_HELP = "paints: the app paints its screen at every frame, as in a terminal (tests/screens/painting.py)"

_compositor_refresh = Screen._compositor_refresh
_run_test = App.run_test


def paint(app: App[Any]) -> set[type[Widget]]:
    """Paint the app's current screen whole (with the screens it dims), as a first frame is; the
    classes of the widgets it drew."""
    screen = app.screen
    compositor = screen._compositor
    compositor.render_update(full=True, screen_stack=app._background_screens)
    return {type(widget) for widget in compositor.visible_widgets}


class Painted:
    """The classes of the widgets and screens a frame painted so far in this test process."""

    classes: set[type[Widget]] = set()


def _unpainted(self: Screen[Any]) -> None:
    """`Screen._compositor_refresh`, the current screen of a headless app painted only when it
    shows a class no frame painted yet."""
    app = self.app
    if self is not app.screen or app.is_inline or not app.is_headless:
        _compositor_refresh(self)  # a screen below a dialog: its changes are the dialog's to paint
        return
    shown = {type(widget) for widget in self._compositor.visible_widgets}
    if not shown <= Painted.classes:
        Painted.classes |= paint(app)
    self._compositor._dirty_regions.clear()  # as render_update leaves them
    self._dirty_widgets.clear()
    app._update_mouse_over(self)


@contextlib.asynccontextmanager
async def _run_test_painted_at_the_end(self: App[Any], *args: Any, **kwargs: Any) -> AsyncIterator[Pilot[Any]]:
    async with _run_test(self, *args, **kwargs) as pilot:
        yield pilot
        # Reached only when the test's body ended without an error.
        if self.is_running and not self._exit:
            await pilot.pause()  # what the last step asked for, laid out
            Painted.classes |= paint(self)


def install(monkeypatch) -> None:
    """Frames painted only for a class not painted yet, and the last one, for the calling test."""
    monkeypatch.setattr(Screen, "_compositor_refresh", _unpainted)
    monkeypatch.setattr(App, "run_test", _run_test_painted_at_the_end)
