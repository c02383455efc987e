"""Each screen fits its terminal: its parts (header, content, key bar) add up to the screen's height,
so the screen itself never scrolls. A screen one row too tall grows a scroll bar at its right edge,
which eats the last two columns of every line and draws « ▇▇ » over the end of the key bar (the
statistics screen did, its tabs sized to their content)."""

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


def _scrolls(app) -> str | None:
    screen = app.screen
    if screen.show_vertical_scrollbar or screen.show_horizontal_scrollbar:
        return f"{type(screen).__name__}: {screen.virtual_size} in {screen.size}"
    return None


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_no_screen_scrolls_as_a_whole(make_app, sample_dossier, size):
    app = make_app()
    scrolling = []
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        scrolling.append(_scrolls(app))  # the dossier list
        for action in ACTIONS:
            await app.run_action(action)
            await settle(app, pilot)
            scrolling.append(_scrolls(app))
            app.pop_screen()
            await pilot.pause()
        for screen in (DeadlinesScreen(), DossierFormScreen(), ActsScreen(sample_dossier.id)):
            app.push_screen(screen)
            await settle(app, pilot)
            scrolling.append(_scrolls(app))
            app.pop_screen()
            await pilot.pause()
        app.push_screen(DossierScreen(sample_dossier.id))
        await settle(app, pilot)
        for tab in DOSSIER_TABS:
            app.screen.action_tab(tab)
            await settle(app, pilot)
            scrolling.append(_scrolls(app))
    assert [s for s in scrolling if s] == []
