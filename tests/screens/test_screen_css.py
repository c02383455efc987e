"""A screen's CSS read when it is first pushed restyles only the widgets its rules may style
(ClercApp._load_screen_css): every widget ends with the styles a restyle of the whole app gives.
A screen opens with the focus where its on_mount puts it, given to no other widget first: the
dossier's and the calculator's tabs took it as they were composed (Textual's AUTO_FOCUS),
restyled with their tabs, and lost it at once."""

from importlib.metadata import version

from textual.containers import VerticalScroll
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from clerc_tui.screens.calculator import CalculatorScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.form import LeaveConfirm


def _below(app) -> list:
    """What Textual restyles when it reads a screen's CSS: the app and the screen shown then, now
    the one below the screen pushed (`Stylesheet.update(app)`)."""
    return [app, *app.screen_stack[-2].walk_children(with_self=True)]


def _styles(app, nodes: list | None = None) -> list[tuple]:
    """Each node's rules, its component classes' rules and the flags `Stylesheet.apply` sets."""
    return [
        (
            node,
            dict(node.styles.base._rules),
            {name: dict(styles.base._rules) for name, styles in node._component_styles.items()},
            (node._has_hover_style, node._has_focus_within, node._has_order_style, node._has_odd_or_even),
        )
        for node in (_below(app) if nodes is None else nodes)
    ]


# Rules that style the widgets below: by type, id and class, and a component class of Input.
RESTYLING = """
FormField Label { text-style: bold; }
#calc-grid { border: solid red; }
.-has-value { color: red; }
Input > .input--placeholder { color: green; }
"""


async def test_a_screen_css_restyles_what_its_rules_may_style_and_the_focus_goes_straight_in_place(
    make_app, sample_dossier, monkeypatch, tmp_path
):
    assert version("textual") == "8.2.8", "ClercApp._load_screen_css does what Textual's does: check it"
    applied = []
    apply = Stylesheet.apply
    monkeypatch.setattr(Stylesheet, "apply", lambda self, node, **kw: (applied.append(node), apply(self, node, **kw)))
    focused: list[str] = []
    watch = Widget.watch_has_focus
    monkeypatch.setattr(
        Widget,
        "watch_has_focus",
        lambda self, value: (value and focused.append(type(self).__name__), watch(self, value)),
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        # The dossier (four files: its tabs), the calculator over it (rules for TabbedContent,
        # which the dossier has), then « Abandonner la saisie ? » (form.tcss) over the calculator.
        focused.clear()
        await pilot.press("enter")
        dossier = app.screen
        assert isinstance(dossier, DossierScreen)
        assert app.focused is dossier.query_one("#synthese VerticalScroll", VerticalScroll)
        assert focused == ["VerticalScroll"]
        focused.clear()
        await pilot.press("c")
        calculator = app.screen
        assert isinstance(calculator, CalculatorScreen)
        assert app.focused is calculator.field("principal").control
        assert focused == ["FieldInput"]
        app.screen.query(Input).first().value = "12"
        widgets = len(list(app.walk_children(with_self=True)))  # the calculator's
        applied.clear()
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveConfirm)
        # Textual restyled every widget below; form.tcss styles LeaveConfirm only.
        assert len([node for node in applied if node.parent is not None]) < widgets / 10
        ours = _styles(app)
        app.stylesheet.update_nodes(_below(app))  # what Textual does after reading a screen's CSS
        assert _styles(app) == ours

        (tmp_path / "restyling.tcss").write_text(RESTYLING)

        class Restyling(Screen):
            CSS_PATH = str(tmp_path / "restyling.tcss")

            def compose(self):
                yield Static("…")

        await pilot.press("n")
        before = _styles(app, [app, *app.screen.walk_children(with_self=True)])
        await app.push_screen(Restyling())
        await pilot.pause()
        ours = _styles(app)
        now = {id(entry[0]): entry for entry in ours}
        changed = {type(node).__name__ for node, *old in before if id(node) in now and now[id(node)][1:] != tuple(old)}
        assert {"Label", "Grid", "SelectCurrent", "FieldInput"} <= changed, changed  # the widgets below
        app.stylesheet.update_nodes(_below(app))
        assert _styles(app) == ours
