"""A labelled form field whose error shows right under it, in French, keeping the typing."""

from contextlib import suppress
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError

from clerc_tui.widgets.text_line import show_text


class FormField(Vertical):
    def __init__(self, name: str, label: str, control: Input | Select[Any] | Checkbox, *, hint: str = "") -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label = label
        self.control = control
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self.label + (f"  [dim]{self.hint}[/dim]" if self.hint else ""))
        yield self.control
        # The error line is mounted at the first error (set_error): most fields never get one,
        # and every widget costs at each opening of the form (styles, layout), on the dossier
        # form 38 hidden lines out of its ~220 widgets.

    def _error_line(self) -> Static | None:
        lines = self.query_children(".field-error").results(Static)
        return next(lines, None)

    @property
    def value(self) -> str:
        control = self.control
        if isinstance(control, Select):
            return "" if control.value is Select.NULL else str(control.value)
        if isinstance(control, Checkbox):
            return "1" if control.value else ""
        return control.value

    def set_value(self, value: str) -> None:
        control = self.control
        if isinstance(control, Select):
            with suppress(InvalidSelectValueError):  # a value this form does not offer: keep the current choice
                control.value = value
        elif isinstance(control, Checkbox):
            control.value = value == "1"
        elif isinstance(control, Input):
            control.value = value

    def set_error(self, message: str | None) -> None:
        """Show `message` under the control (the typing stays as it is), or clear it (None)."""
        line = self._error_line()
        if line is None and message:
            line = Static(classes="field-error")
            self.mount(line, after=self.control)
        if line is not None:
            # Forms recheck every field at each key: the same message (or none) redraws nothing.
            show_text(line, Text(message or ""))
        self.set_class(bool(message), "-invalid")


class FieldInput(Input):
    """An Input whose typing redraws the field alone.

    Textual's Input sets its virtual size (the width of its text) on every change of value, and
    a widget's virtual size is a reactive that lays the whole screen out again: ~30 ms per
    character on the 200-widget dossier form, for nothing, since an Input's own size is fixed
    (3 lines, the column's width) and it scrolls its text itself (`render_line`, `scroll_x`).
    Here a change of virtual size repaints the field only; an Input whose size follows its text
    (`width: auto`) would still need the layout: don't use this one for it."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.validators:
            # The class Input.validate gives an Input without validators at its first change or
            # blur (`-valid`, which no rule styles), given before its first styling: that first
            # change or blur restyled the field and its four component classes (~2,300 styles
            # applied over the screen tests), for the same styles.
            self.add_class("-valid", update=False)
