"""Keys typed ahead of the screen (a burst over a slow SSH link) go where the clerc meant them:
what follows a Tab lands in the next field, never in the one just left; what follows an Enter
waits for what the Enter does; what follows a correction key (Backspace, Ctrl+U…) comes after the
correction; what follows a key that opens a form goes into the form."""

import time
from decimal import Decimal

from textual import events
from textual.widgets import Input

from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.solvency import FactDialog
from tests.screens.conftest import wait_until

# What the terminal sends for the keys the bursts use that are not characters (the arrows: none).
CONTROL_CHARACTERS = {"tab": "\t", "enter": "\r", "backspace": "\x7f", "ctrl+u": "\x15", "ctrl+a": "\x01"}


def _burst(app, keys: list[str]) -> None:
    """Every key queued at once, as a terminal read delivers a burst (Pilot waits between keys)."""
    for key in keys:
        character = key if len(key) == 1 else CONTROL_CHARACTERS.get(key)
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


async def test_what_is_typed_after_a_correction_key_lands_after_the_correction(sample_dossier, make_app):
    """A field takes a character at once, but Backspace, Ctrl+U, Ctrl+A or an arrow are bindings
    run once the key has bubbled up to the app: in one burst the characters typed after them
    went in first. « xyz⌫⌫ab » gave « xyz » (« ab » typed, then erased by the two ⌫), « Ctrl+U Lidl »
    an empty field, « Ctrl+A M » appended the M."""
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "6", "n")
        dialog = app.screen
        assert isinstance(dialog, FactDialog)
        label = dialog.query_one("#fact-label", Input)
        label.focus()
        await pilot.pause()
        bursts = [
            (["x", "y", "z", "backspace", "backspace", "a", "b"], "xab"),
            (["ctrl+u", "L", "i", "d", "l"], "Lidl"),
            (["ctrl+a", "M", "right", "right", "backspace", "e"], "MLedl"),
        ]
        for keys, expected in bursts:
            _burst(app, keys)
            for _ in range(150):  # each correction key, then the held characters (a few ms; more under load)
                await pilot.pause(0.02)
                if label.value == expected:
                    break
            assert label.value == expected, keys
        await pilot.press("escape", "o")
        assert isinstance(app.screen, DossierScreen)


async def test_what_is_typed_after_a_key_that_opens_a_form_goes_into_the_form(sample_dossier, make_app):
    """« e » then « Xy » in one burst on a dossier: the letters land in the edit form's first field
    once it is open (they were lost: forwarded to the dossier's table, then let through by no one)."""
    from clerc_tui.screens.dossier_form import DossierFormScreen

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        _burst(app, ["e", "X", "y"])
        for _ in range(150):  # the form mounted and focused, then the held letters (a few ms; more under load)
            await pilot.pause(0.02)
            focused = app.focused
            in_form = isinstance(app.screen, DossierFormScreen) and isinstance(focused, Input)
            if in_form and focused.value.endswith("Xy"):
                break
        assert isinstance(app.screen, DossierFormScreen)
        assert isinstance(app.focused, Input)
        assert app.focused.value.endswith("Xy"), app.focused.value


async def test_keys_arriving_while_the_held_ones_are_handed_out_keep_their_order(sample_dossier, make_app):
    """Keys come from the terminal's reader thread while the app works: some were still queued
    when the keys held after an Enter were handed out, and went before them. Seen over SSH:
    « 45,67⏎ » typed after `v` recorded 5,67 € (the « 4 », held after the `v`, came after the
    rest). Ten payments typed from a thread, a key every millisecond: each amount whole."""
    import threading

    from clerc_tui.screens.payment_entry import PaymentEntryScreen

    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        screen.query_one("#pay-amount", Input).focus()
        await pilot.pause()
        amounts = [f"{n}{n}{n},{n}{n}" for n in range(1, 10)]
        keys: list[str] = []
        for amount in amounts:  # the amount, Enter; then the dossier's reference, Tab, into the amount
            keys += [*amount, "enter", *sample_dossier.reference, "tab"]
        keys = [*sample_dossier.reference, "tab", *keys]
        screen.query_one("#pay-dossier", Input).focus()
        await pilot.pause()

        def type_from_the_terminal() -> None:
            for key in keys:
                character = key if len(key) == 1 else CONTROL_CHARACTERS.get(key)
                app.call_from_thread(app.post_message, events.Key(key, character))
                time.sleep(0.001)

        reader = threading.Thread(target=type_from_the_terminal)
        reader.start()
        while reader.is_alive():
            await pilot.pause(0.02)
        for _ in range(250):
            await pilot.pause(0.02)
            if len(screen.pending) == len(amounts):
                break
        fields = {i.id: i.value for i in screen.query(Input)}
        assert [str(line.amount) for line in screen.pending] == [a.replace(",", ".") for a in amounts], (
            fields,
            app._barrier,
        )
