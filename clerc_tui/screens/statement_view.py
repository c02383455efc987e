"""The décompte of a dossier on its screen: arrêté date, statement, interest detail, exports.

The arrêté date is typed `jj/mm/aaaa` and applied with Entrée; a bad date is refused in
place, in French, and the typing is kept. A period without a rate shows the French
message naming the semester (the étude adds the rate with `clerc rates add`).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from clerc_tui.errors import ClercError
from clerc_tui.report.statement import (
    export_statement,
    statement_interest_renderable,
    statement_renderable,
)
from clerc_tui.rules.french import format_date, parse_date
from clerc_tui.rules.statement import Statement
from clerc_tui.screens.base import ClercScreen
from clerc_tui.services.statement import dossier_statement
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.prerendered import DocumentView, Prerendered

if TYPE_CHECKING:
    from textual import getters

    from clerc_tui.app import ClercApp


class ArreteInput(FieldInput):  # fixed size (statement_view.tcss): typing redraws the field alone
    BINDINGS = [Binding("escape", "leave", "Quitter la date", show=False, id="statement.leave_date")]

    def action_leave(self) -> None:
        self.screen.query_one("#statement-body").focus()


class StatementPane(Vertical):
    """Lives in the dossier screen's « Décompte » tab."""

    if TYPE_CHECKING:  # the ClercApp for the type checker (see screens/base.py)
        app = getters.app(ClercApp)

    def __init__(self, dossier_id: int):
        super().__init__(id="statement-pane")
        self.dossier_id = dossier_id
        self.statement: Statement | None = None
        self.at: date | None = None  # None until the tab is first shown
        self.problem: str | None = None
        self.stale = False  # the data may have changed while the tab was hidden

    def compose(self) -> ComposeResult:
        key = partial(self.app.key_for, self)
        with Horizontal(id="statement-bar"):
            yield Static("Arrêté au ", id="statement-at-label")
            yield ArreteInput(placeholder="jj/mm/aaaa", id="statement-at")
            yield Static(
                f"{key('dossier.statement_date')} : changer la date (Entrée pour appliquer) · "
                f"{key('dossier.interest_detail')} : détail des intérêts · "
                f"{key('dossier.export_statement')} : exporter",
                id="statement-hint",
                markup=False,
            )
        yield Static("", id="statement-error")
        yield DocumentView(id="statement-body")

    def ensure(self) -> None:
        """Compute at today the first time the tab is shown; again when it is shown after a
        change of the data (refresh_data while hidden), never on a mere switch back."""
        if self.at is None:
            self.at = self.app.today
            self.query_one("#statement-at", Input).value = format_date(self.at)
            self.compute(self.at)
        elif self.stale:
            self.compute(self.at)

    def compute(self, at: date) -> None:
        """The décompte arrêté au `at` (the date shown, `self.at`). The same décompte as the
        one shown (a colleague's commit elsewhere, a refresh) is not laid out again."""
        self.stale = False
        body = self.query_one("#statement-body", DocumentView)
        try:
            statement = dossier_statement(self.dossier_id, at)
            if statement == self.statement and self.problem is None:
                return
            self.statement = statement
            self.problem = None
        except ClercError as error:
            self.statement, self.problem = None, error.message
            body.update(
                Text.assemble((f"Décompte au {format_date(at)} impossible : ", "bold red"), Text(error.message))
            )
            return
        except Exception as error:
            self.statement, self.problem = None, "Erreur inattendue"
            self.app.show_error(error, "décompte du dossier")
            return
        # Part by part (DocumentView lays out the first screen first), each part inert.
        parts = statement_renderable(self.statement).renderables
        body.update(Prerendered(Group(*(inert_renderable(part) for part in parts))))

    def refresh_data(self) -> None:
        """The data changed: recompute now if the tab is shown, else when it is next shown."""
        if self.at is None:
            return
        if all(node.display for node in self.ancestors_with_self if isinstance(node, Widget)):
            self.compute(self.at)
        else:
            self.stale = True

    @on(Input.Submitted, "#statement-at")
    def apply_date(self, event: Input.Submitted) -> None:
        field = self.query_one("#statement-at", Input)
        error = self.query_one("#statement-error", Static)
        try:
            at = parse_date(event.value)
        except ClercError as exc:
            error.update(Text(exc.message))
            field.add_class("-invalid")
            return
        error.update("")
        field.remove_class("-invalid")
        self.at = at
        self.compute(at)
        self.query_one("#statement-body").focus()

    def focus_date(self) -> None:
        self.query_one("#statement-at", Input).focus()

    def require_statement(self) -> Statement:
        self.ensure()
        if self.statement is None:
            raise ClercError(self.problem or "Décompte indisponible.")
        return self.statement

    def export(self) -> None:
        try:
            export = export_statement(self.require_statement())
        except ClercError as error:
            self.app.show_error(error, "export du décompte")
            return
        except Exception as error:
            self.app.show_error(error, "export du décompte")
            return
        names = ", ".join(path.name for path in export.files)
        self.app.notify(f"Décompte exporté dans {export.folder} : {names}", title="Export", timeout=10)


class InterestDetailScreen(ClercScreen[None]):
    """The interest detail (binding `dossier.interest_detail`): every interest line of the
    décompte (period, days, base, rate, kind, basis)."""

    HELP_TITLE = "Détail des intérêts"
    BINDINGS = [Binding("escape,I", "close", "Retour", id="interest.close")]

    def __init__(self, statement: Statement):
        super().__init__()
        self.statement = statement

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="interest-scroll"):
            yield Static(statement_interest_renderable(self.statement), id="interest-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#interest-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
