import time

import pytest

from clerc_tui.app import ClercApp
from tests.conftest import TODAY
from tests.screens import painting, quiet


def pytest_configure(config):
    config.addinivalue_line("markers", painting.MARKER_HELP)


@pytest.fixture(autouse=True)
def _quiet_pilot(request, monkeypatch):
    """Every screen test: Pilot waits for the app to have handled each key, not for the clock; the
    screen is painted when the test is done with it, not at every frame, unless the test is marked
    `paints` (tests/screens/painting.py)."""
    quiet.install(monkeypatch)
    if request.node.get_closest_marker(painting.MARKER) is None:
        painting.install(monkeypatch)


@pytest.fixture
def make_app(actor):
    def build(**kwargs):
        # The dossier screens' tests start on the list; the dashboard's pass start="agenda".
        kwargs.setdefault("start", "dossiers")
        return ClercApp(actor, today=TODAY, **kwargs)

    return build


async def settle(app, pilot) -> None:
    """Let the screen's thread workers (reversements) finish and their results be drawn, and the
    workers these results start (a run done, the screen reloads what is due on another)."""
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return


async def wait_until(pilot, condition, timeout: float = 10) -> None:
    """Until `condition()` holds (or `timeout` seconds passed: the assertion after says what is
    wrong), for what a thread worker does while the test waits: `pilot.pause()` returns when the
    app is quiet, and, a worker running, when the process looks idle (tests/screens/quiet.py)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await pilot.pause()


async def fill(pilot, field, text: str) -> None:
    """Put `text` in an Input as typing would leave it (focused, cursor at the end), in one step.

    For tests whose subject is what happens with the text, not the typing itself: Textual's
    pilot waits for the app to be idle after each key (60–100 ms), so typing a reference key by
    key costs a second. Tests about typing (letters that must reach the field, a key refused as
    it is typed) press the keys."""
    field.focus()
    await pilot.pause()  # the focus first: an Input selects its text when it gets the focus
    field.value = text
    field.cursor_position = len(text)
    await pilot.pause()
