"""The key bar at 80 columns: as many keys as fit, none cut, the help and the palette always there."""

from textual.app import App
from textual.binding import Binding

from clerc_tui.widgets import CSS_PATHS
from clerc_tui.widgets.key_bar import KeyBar

LABELS = [f"Action numéro {n:02d}" for n in range(1, 13)]


class ManyKeysApp(App):
    CSS_PATH = CSS_PATHS
    BINDINGS = [
        *(Binding(chr(ord("a") + n), f"act{n}", label, id=f"k{n}") for n, label in enumerate(LABELS)),
        Binding("question_mark", "help", "Aide"),
    ]

    def compose(self):
        yield KeyBar()

    def action_help(self) -> None:
        pass


def _line(app) -> str:
    bar = app.query_one(KeyBar)
    return "".join(segment.text for segment in bar.render_line(0)).rstrip()


async def test_a_narrow_bar_shows_whole_keys_then_the_help_and_the_palette():
    app = ManyKeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        line = _line(app)
        assert len(line) <= 80
        assert line.endswith(" ? Aide  Ctrl+P palette")
        shown = [label for label in LABELS if label in line]
        assert (
            shown == LABELS[: len(shown)] and len(shown) >= 2
        )  # the first ones, in order, whole (Ctrl+P takes 4 more columns than ^p did)
        assert line.count("Action numéro") == len(shown)  # no key cut halfway
        assert f" {chr(ord('a') + len(shown) - 1)} {shown[-1]}  ? Aide" in line
        reversed_text = "".join(s.text for s in app.query_one(KeyBar).render_line(0) if s.style and s.style.reverse)
        assert reversed_text == "".join(f" {chr(ord('a') + n)} " for n in range(len(shown))) + " ?  Ctrl+P "


async def test_a_wide_bar_keeps_its_spacing_and_follows_a_resize():
    app = ManyKeysApp()
    async with app.run_test(size=(300, 10)) as pilot:
        await pilot.pause()
        line = _line(app)
        assert " a  Action numéro 01   b  Action numéro 02 " in line and line.endswith("Ctrl+P  palette")
        assert all(label in line for label in LABELS)
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        assert len(_line(app)) <= 80 and _line(app).endswith("Ctrl+P palette")


async def test_a_focus_change_that_keeps_the_keys_lays_nothing_out():
    """The bar is redrawn when the screen's bindings change (each focus change): same keys, no
    update; new keys, an update of the bar alone, not a layout of the whole screen (~30 ms on
    the 200-field dossier form)."""
    from textual.widgets import Input, Static

    class Marked(Static, can_focus=True):
        BINDINGS = [Binding("f6", "mark", "Marquer")]

    class FieldsApp(App):
        CSS_PATH = CSS_PATHS
        BINDINGS = [Binding("f5", "save", "Enregistrer")]

        def compose(self):
            yield Input(id="one")
            yield Input(id="two")
            yield Marked("x", id="marked")
            yield KeyBar()

    app = FieldsApp()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        layouts, updates = [], []
        refresh, update = bar.refresh, bar.update
        bar.refresh = lambda *a, layout=False, **k: (layouts.append(layout), refresh(*a, layout=layout, **k))[1]
        bar.update = lambda *a, **k: (updates.append(a), update(*a, **k))[1]
        before = _line(app)
        assert "Enregistrer" in before and "Marquer" not in before
        await pilot.press("tab")  # to the other field: the same keys
        assert app.focused.id == "two" and _line(app) == before
        assert updates == []
        await pilot.press("tab")  # to a widget with a key of its own
        assert app.focused.id == "marked" and "Marquer" in _line(app)
        assert len(updates) == 1 and not any(layouts)
