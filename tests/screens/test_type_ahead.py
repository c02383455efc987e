"""Keys typed ahead of the screen (a burst over a slow SSH link) go where the clerc meant them:
what follows a Tab lands in the next field, never in the one just left."""

from textual import events
from textual.widgets import Input

from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.solvency import FactDialog


def _burst(app, keys: list[str]) -> None:
    """Every key queued at once, as a terminal read delivers a burst (Pilot waits between keys)."""
    for key in keys:
        character = key if len(key) == 1 else ("\t" if key == "tab" else None)
        app.post_message(events.Key(key, character))


async def test_what_is_typed_after_tab_goes_to_the_next_field(sample_dossier, make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "6", "n")
        dialog = app.screen
        assert isinstance(dialog, FactDialog)
        dialog.query_one("#fact-label", Input).focus()
        await pilot.pause()
        _burst(app, ["L", "i", "d", "l", "tab", "1", "2", "tab", "tab", "3"])
        await pilot.pause()
        await pilot.pause()
        assert dialog.query_one("#fact-label", Input).value == "Lidl"
        assert dialog.query_one("#fact-detail", Input).value == "12"
        assert dialog.query_one("#fact-date", Input).value == "3"  # selected on focus, replaced
        await pilot.press("escape", "o")
        assert isinstance(app.screen, DossierScreen)
