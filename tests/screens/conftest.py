import pytest

from clerc_tui.app import ClercApp
from tests.conftest import TODAY


@pytest.fixture
def make_app(actor):
    def build(**kwargs):
        # The dossier screens' tests start on the list; the dashboard's pass start="agenda".
        kwargs.setdefault("start", "dossiers")
        return ClercApp(actor, today=TODAY, **kwargs)

    return build


async def settle(app, pilot) -> None:
    """Let the screen's thread workers (reversements) finish and their results be drawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()
