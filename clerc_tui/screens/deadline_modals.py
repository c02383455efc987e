"""Small dialogs of the deadlines: the reason of « fait », the new date and reason of « reporter »,
and the act recorded on a dossier (procedure, step, date served).

Each dialog is given a `submit` function that calls the service; a refusal (`ClercError`,
e.g. an empty reason) is shown in place and the dialog stays open with the typing kept.
On success the dialog is dismissed with the service's result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from clerc_tui.errors import ClercError
from clerc_tui.rules.french import format_date, parse_date
from clerc_tui.rules.procedures import DATE_FACTS, FACTS, conditions, procedure, procedures
from clerc_tui.screens.form import FormDialog
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.inert import inert_renderable

REOPEN_EXAMPLE = "ex. marquée faite par erreur, acte annulé"
FACT_CHOICES = (("inconnu (date la plus sûre)", "?"), ("oui", "oui"), ("non", "non"))


class _Dialog(FormDialog):
    """A framed dialog: Échap cancels (asking first when something was typed), errors are
    written in #dialog-error."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="dialog.cancel")]

    def action_cancel(self) -> None:
        self.request_leave()

    def keys_line(self, saved: str, *, fields: bool = True, enter: bool = False) -> Text:
        """« Tab : champ suivant · Ctrl+S : enregistrer · Échap : annuler », with this dialog's
        keys (ClercApp.key_for: its bindings, the user's keymap)."""
        save, cancel = self.app.key_for(self, "dialog.save"), self.app.key_for(self, "dialog.cancel")
        parts = ["Tab : champ suivant"] if fields else []
        parts += [f"{'Entrée ou ' if enter else ''}{save} : {saved}", f"{cancel} : annuler"]
        return Text(" · ".join(parts), style="dim")

    def show_error(self, message: str) -> None:
        self.query_one("#dialog-error", Static).update(inert_renderable(Text(message, style="bold")))

    def _attempt(self, call: Callable[[], object]) -> None:
        try:
            result = call()
        except ClercError as error:
            self.show_error(error.message)
            return
        except Exception as error:
            self.app.show_error(error, "échéance")
            return
        self.dismiss(result)


