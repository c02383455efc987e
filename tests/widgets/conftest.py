import pytest

from tests.screens import quiet


@pytest.fixture(autouse=True)
def _quiet_pilot(monkeypatch):
    """Pilot waits for the app to have handled each key, not for the clock (tests/screens/quiet.py)."""
    quiet.install(monkeypatch)
