"""Keys as an experienced clerc meets them: one key, one action wherever he is (every screen,
every tab of the dossier, whatever has the focus), key names in French everywhere they are shown
(key bar, help, palette), the help readable whole at 80×24."""

import pytest
from textual.widgets import TabbedContent

from clerc_tui.screens.help import HelpScreen


# Two bindings of one key that mean one thing: the table's Enter posts its row to the screen, whose
# Enter opens it; Escape in the décompte's date field leaves the field (as in every form) before
# a second Escape leaves the dossier.
SAME_MEANING = frozenset({"table.select", "statement.leave_date"})


def _clashes(screen) -> list[str]:
    """Keys bound to two different actions at once along the focused widget's chain (the widget,
    its containers, the screen, the app): the nearest one wins and the other is lost silently."""
    app = screen.app
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for namespace, bindings in screen._modal_binding_chain:
        for key, binding in bindings:
            if binding.id is None or binding.id in SAME_MEANING:  # Textual's own (a field's arrows)
                continue
            if app._check_action_state(binding.action, namespace) is False:
                continue  # off here (the app's letters on a form)
            action = binding.action.removeprefix("app.").removeprefix("screen.")
            if key in seen and seen[key][0] != action:
                clashes.append(f"{key}: {seen[key][1]} / {binding.id} (sur {type(screen).__name__})")
            seen.setdefault(key, (action, binding.id))
    return clashes


async def _every_focus(app, pilot) -> list[str]:
    """The clashes with each focusable widget of the current screen focused in turn."""
    screen = app.screen
    clashes = _clashes(screen)
    for widget in list(screen.focus_chain):
        widget.focus()
        await pilot.pause()
        clashes += _clashes(screen)
    return clashes


SCREENS = ("payments", "remittances", "bank", "imports", "calculator", "statistics", "creditor_report", "amicable")


async def test_no_key_means_two_things_at_once_on_any_screen_or_tab(actor, make_app, sample_dossier):
    clashes: list[str] = []
    app = make_app(start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clashes += await _every_focus(app, pilot)
        for name in SCREENS:
            getattr(app, f"action_{name}")()
            await pilot.pause()
            clashes += await _every_focus(app, pilot)
            app.pop_screen()
            await pilot.pause()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        clashes += await _every_focus(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        tabs = app.screen.query_one(TabbedContent)
        for pane in ("synthese", "debiteurs", "echeances", "historique", "comptes", "solvabilite", "echeancier", "decompte"):
            tabs.active = pane
            await pilot.pause()
            clashes += await _every_focus(app, pilot)
        await pilot.press("t")  # the acts of the dossier
        await pilot.pause()
        clashes += await _every_focus(app, pilot)
    assert not clashes, "\n".join(sorted(set(clashes)))
