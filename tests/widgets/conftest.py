import pytest

from tests.screens import collector, painting, quiet


def pytest_configure(config):
    config.addinivalue_line("markers", painting.MARKER_HELP)


@pytest.fixture(autouse=True)
def _quiet_pilot(request, monkeypatch):
    """Pilot waits for the app to have handled each key, not for the clock (tests/screens/quiet.py);
    the screen is painted when the test is done with it, unless the test is marked `paints`
    (tests/screens/painting.py)."""
    quiet.install(monkeypatch)
    if request.node.get_closest_marker(painting.MARKER) is None:
        painting.install(monkeypatch)


@pytest.fixture(autouse=True)
def _collected_at_the_end():
    """The garbage collector once per test, at its end, not during it (tests/screens/collector.py)."""
    yield from collector.collected_at_the_end()
