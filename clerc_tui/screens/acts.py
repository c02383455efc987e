"""The acts of a dossier (`t` on the dossier screen): draft, checklist, preview, verify, serve, export.

Top: the dossier's acts. Middle: the mandatory mentions of the selected act with their state
(ok, à cocher, manquante) and, for a failing one, why and where to fix it. Bottom: the text
of the act, scrollable. User data is shown through Rich Text objects, never parsed as markup.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from clerc_tui.errors import ClercError
from clerc_tui.report.acts import as_rich, export_act
from clerc_tui.rules.acts import SERVICE_MODES, STATES, act_type, act_types, items_as_typed
from clerc_tui.rules.french import format_amount, format_date, parse_date
from clerc_tui.screens.base import ClercScreen
from clerc_tui.screens.deadline_modals import _Dialog
from clerc_tui.services import acts as acts_service
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable

MENTION_STATES = {
    "ok": Text("conforme", style="green"),
    "to_tick": Text("à cocher", style="yellow"),
    "missing": Text("MANQUANTE", style="bold red"),
}


class NewActDialog(_Dialog):
    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Créer", id="dialog.save"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Rédiger un acte", style="bold"))
            yield Choice(
                [(a.label, a.id) for a in act_types()], allow_blank=False, value=act_types()[0].id, id="act-type"
            )
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("créer le brouillon", fields=False))

    def on_mount(self) -> None:
        self.query_one("#act-type", Select).focus()

    def action_save(self) -> None:
        self.dismiss(str(self.query_one("#act-type", Select).value))


class ActFieldsDialog(_Dialog):
    """`e`: the act's date and what it needs beyond the dossier."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Enregistrer", id="dialog.save"),
    ]

    def __init__(self, view: acts_service.ActView, submit):
        super().__init__()
        self.view, self.submit = view, submit

    def compose(self) -> ComposeResult:
        values = acts_service._fields(self.view.act)
        with Vertical(classes="dialog"):
            yield Label(Text(f"Compléments — {self.view.act_type.label}", style="bold"))
            yield Label("Date de l'acte (jj/mm/aaaa) :")
            yield FieldInput(format_date(self.view.act.act_date), id="field-act_date")
            for spec in self.view.act_type.fields:
                value = values.get(spec.id, "")
                if spec.kind == "date" and value:
                    value = format_date(date.fromisoformat(value))
                yield Label(Text(spec.label + " :"))
                if spec.kind == "items":  # an inventory: one good per line, « désignation ; valeur »
                    typed = items_as_typed(acts_service._decode_field("items", value) or ())
                    yield TextArea(typed, id=f"field-{spec.id}", classes="act-items", soft_wrap=True)
                    continue
                yield FieldInput(
                    format_amount(Decimal(value), currency=False, grouping=False)
                    if spec.kind == "amount" and value
                    else str(value),
                    id=f"field-{spec.id}",
                )
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("enregistrer", fields=False))

    def action_save(self) -> None:
        values = {i.id.removeprefix("field-"): i.value for i in self.query(Input) if i.id is not None}
        values.update({a.id.removeprefix("field-"): a.text for a in self.query(TextArea) if a.id is not None})
        self._attempt(lambda: self.submit(values))


class ServeDialog(_Dialog):
    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Signifier", id="dialog.save"),
    ]

    def __init__(self, view: acts_service.ActView, submit):
        super().__init__()
        self.view, self.submit = view, submit

    def compose(self) -> ComposeResult:
        modes = self.view.act_type.service_modes
        with Vertical(classes="dialog"):
            yield Label(Text(f"Signifier — {self.view.act_type.label}", style="bold"))
            yield Label("Signifié le (jj/mm/aaaa) :")
            yield FieldInput(format_date(self.view.act.act_date), id="served-on")
            yield Label("Mode :")
            yield Choice([(SERVICE_MODES[m], m) for m in modes], allow_blank=False, value=modes[0], id="mode")
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("enregistrer la signification", fields=False))

    def on_mount(self) -> None:
        self.query_one("#served-on", Input).focus()

    def action_save(self) -> None:
        def call():
            served_on = parse_date(self.query_one("#served-on", Input).value)
            return self.submit(served_on, str(self.query_one("#mode", Select).value))

        self._attempt(call)


