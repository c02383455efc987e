import pytest

from clerc_tui.app import ClercApp
from tests.conftest import TODAY


@pytest.fixture
def make_app(actor):
    def build(**kwargs):
        return ClercApp(actor, today=TODAY, **kwargs)
    return build
