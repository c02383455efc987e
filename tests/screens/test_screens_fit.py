"""Each screen fits its terminal: its parts (header, content, key bar) add up to the screen's height,
so the screen itself never scrolls. A screen one row too tall grows a scroll bar at its right edge,
which eats the last two columns of every line and draws « ▇▇ » over the end of the key bar (the
statistics screen did, its tabs sized to their content).

And one key, one action wherever the clerc is (tests/screens/test_keys.py has the keys' names): on
every screen and every tab of the dossier, whatever has the focus, no key is bound to two actions
at once. Checked on the same walk at 120×40, each screen opened once for both."""

import pytest

from clerc_tui.screens.acts import ActsScreen
from clerc_tui.screens.deadlines import DeadlinesScreen
from clerc_tui.screens.dossier_form import DossierFormScreen
from clerc_tui.screens.dossier_view import DossierScreen
from tests.screens.conftest import settle

# The app's actions that open a screen of their own (app.py), each from the dossier list.
ACTIONS = (
    "help",
    "calculator",
    "payments",
    "amicable",
    "remittances",
    "statistics",
    "creditor_report",
    "bank",
    "imports",
)
DOSSIER_TABS = ("synthese", "debiteurs", "echeances", "historique", "comptes", "solvabilite", "echeancier", "decompte")

# Two bindings of one key that mean one thing: the table's Enter posts its row to the screen, whose
# Enter opens it; Escape in the décompte's date field leaves the field (as in every form) before
# a second Escape leaves the dossier.
SAME_MEANING = frozenset({"table.select", "statement.leave_date"})


def _scrolls(app) -> str | None:
    screen = app.screen
    if screen.show_vertical_scrollbar or screen.show_horizontal_scrollbar:
        return f"{type(screen).__name__}: {screen.virtual_size} in {screen.size}"
    return None


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
        # Focus set directly (the binding chain follows `screen.focused` at once): a pause per
        # widget made this test cost ~10 s of waiting on ~300 widgets.
        screen.set_focus(widget, scroll_visible=False)
        clashes += _clashes(screen)
    await pilot.pause()
    return clashes


@pytest.mark.parametrize("size, keys", [((80, 24), False), ((120, 40), True)])
async def test_no_screen_scrolls_as_a_whole_and_no_key_means_two_things_at_once(make_app, sample_dossier, size, keys):
    app = make_app()
    scrolling: list[str | None] = []
    clashes: list[str] = []

    async def look() -> None:
        # The screen as opened, first: the focus walk below moves the focus (never the scroll).
        scrolling.append(_scrolls(app))
        if keys:  # bindings are the same at any size: looked at once, at the larger one
            clashes.extend(await _every_focus(app, pilot))

    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await look()  # the dossier list
        for action in ACTIONS:
            await app.run_action(action)
            await settle(app, pilot)
            await look()
            app.pop_screen()
            await pilot.pause()
        for screen in (DeadlinesScreen(), DossierFormScreen(), ActsScreen(sample_dossier.id)):
            app.push_screen(screen)
            await settle(app, pilot)
            await look()
            app.pop_screen()
            await pilot.pause()
        app.push_screen(DossierScreen(sample_dossier.id))
        await settle(app, pilot)
        for tab in DOSSIER_TABS:
            app.screen.action_tab(tab)
            await settle(app, pilot)
            await look()
    assert [s for s in scrolling if s] == []
    assert not clashes, "\n".join(sorted(set(clashes)))