class ReasonDialog(_Dialog):
    """« Fait » : why this deadline is dealt with."""

    def __init__(
        self,
        title: str,
        detail: str,
        submit: Callable[[str], object],
        placeholder: str = "ex. dénonciation signifiée le 27/11, acte n° 1234",
    ):
        super().__init__()
        self.title_text, self.detail, self.submit, self.placeholder = title, detail, submit, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(inert_renderable(Text(self.title_text, style="bold")))
            yield Static(inert_renderable(Text(self.detail)))
            yield Label("Motif (obligatoire) :")
            yield FieldInput(placeholder=self.placeholder, id="reason")
            yield Static("", id="dialog-error")
            yield Static(Text("Entrée : valider · Échap : annuler", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        self._attempt(lambda: self.submit(event.value))


class MoveDialog(_Dialog):
    """« Reporter » : the new date (jj/mm/aaaa) and the reason."""

    def __init__(self, title: str, detail: str, current: date, submit: Callable[[date, str], object]):
        super().__init__()
        self.title_text, self.detail, self.current, self.submit = title, detail, current, submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(inert_renderable(Text(self.title_text, style="bold")))
            yield Static(inert_renderable(Text(self.detail)))
            yield Label(f"Nouvelle date (jj/mm/aaaa), actuellement le {format_date(self.current)} :")
            yield FieldInput(placeholder="jj/mm/aaaa", id="new-date")
            yield Label("Motif (obligatoire) :")
            yield FieldInput(placeholder="ex. délai accordé par le juge, audience renvoyée", id="reason")
            yield Static("", id="dialog-error")
            yield Static(Text("Entrée : champ suivant puis valider · Échap : annuler", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#new-date", Input).focus()

    @on(Input.Submitted, "#new-date")
    def _date_submitted(self, event: Input.Submitted) -> None:
        try:
            parse_date(event.value)
        except ClercError as error:
            self.show_error(error.message)
            return
        self.show_error("")
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        def call():
            new_date = parse_date(self.query_one("#new-date", Input).value)
            return self.submit(new_date, self.query_one("#reason", Input).value)

        self._attempt(call)


class StepDialog(_Dialog):
    """« Acte » : record a procedure step served on a date; asks the facts the step depends on."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Enregistrer", id="dialog.save"),
    ]

    def __init__(
        self,
        today: date,
        submit: Callable[[str, str, date, dict], object],
        procedure_id: str | None = None,
        step_id: str | None = None,
    ):
        super().__init__()
        self.today, self.submit = today, submit
        self.procedure_id = procedure_id or procedures()[0].id
        self.step_id = self._initial_step(step_id)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="step-dialog"):
            yield Label(Text("Enregistrer un acte accompli", style="bold"))
            yield Label("Procédure :")
            yield Choice(
                [(p.label, p.id) for p in procedures()], allow_blank=False, value=self.procedure_id, id="procedure"
            )
            yield Label("Étape (acte) :")
            yield Choice(self._step_options(), allow_blank=False, value=self.step_id, id="step")
            yield Label("Signifié ou accompli le (jj/mm/aaaa) :")
            yield FieldInput(format_date(self.today), placeholder="jj/mm/aaaa", id="served-on")
            yield Vertical(id="facts")
            yield Static("", id="step-preview")
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("enregistrer", enter=True))

    def _step_options(self) -> list[tuple[str, str]]:
        return [(s.act, s.id) for s in procedure(self.procedure_id).steps]

    def _initial_step(self, wanted: str | None) -> str:
        """`wanted` if the procedure has that step, else its first."""
        ids = [s.id for s in procedure(self.procedure_id).steps]
        return wanted if wanted in ids else ids[0]

    def on_mount(self) -> None:
        self._show_facts()
        self.query_one("#procedure", Select).focus()

    @on(Select.Changed, "#procedure")
    def _procedure_changed(self, event: Select.Changed) -> None:
        if event.value == self.procedure_id or event.value is Select.BLANK:
            return
        self.procedure_id = str(event.value)
        self.step_id = procedure(self.procedure_id).steps[0].id
        step_select = self.query_one("#step", Select)
        step_select.set_options(self._step_options())
        step_select.value = self.step_id
        self._show_facts()

    @on(Select.Changed, "#step")
    def _step_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value == self.step_id:
            return
        self.step_id = str(event.value)
        self._show_facts()

    def _needed_facts(self) -> tuple[list[str], bool]:
        step = procedure(self.procedure_id).step(self.step_id)
        names = sorted(
            {c.removeprefix("not ") for d in step.deadlines for c in conditions(d.when)}
            | {w.when.removeprefix("not ") for w in step.warn_without}
        )
        return names, any(d.start == "hearing_on" for d in step.deadlines)

    def _show_facts(self) -> None:
        box = self.query_one("#facts", Vertical)
        box.remove_children()
        names, needs_hearing = self._needed_facts()
        widgets = []
        for name in names:
            widgets += [
                Label(Text(FACTS[name].capitalize() + " ?")),
                Choice(FACT_CHOICES, allow_blank=False, value="?", id=f"fact-{name}"),
            ]
        if needs_hearing:
            widgets += [
                Label(f"{DATE_FACTS['hearing_on'].capitalize()} (jj/mm/aaaa) :"),
                FieldInput(placeholder="jj/mm/aaaa", id="fact-hearing_on"),
            ]
        if widgets:
            box.mount_all(widgets)
        step = procedure(self.procedure_id).step(self.step_id)
        created = ", ".join(d.label for d in step.deadlines) or "aucun"
        self.query_one("#step-preview", Static).update(Text(f"Délais créés : {created}.", style="dim"))

    def facts(self) -> dict:
        names, needs_hearing = self._needed_facts()
        values: dict = {}
        for name in names:
            choice = self.query_one(f"#fact-{name}", Select).value
            if choice in ("oui", "non"):
                values[name] = choice == "oui"
        if needs_hearing:
            text = self.query_one("#fact-hearing_on", Input).value
            if text.strip():
                values["hearing_on"] = parse_date(text)
        return values

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        def call():
            served_on = parse_date(self.query_one("#served-on", Input).value)
            return self.submit(self.procedure_id, self.step_id, served_on, self.facts())

        self._attempt(call)


class DeadlinePicker(_Dialog):
    """Which open deadline of the dossier: ↑/↓ then Entrée."""

    def __init__(self, title: str, choices: list[tuple[int, str]]):
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(classes="dialog"):
            yield Label(inert_renderable(Text(self.title_text, style="bold")))
            yield OptionList(
                *[Option(Text(label), id=str(deadline_id)) for deadline_id, label in self.choices],
                id="deadline-choices",
            )
            yield Static("", id="dialog-error")
            yield Static(Text("↑/↓ puis Entrée · Échap : annuler", style="dim"))

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        self.query_one("#deadline-choices", OptionList).focus()

    def on_option_list_option_selected(self, event) -> None:
        self.dismiss(int(event.option.id))


# --- the dossier screen's deadline actions (kept here so dossier_view.py stays small) -----


def _open_choices(screen) -> list[tuple[int, str]]:
    view = screen.view
    if view is None:
        return []
    return [
        (d.id, f"{format_date(d.due_date)}  {d.label}  ({d.basis})")
        for d in sorted(view.deadlines, key=lambda d: (d.due_date, d.id))
        if not d.done
    ]


def _check_write(screen) -> bool:
    from clerc_tui.services.context import refusal

    refused = refusal(screen.app.actor, "write")
    if refused:
        screen.notify(refused, severity="error", timeout=6)
        return False
    return True


def dossier_record_step(screen, procedure_id: str | None = None, step_id: str | None = None) -> None:
    """`p` on a dossier: the act served, its deadlines created, the earlier ones it answers closed.
    `procedure_id`/`step_id`: the ones proposed (a measure chosen, screens/solvency.py)."""
    from clerc_tui.services import deadlines as deadline_service

    if screen.view is None or not _check_write(screen):
        return
    app, dossier_id = screen.app, screen.dossier_id
    open_rows = [d for d in screen.view.deadlines if not d.done and d.procedure_id]
    current = procedure_id or (open_rows[0].procedure_id if open_rows else None)

    def submit(procedure_id: str, step_id: str, served_on: date, facts: dict):
        return deadline_service.record_step(
            app.actor, dossier_id, procedure_id, step_id, served_on, facts, today=app.today
        )

    def after(result) -> None:
        if result is None:
            return
        message = f"Acte enregistré : {len(result.created)} délai(s) créé(s), {len(result.closed)} fermé(s)."
        screen.notify(message, timeout=5)
        for warning in result.warnings:
            screen.notify(warning, severity="warning", timeout=15)
        screen.refresh_data()

    app.push_screen(StepDialog(app.today, submit, procedure_id=current, step_id=step_id), after)


def _done_choices(screen) -> list[tuple[int, str]]:
    view = screen.view
    if view is None:
        return []
    return [
        (d.id, f"fait le {format_date(d.done_on)}  {d.label}  — {d.done_reason}")
        for d in sorted(view.deadlines, key=lambda d: (d.done_on or date.min, d.id), reverse=True)
        if d.done
    ]


def _versions(screen) -> dict[int, int]:
    """The version of each deadline as shown: an edit since by another clerc is refused."""
    return {d.id: d.version for d in screen.view.deadlines} if screen.view is not None else {}


def _pick_open_deadline(
    screen,
    question: str,
    then,
    choices: list[tuple[int, str]] | None = None,
    none: str = "Aucune échéance ouverte sur ce dossier.",
) -> None:
    """Ask which open deadline of the dossier on `screen`, then call `then(deadline_id, label)`."""
    choices = _open_choices(screen) if choices is None else choices
    if not choices:
        screen.notify(none, timeout=4)
        return
    if not _check_write(screen):
        return
    labels = dict(choices)

    def picked(deadline_id: int | None) -> None:
        if deadline_id is not None:
            then(deadline_id, labels[deadline_id])

    screen.app.push_screen(DeadlinePicker(question, choices), picked)


def dossier_mark_done(screen) -> None:
    from clerc_tui.services import deadlines as deadline_service

    app = screen.app
    versions = _versions(screen)

    def ask_reason(deadline_id: int, label: str) -> None:
        def submit(reason: str):
            return deadline_service.mark_done(
                app.actor, deadline_id, reason, today=app.today, expected_version=versions[deadline_id]
            )

        app.push_screen(
            ReasonDialog("Marquer l'échéance comme faite", label, submit), lambda result: screen.refresh_data()
        )

    _pick_open_deadline(screen, "Quelle échéance est faite ?", ask_reason)


def dossier_move(screen) -> None:
    from clerc_tui.services import deadlines as deadline_service

    app = screen.app
    due = {d.id: d.due_date for d in screen.view.deadlines}
    versions = _versions(screen)

    def ask_date(deadline_id: int, label: str) -> None:
        def submit(new_date: date, reason: str):
            return deadline_service.move(
                app.actor, deadline_id, new_date, reason, today=app.today, expected_version=versions[deadline_id]
            )

        app.push_screen(
            MoveDialog("Reporter l'échéance", label, due[deadline_id], submit), lambda result: screen.refresh_data()
        )

    _pick_open_deadline(screen, "Quelle échéance reporter ?", ask_date)


def dossier_reopen(screen) -> None:
    """`o` on a dossier: a deadline marked done (by hand or by an act) is open again, with a reason."""
    from clerc_tui.services import deadlines as deadline_service

    app = screen.app
    versions = _versions(screen)

    def ask_reason(deadline_id: int, label: str) -> None:
        def submit(reason: str):
            return deadline_service.reopen(
                app.actor, deadline_id, reason, today=app.today, expected_version=versions[deadline_id]
            )

        app.push_screen(
            ReasonDialog("Rouvrir l'échéance", label, submit, placeholder=REOPEN_EXAMPLE),
            lambda result: screen.refresh_data(),
        )

    _pick_open_deadline(
        screen,
        "Quelle échéance rouvrir ?",
        ask_reason,
        _done_choices(screen),
        none="Aucune échéance faite sur ce dossier.",
    )
