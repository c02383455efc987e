"""Keys typed ahead of the screen (a burst over a slow SSH link) go where the clerc meant them:
what follows a Tab lands in the next field, never in the one just left; what follows an Enter
waits for what the Enter does."""

from decimal import Decimal

from textual import events
from textual.widgets import Input

from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.solvency import FactDialog
from tests.screens.conftest import wait_until


def _burst(app, keys: list[str]) -> None:
    """Every key queued at once, as a terminal read delivers a burst (Pilot waits between keys)."""
    for key in keys:
        character = key if len(key) == 1 else {"tab": "\t", "enter": "\r"}.get(key)
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


async def test_what_is_typed_after_enter_waits_for_the_line_to_be_added(sample_dossier, make_app):
    """« 100⏎50 » in one burst on the payment entry: one payment of 100,00 €, then « 50 » starts
    the next line (it made one payment of 10 050,00 €: the 50 reached the amount before the
    Enter had added the line and emptied the field)."""
    from clerc_tui.screens.payment_entry import PaymentEntryScreen

    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        screen.query_one("#pay-dossier", Input).value = sample_dossier.reference
        screen.query_one("#pay-amount", Input).focus()
        await pilot.pause()
        _burst(app, ["1", "0", "0", "enter", "5", "0"])
        # The line is added, then the held keys go out (a 5 ms timer, which pause() waits for).
        await wait_until(pilot, lambda: screen.pending and screen.query_one("#pay-dossier", Input).value == "50")
        assert [line.amount for line in screen.pending] == [Decimal("100.00")]
        assert screen.query_one("#pay-dossier", Input).value == "50"
        assert screen.query_one("#pay-amount", Input).value == ""
