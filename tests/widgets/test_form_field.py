"""FieldInput: typing redraws the field, never the screen's layout, and long text still scrolls.
FormField: its error line appears under the control at the first error, the typing kept."""

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static

from clerc_tui.widgets import CSS_PATHS
from clerc_tui.widgets.form_field import FieldInput, FormField


class FieldsApp(App):
    CSS_PATH = CSS_PATHS

    def __init__(self, kind, fields: int = 20):
        super().__init__()
        self.kind, self.fields = kind, fields

    def compose(self):
        for n in range(self.fields):  # a form's worth of fields: a layout of the screen costs
            yield FormField(f"f{n}", f"Champ {n}", self.kind(id=f"f{n}"))


async def _layouts_while_typing(kind, monkeypatch) -> tuple[int, FieldInput | Input]:
    layouts = []
    refresh_layout = Screen._refresh_layout
    monkeypatch.setattr(
        Screen, "_refresh_layout", lambda self, *a, **k: (layouts.append(1), refresh_layout(self, *a, **k))[1]
    )
    app = FieldsApp(kind)
    async with app.run_test(size=(40, 24)) as pilot:
        field = app.query_one("#f0", Input)
        field.focus()
        await pilot.pause()
        field.value = "Société Anonyme des Habitations à Loyer "
        field.cursor_position = len(field.value)
        await pilot.pause()
        layouts.clear()
        await pilot.press(*"Mod")
        assert field.value == "Société Anonyme des Habitations à Loyer Mod"
        # Longer than the field: the cursor (at the end) is still in sight, the text scrolled.
        assert field.scroll_x > 0
        assert field.cursor_screen_offset.x < field.region.right
        return len(layouts), field


async def test_typing_in_a_field_input_lays_nothing_out(monkeypatch):
    assert (await _layouts_while_typing(FieldInput, monkeypatch))[0] == 0


async def test_textual_input_lays_the_screen_out_at_each_character(monkeypatch):
    """Why FieldInput exists: if Textual stops doing this, FieldInput can go."""
    assert (await _layouts_while_typing(Input, monkeypatch))[0] >= 3


async def test_the_error_shows_under_its_field_and_keeps_the_typing():
    app = FieldsApp(FieldInput)
    async with app.run_test(size=(40, 24)) as pilot:
        field = app.query_one("#field-f1", FormField)
        assert not app.query(".field-error")  # mounted at the first error only: none yet
        field.control.value = "12,345"
        field.set_error("Montant invalide : deux décimales au plus.")
        await pilot.pause()
        line = field.query_one(".field-error", Static)
        assert list(field.children) == [field.children[0], field.control, line]  # right under the control
        assert line.display and str(line.render()) == "Montant invalide : deux décimales au plus."
        assert field.has_class("-invalid") and field.value == "12,345"
        field.set_error(None)
        await pilot.pause()
        assert not line.display and not field.has_class("-invalid") and field.value == "12,345"
        field.set_error("Autre erreur.")
        await pilot.pause()
        assert list(field.query(".field-error")) == [line] and str(line.render()) == "Autre erreur."


def test_every_field_a_screen_makes_is_a_field_input():
    """A Textual Input lays the whole screen out at each character typed (above): the screens
    make FieldInputs only, and derive their fields from it (the décompte's date field derived
    from Input)."""
    import re
    from pathlib import Path

    import clerc_tui

    root = Path(clerc_tui.__file__).parent
    made = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "form_field.py"  # FieldInput itself
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])Input\(|^class \w+\(Input\)", line)
    ]
    assert made == []


async def _restyled_by_typing_and_leaving(kind, monkeypatch) -> int:
    from textual.css.stylesheet import Stylesheet

    restyled = []
    apply = Stylesheet.apply
    monkeypatch.setattr(
        Stylesheet, "apply", lambda self, node, **kw: (restyled.append(node), apply(self, node, **kw))[1]
    )
    app = FieldsApp(kind, fields=2)
    async with app.run_test(size=(40, 24)) as pilot:
        first, second = app.query_one("#f0", Input), app.query_one("#f1", Input)
        first.focus()
        await pilot.pause()
        restyled.clear()
        first.value = "Lidl"
        await pilot.pause()
        second.focus()  # the first one blurred (its :focus styles go: restyled, as it must be)
        await pilot.pause()
        return len([node for node in restyled if node is first])


async def test_a_field_input_is_restyled_only_when_its_styles_change(monkeypatch):
    """Typing then leaving restyles the field once (its focus lost), not twice: Textual's Input
    adds `-valid` at its first change or blur, restyling it for nothing; FieldInput has it from the
    start. If Textual stops doing it, the second case fails and FieldInput's `-valid` can go."""
    assert await _restyled_by_typing_and_leaving(FieldInput, monkeypatch) == 1
    assert await _restyled_by_typing_and_leaving(Input, monkeypatch) == 2


def test_no_rule_styles_a_valid_input():
    """Why FieldInput may carry `-valid` before Textual's Input would: no rule styles it (clerc's
    CSS and Textual's Input)."""
    import re
    from pathlib import Path

    import clerc_tui

    package = Path(clerc_tui.__file__).parent
    sources = [path.read_text() for path in (*package.rglob("*.tcss"), *package.rglob("*.py"))]
    assert not any(re.search(r"\.-valid\b", source) for source in [*sources, Input.DEFAULT_CSS])
    assert re.search(r"\.-invalid\b", Input.DEFAULT_CSS)  # the search finds such a rule
