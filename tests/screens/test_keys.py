"""Keys as an experienced clerc meets them: one key, one action wherever he is (every screen,
every tab of the dossier, whatever has the focus), key names in French everywhere they are shown
(key bar, help, palette), the help readable whole at 80×24."""

import re

import pytest
from textual.binding import Binding

from clerc_tui.screens.help import HelpScreen

# Whether any key means two things at once on a screen or a tab is checked on the walk through every
# screen of tests/screens/test_screens_fit.py (one app opening each screen once for both checks).


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


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_key_bar_and_help_name_keys_in_french_and_the_help_fits_the_terminal(
    actor, make_app, sample_dossier, size
):
    from rich.console import Console
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        if size == (120, 40):  # the dossier's key bar shows these two at this width
            bar = str(app.screen.query_one("KeyBar").render())
            assert "Échap" in bar and "Ctrl+P" in bar and "^" not in bar
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {key for key, _, _ in help_screen.entries}
        assert {"Échap", "Maj+I", "Ctrl+P", "Tab", "Maj+Tab"} <= keys
        assert [key for key in keys if not FRENCH_KEY.fullmatch(key)] == []
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
