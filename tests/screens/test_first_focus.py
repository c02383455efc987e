"""A screen opens with the focus where its on_mount puts it, given to no other widget first:
the dossier's and the calculator's tabs took it as they were composed (Textual's AUTO_FOCUS),
restyled with their tabs, and lost it at once."""

from textual.containers import VerticalScroll
from textual.widget import Widget

from clerc_tui.screens.calculator import CalculatorScreen
from clerc_tui.screens.dossier_view import DossierScreen


async def test_the_dossier_and_the_calculator_focus_their_first_place_only(make_app, sample_dossier, monkeypatch):
    focused: list[str] = []
    watch = Widget.watch_has_focus

    def recorded(self, value: bool) -> None:
        if value:
            focused.append(type(self).__name__)
        watch(self, value)

    monkeypatch.setattr(Widget, "watch_has_focus", recorded)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
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
