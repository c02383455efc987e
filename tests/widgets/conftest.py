import pytest

from tests.screens import painting, quiet


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
