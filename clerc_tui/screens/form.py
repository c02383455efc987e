"""What every screen or dialog where the clerc types has in common (see docs/forms.md).

- The app-wide single-letter keys (q, c, v, w) are inactive on a form and on every modal
  (`ClercApp.check_action`): a letter pressed on a drop-down or a check box never quits
  nor opens another screen.
- Leaving a form whose fields differ from what it opened with (Échap, Ctrl+C, Ctrl+Q)
  asks « Abandonner la saisie ? » first, in the one `LeaveConfirm` dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from clerc_tui.screens.base import ClercModal, ClercScreen

LEAVE_QUESTION = "Abandonner la saisie ?"

# Ctrl+C on a form is « leave », asking first when something was typed: a priority binding,
# so that it also works from a field (where Textual would copy the selection).
FORM_BINDINGS: list[BindingType] = [
    Binding("ctrl+c", "leave_form", "Abandonner", show=False, priority=True, id="form.interrupt")
]


class LeaveConfirm(ClercModal[bool]):
    """« Abandonner la saisie ? » — o abandons, n / Échap goes back to the typing."""

    CSS_PATH = "form.tcss"
    HELP_TITLE = "Abandonner la saisie"
    BINDINGS = [
        Binding("o", "abandon", "Abandonner", id="leave.abandon"),
        Binding("escape,n", "keep", "Continuer la saisie", id="leave.keep"),
    ]

    def __init__(self, question: str = LEAVE_QUESTION, detail: str = ""):
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        text = Text(self.question + "\n", style="bold")
        if self.detail:
            text.append("\n" + self.detail + "\n")
        abandon, keep = self.app.key_for(self, "leave.abandon"), self.app.key_for(self, "leave.keep")
        text.append(
            f"\nCe qui a été saisi sera perdu.\n\n{abandon} : abandonner · {keep} : continuer la saisie", style="dim"
        )
        with Vertical(classes="dialog"):
            yield Static(text, id="leave-question")

    def action_abandon(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)


if TYPE_CHECKING:
    from textual import events

    # For the type checker, the mixin is what it is mixed into: a screen of clerc.
    _FormHost = ClercScreen[Any]
else:
    _FormHost = object


class _Form(_FormHost):
    """The dirty state and the guarded leave; mixed into `FormScreen` and `FormDialog`."""

    IS_FORM = True  # what the app's check_action reads (without importing this module)
    _pristine: tuple | None = None

    def _on_mount(self, event: events.Mount) -> None:
        # After the subclass's on_mount has filled the fields (an edited dossier, today's date).
        self.call_after_refresh(self.mark_clean)

    def _field_values(self) -> tuple:
        values = []
        for index, widget in enumerate(self.query("Input, Select, Checkbox, TextArea")):
            if not isinstance(widget, (Input, Select, Checkbox, TextArea)):
                continue
            value = widget.text if isinstance(widget, TextArea) else widget.value
            values.append((widget.id or index, repr(value)))
        return tuple(values)

    def mark_clean(self) -> None:
        """What is on screen now is what leaving may lose without asking (after a save)."""
        self._pristine = self._field_values()

    def unsaved_detail(self) -> str:
        """A line for the question (e.g. a batch not recorded); the form's own, if any."""
        return ""

    @property
    def dirty(self) -> bool:
        """Something typed or chosen that leaving would lose."""
        if self.unsaved_detail():
            return True
        return self._pristine is not None and self._field_values() != self._pristine

    def do_leave(self) -> None:
        """What leaving does once allowed; a dialog is dismissed with None."""
        self.dismiss(None)

    def request_leave(self, then: Callable[[], None] | None = None) -> None:
        then = then or self.do_leave
        if not self.dirty:
            then()
            return
        if isinstance(self.app.screen, LeaveConfirm):
            return
        self.app.push_screen(LeaveConfirm(detail=self.unsaved_detail()), lambda ok: then() if ok else None)

    def action_leave_form(self) -> None:
        self.request_leave()


class FormScreen(_Form, ClercScreen):
    BINDINGS = FORM_BINDINGS


class FormDialog(_Form, ClercModal):
    BINDINGS = FORM_BINDINGS


def is_form(screen: object) -> TypeGuard[_Form]:
    return getattr(screen, "IS_FORM", False)
