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