class ActsScreen(ClercScreen):
    HELP_TITLE = "Actes du dossier"
    CSS_PATH = "acts.tcss"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="acts.back"),
        Binding("n", "new", "Nouvel acte", id="acts.new"),
        Binding("e", "fields", "Compléments", id="acts.fields"),
        Binding("space", "tick", "Cocher", id="acts.tick"),
        Binding("f2", "verify", "Valider", id="acts.verify"),
        Binding("g", "serve", "Signifier", id="acts.serve"),
        Binding("x", "export", "Exporter", id="acts.export"),
        Binding("tab", "focus_next", "Zone suivante", show=False, id="acts.focus_next"),
    ]

    def __init__(self, dossier_id: int):
        super().__init__()
        self.dossier_id = dossier_id
        self.acts: list[acts_service.ActInfo] = []
        self.view: acts_service.ActView | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="act-title")
        yield RowTable(id="acts-list")
        yield RowTable(id="mentions")
        yield Static("", id="act-problems")
        with VerticalScroll(id="act-preview-scroll"):
            yield Static("", id="act-preview")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#acts-list", RowTable)
        # At 80 columns the État and the Article always show; the long texts shrink.
        for label, width, fit in (
            ("Acte", 52, ColumnFit(priority=9, min_width=24)),
            ("Date", 10, ColumnFit()),
            ("État", 30, ColumnFit(min_width=14)),
        ):
            table.add_column(label, width=width, **fit)
        mentions = self.query_one("#mentions", RowTable)
        for label, width, fit in (
            ("Mention", 70, ColumnFit(priority=9, min_width=30)),
            ("Article", 26, ColumnFit()),
            ("État", 10, ColumnFit()),
        ):
            mentions.add_column(label, width=width, **fit)
        self.refresh_data()
        self.query_one("#mentions", RowTable).focus()

    # --- data ---
    def refresh_data(self, select_id: int | None = None) -> None:
        try:
            self.acts = acts_service.dossier_acts(self.dossier_id)
        except Exception as error:
            self.app.show_error(error, "actes du dossier")
            return
        table = self.query_one("#acts-list", RowTable)
        current = select_id or (self.view.act.id if self.view else None)
        table.clear()
        for act in self.acts:
            state = STATES.get(act.state, act.state)
            if act.state == "verified":
                state += f" par {act.verified_by}"
            elif act.state == "served":
                state += f" le {format_date(act.served_on)}"
            table.add_row(act_type(act.act_type).label, format_date(act.act_date), state, key=str(act.id))
        index = next((i for i, a in enumerate(self.acts) if a.id == current), 0)
        if self.acts:
            table.move_cursor(row=index)
            self.show_act(self.acts[index].id)
        else:
            self.view = None
            self.query_one("#act-title", Static).update(
                Text(f"Aucun acte : {self.app.key_for(self, 'acts.new')} pour en rédiger un.")
            )

    def show_act(self, act_id: int) -> None:
        try:
            self.view = acts_service.act_view(act_id)
        except Exception as error:
            self.app.show_error(error, "acte")
            return
        draft = self.view.draft
        act = self.view.act
        blocking = len(draft.blocking)
        title = Text.assemble(
            (self.view.act_type.label, "bold"),
            "  ·  ",
            STATES.get(act.state, act.state),
            "  ·  ",
            (
                "conforme" if not blocking else f"{blocking} mention(s) à traiter",
                "green" if not blocking else "bold red",
            ),
        )
        self.query_one("#act-title", Static).update(inert_renderable(title))
        mentions = self.query_one("#mentions", RowTable)
        row = mentions.cursor_row if mentions.row_count else 0
        mentions.clear()
        for state in draft.states:
            marker = "[x] " if state.ticked else ("[ ] " if state.mention.manual else "    ")
            mentions.add_row(
                marker + state.mention.label, state.mention.article, MENTION_STATES[state.state], key=state.mention.id
            )
        if mentions.row_count:
            mentions.move_cursor(row=min(row, mentions.row_count - 1))
        problems = Text()
        for line in draft.problems + [p for s in draft.states for p in s.problems]:
            problems.append("• " + line + "\n")
        self.query_one("#act-problems", Static).update(inert_renderable(problems))
        banner = Text("PROJET INCOMPLET — NE PAS SIGNIFIER\n\n", style="bold red") if blocking else Text()
        self.query_one("#act-preview", Static).update(inert_renderable(banner + as_rich(draft.body)))

    @on(RowTable.RowHighlighted, "#acts-list")
    def _act_highlighted(self, event: RowTable.RowHighlighted) -> None:
        if event.row_key and (self.view is None or str(self.view.act.id) != event.row_key):
            self.show_act(int(event.row_key))

    def _run(self, call, context: str) -> bool:
        try:
            result = call()
        except ClercError as error:
            self.app.show_error(error, context)
            return False
        except Exception as error:
            self.app.show_error(error, context)
            return False
        for warning in getattr(result, "warnings", []) or []:
            self.app.notify(warning, severity="warning", timeout=10)
        return True

    # --- actions ---
    def action_back(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        def created(type_id):
            if not type_id:
                return
            holder = {}

            def call():
                holder["act"] = acts_service.draft_act(self.app.actor, self.dossier_id, type_id, today=self.app.today)
                return holder["act"]

            if self._run(call, "rédaction de l'acte"):
                self.refresh_data(select_id=holder["act"].id)

        self.app.push_screen(NewActDialog(), created)

    def _selected_view(self) -> acts_service.ActView | None:
        """The act shown, or None after saying that none is."""
        if self.view is None:
            new = self.app.key_for(self, "acts.new")
            self.app.notify(f"Aucun acte sélectionné : {new} pour en rédiger un.", severity="warning", markup=False)
        return self.view

    def action_fields(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        act_id, version = view.act.id, view.act.version
        self.app.push_screen(
            ActFieldsDialog(
                view,
                lambda values: acts_service.update_act(
                    self.app.actor, act_id, values, today=self.app.today, expected_version=version
                ),
            ),
            lambda result: self.refresh_data(),
        )

    def action_tick(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        mentions = self.query_one("#mentions", RowTable)
        if not mentions.row_count:
            return
        state = view.draft.states[mentions.cursor_row]
        if self._run(
            lambda: acts_service.tick(self.app.actor, view.act.id, state.mention.id, not state.ticked),
            "cocher une mention",
        ):
            self.show_act(view.act.id)

    def action_verify(self) -> None:
        view = self._selected_view()
        if view is not None and self._run(
            lambda: acts_service.verify(
                self.app.actor, view.act.id, today=self.app.today, expected_version=view.act.version
            ),
            "validation",
        ):
            self.app.notify("Acte vérifié.", title="Actes")
        self.refresh_data()

    def action_serve(self) -> None:
        from clerc_tui.services.context import refusal

        view = self._selected_view()
        if view is None:
            return
        refused = refusal(self.app.actor, "act.serve")
        if refused:  # said before the dialog; acts.serve refuses it anyway
            self.app.notify(refused, severity="error", timeout=8)
            return
        act_id, version = view.act.id, view.act.version

        def submit(served_on, mode):
            return acts_service.serve(
                self.app.actor, act_id, served_on, mode, today=self.app.today, expected_version=version
            )

        def done(act):
            if act is None:
                self.refresh_data()  # a refusal (another clerc's edit): show the act as it is now
                return
            for warning in getattr(act, "warnings", []) or []:
                self.app.notify(warning, severity="warning", timeout=10)
            self.app.notify("Signification enregistrée ; ses délais sont sur le dossier.", title="Actes")
            self.refresh_data()

        self.app.push_screen(ServeDialog(view, submit), done)

    def action_export(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        try:
            export = export_act(acts_service.act_export(view.act.id))
        except Exception as error:
            self.app.show_error(error, "export de l'acte")
            return
        names = ", ".join(p.name for p in export.files)
        suffix = " (projet incomplet)" if export.incomplete else ""
        self.app.notify(f"Acte exporté dans {export.folder} : {names}{suffix}", title="Export", timeout=10)
