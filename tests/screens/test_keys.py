"""Keys as an experienced clerc meets them: one key, one action wherever he is (every screen,
every tab of the dossier, whatever has the focus), key names in French everywhere they are shown
(key bar, help, palette), the help readable whole at 80×24."""

import re

import pytest
from textual.binding import Binding
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
        # Focus set directly (the binding chain follows `screen.focused` at once): a pause per
        # widget made this test cost ~10 s of waiting on ~300 widgets.
        screen.set_focus(widget, scroll_visible=False)
        clashes += _clashes(screen)
    await pilot.pause()
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
        panes = ("synthese", "debiteurs", "echeances", "historique", "comptes", "solvabilite", "echeancier", "decompte")
        for pane in panes:
            tabs.active = pane
            await pilot.pause()
            clashes += await _every_focus(app, pilot)
        await pilot.press("t")  # the acts of the dossier
        await pilot.pause()
        clashes += await _every_focus(app, pilot)
    assert not clashes, "\n".join(sorted(set(clashes)))


# A key as a French keyboard names it: modifiers, then a named key, a function key or one character.
FRENCH_KEY = re.compile(
    r"((Ctrl|Maj|Alt|Super)\+)*"
    r"(F\d{1,2}|Entrée|Échap|Espace|Suppr|Retour arr\.|Inser|Tab|Pg préc\.|Pg suiv\.|Début|Fin|\S)"
)


def test_every_key_of_clerc_and_of_textual_is_named_in_french():
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Input, OptionList, Select, TabbedContent, Tabs, TextArea

    from clerc_tui.app import binding_places
    from clerc_tui.widgets.key_bar import key_label

    bindings = [b for place in binding_places().values() for b in place]
    for widget in (App, Screen, DataTable, Input, OptionList, Select, TabbedContent, Tabs, TextArea):
        bindings += Binding.make_bindings(widget.BINDINGS)
    raw = {
        (binding.key, key_label(binding.key))
        for binding in bindings
        if not FRENCH_KEY.fullmatch(key_label(binding.key))
    }
    assert not raw
    assert key_label("ctrl+pageup") == "Ctrl+Pg préc." and key_label("shift+tab") == "Maj+Tab"
    assert key_label("question_mark") == "?" and key_label("G") == "Maj+G" and key_label("f5") == "F5"


async def test_the_key_bar_help_and_messages_name_keys_in_french(actor, make_app, sample_dossier):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        bar = str(app.screen.query_one("KeyBar").render())
        assert "Échap" in bar and "Ctrl+P" in bar and "^" not in bar
        await pilot.press("question_mark")
        keys = {key for key, _, _ in app.screen.entries}
        assert {"Échap", "Maj+I", "Ctrl+P", "Tab", "Maj+Tab"} <= keys
        assert [key for key in keys if not FRENCH_KEY.fullmatch(key)] == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_help_fits_the_terminal_and_every_key_can_be_read(actor, make_app, sample_dossier, size):
    from rich.console import Console
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter", "question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        body = help_screen.query_one("#help-body", VerticalScroll)
        assert body.region.right <= size[0] and body.max_scroll_x == 0  # nothing cut on the right
        assert app.focused is body  # arrows and Pg suiv. scroll it
        width = body.scrollable_content_region.width
        console = Console(width=width, file=None, record=True, legacy_windows=False)
        console.print(help_screen.table)
        shown = "".join(console.export_text().split())
        for key, label, _ in help_screen.entries:
            assert "".join(f"{key}{label}".split()) in shown or (
                "".join(key.split()) in shown and "".join(label.split()) in shown
            ), (key, label)
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y  # the last keys reached
