"""The dossier's « 7 Échéancier » tab: the plan in force with each instalment's state (from the
ledger), the plans it replaced; `n` proposes a plan (or its replacement), editable (number of
instalments or monthly amount, first amount and date, day of the month) and recomputed as the
clerc types; `z` cancels the plan in force (reason). The debtor's confirmation letter is drafted
with the plan: it is in the dossier's acts (`t`). Rules: rules/plans.py; service: services/plans.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.french import format_amount, format_date, parse_amount, parse_date
from clerc_tui.rules.plans import INSTALMENT_STATES, KINDS, STATUSES
from clerc_tui.screens.deadline_modals import ReasonDialog, _Dialog
from clerc_tui.services import plans as service
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.inert import inert_renderable

if TYPE_CHECKING:
    from textual import getters

    from clerc_tui.app import ClercApp

STATE_STYLES = {"impayee": "bold reverse", "en_grace": "bold", "partielle": "bold", "payee": "dim", "a_venir": ""}


def plan_renderable(views: list[service.PlanView], today: date, key: Callable[[str], str]) -> RenderableType:
    """The dossier's plans as the tab shows them; `key(binding_id)`: the key that does it there."""
    parts: list[RenderableType] = [
        Text(
            f"{key('plan.propose')} : proposer un échéancier (ou le remplacer) · "
            f"{key('plan.cancel')} : annuler celui en cours",
            style="dim",
        )
    ]
    if not views:
        return Group(*parts, Text(""), Text("Aucun échéancier sur ce dossier."))
    for view in views:
        plan, state = view.plan, view.state
        head = Text.assemble(
            (f"Échéancier n° {plan.id} du {format_date(plan.starts_on)}", "bold"),
            f" — {KINDS[plan.kind]} — ",
            (state.label if plan.status == "actif" else STATUSES[plan.status], "bold"),
        )
        parts += [Text(""), head]
        parts.append(
            Text(
                f"Total {format_amount(plan.total)} · payé depuis {format_amount(state.paid)} · "
                f"reste {format_amount(state.left)} · délai de grâce {view.grace_days} jours"
            )
        )
        if plan.replaces_id:
            parts.append(Text(f"Remplace l'échéancier n° {plan.replaces_id}.", style="dim"))
        if plan.letter_act_id:
            parts.append(
                Text(
                    f"Lettre de confirmation au débiteur : acte n° {plan.letter_act_id} "
                    f"({key('dossier.acts')} : actes).",
                    style="dim",
                )
            )
        if plan.ended_on:
            parts.append(Text(f"Terminé le {format_date(plan.ended_on)} : {plan.ended_reason}", style="dim"))
        if plan.status != "actif":
            continue
        if state.first_missed is not None and state.default_on is not None:
            missed = state.first_missed.instalment
            parts.append(
                Text(
                    f"En défaut depuis le {format_date(state.default_on)} : échéance n° {missed.number} du "
                    f"{format_date(missed.due_on)} impayée.",
                    style="bold",
                )
            )
        table = Table(show_edge=False, expand=True)
        for column in ("N°", "Date", "Montant", "Payé", "État", "Réglée le"):
            table.add_column(column)
        for item in state.instalments:
            table.add_row(
                str(item.instalment.number),
                format_date(item.instalment.due_on),
                format_amount(item.instalment.amount),
                format_amount(item.paid),
                Text(INSTALMENT_STATES[item.state], style=STATE_STYLES[item.state]),
                format_date(item.paid_on) if item.paid_on else "",
            )
        parts.append(table)
    return Group(*parts)


class PlanPane(Vertical):
    """The tab's content: the plans, and the keys that make or end one."""

    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    BINDINGS = [
        Binding("n", "propose", "Proposer un échéancier", id="plan.propose"),
        Binding("delete", "cancel_plan", "Annuler l'échéancier", id="plan.cancel"),
    ]

    def __init__(self, dossier_id: int):
        super().__init__()
        self.dossier_id = dossier_id
        self.views: list[service.PlanView] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plan-scroll"):
            yield Static("", id="plan-body")

    def refresh_data(self) -> None:
        try:
            self.views = service.dossier_plans(self.dossier_id, self.app.today)
        except Exception as error:
            self.app.show_error(error, "échéancier")
            return
        self.query_one("#plan-body", Static).update(
            inert_renderable(plan_renderable(self.views, self.app.today, partial(self.app.key_for, self)))
        )

    @property
    def current(self) -> service.PlanView | None:
        return next((v for v in self.views if v.plan.status == "actif"), None)

    def _after(self, done: object) -> None:
        if done is not None:
            self.notify("Échéancier enregistré.", timeout=4)
            self.screen.refresh_data()  # type: ignore[attr-defined]  # the dossier screen

    def action_propose(self) -> None:
        app = self.app
        from clerc_tui.services.context import refusal

        if (message := refusal(app.actor, "write")) is not None:
            self.notify(message, severity="warning", timeout=6)
            return
        try:
            first = service.propose(self.dossier_id, app.today)
            current = service.current_plan(self.dossier_id, app.today)  # read again: another clerc may have made one
        except ClercError as error:
            self.notify(error.message, severity="warning", timeout=6)
            return
        app.push_screen(PlanDialog(self.dossier_id, app.today, first, current), self._after)

    def action_cancel_plan(self) -> None:
        current, app = self.current, self.app
        if current is None:
            self.notify("Aucun échéancier en cours.", timeout=4)
            return
        plan = current.plan

        def submit(reason: str) -> bool:
            service.cancel_plan(app.actor, plan.id, reason, today=app.today, expected_version=plan.version)
            return True

        detail = f"Échéancier n° {plan.id} du {format_date(plan.starts_on)}, total {format_amount(plan.total)}"
        app.push_screen(
            ReasonDialog("Annuler l'échéancier", detail, submit, placeholder="ex. le débiteur a retiré son accord"),
            self._after,
        )


def _optional_amount(text: str, what: str, field: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return parse_amount(text, allow_zero=False)
    except ClercError as error:
        raise InvalidInput(f"{what} : {error.message}", field=field) from None


def _optional_int(text: str, what: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(f"{what} : un nombre entier attendu (saisi « {text} »).", field=field)
    return int(text)


class PlanDialog(_Dialog):
    """The proposal, recomputed as the clerc types: the instalments and what they sum to; Ctrl+S
    (or Entrée) makes the plan, and its letter. A monthly amount, when typed, wins over the count."""

    CSS_PATH = "plans.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Enregistrer", id="dialog.save"),
    ]

    def __init__(
        self, dossier_id: int, today: date, first: service.PlanProposal, current: service.PlanView | None
    ) -> None:
        super().__init__()
        self.dossier_id, self.today, self.first, self.current = dossier_id, today, first, current
        self.total = first.proposal.total

    def compose(self) -> ComposeResult:
        p = self.first
        replacing = self.current is not None
        with Vertical(classes="dialog", id="plan-dialog"):
            title = "Nouvel échéancier (remplace celui en cours)" if replacing else "Nouvel échéancier"
            yield Label(Text(title, style="bold"))
            yield Static(self._capacity_text(), id="plan-debt")
            yield Label("Nature :")
            kind = self.current.plan.kind if self.current else "amiable"
            yield Choice([(label, k) for k, label in KINDS.items()], allow_blank=False, value=kind, id="plan-kind")
            yield Label("Nombre d'échéances :")
            yield FieldInput(str(p.count) if p.count else "", id="plan-count")
            yield Label("ou montant mensuel (l'emporte sur le nombre) :")
            yield FieldInput(format_amount(p.monthly, currency=False) if p.monthly else "", id="plan-monthly")
            yield Label("Première échéance : montant (facultatif, sinon comme les autres) :")
            yield FieldInput("", id="plan-first-amount")
            yield Label("Première échéance : date (jj/mm/aaaa) :")
            yield FieldInput(
                format_date(p.proposal.instalments[0].due_on), placeholder="jj/mm/aaaa", id="plan-first-on"
            )
            yield Label("Jour du mois des échéances suivantes (1 à 31 ; vide : celui de la première) :")
            yield FieldInput("", id="plan-day")
            if replacing:
                yield Label("Motif du remplacement (obligatoire) :")
                yield FieldInput(placeholder="ex. perte d'emploi, nouvelle proposition du débiteur", id="plan-reason")
            with VerticalScroll(id="plan-preview-scroll"):
                yield Static("", id="plan-preview")
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("enregistrer"))

    def _capacity_text(self) -> Text:
        p = self.first.proposal
        text = f"Total dû au {format_date(self.today)} (décompte) : {format_amount(self.total)}"
        if p.capacity is not None:
            text += f" · capacité connue : {format_amount(p.capacity)} par mois (fraction saisissable du salaire)"
        return Text(text)

    def on_mount(self) -> None:
        self.query_one("#plan-count", Input).focus()
        self._preview()

    def terms(self) -> dict:
        q = self.query_one
        monthly = _optional_amount(q("#plan-monthly", Input).value, "Montant mensuel", "monthly")
        count = None if monthly is not None else _optional_int(q("#plan-count", Input).value, "Nombre", "count")
        first_on_text = q("#plan-first-on", Input).value.strip()
        return {
            "count": count,
            "monthly": monthly,
            "first_amount": _optional_amount(q("#plan-first-amount", Input).value, "Première échéance", "first"),
            "first_on": parse_date(first_on_text) if first_on_text else None,
            "day": _optional_int(q("#plan-day", Input).value, "Jour du mois", "day"),
        }

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id != "plan-reason":
            self._preview()

    def _preview(self) -> None:
        preview = self.query_one("#plan-preview", Static)
        try:
            terms = self.terms()
            if terms["count"] is None and terms["monthly"] is None:
                raise InvalidInput("Donnez le nombre d'échéances ou le montant mensuel.")
            proposal = service.propose(self.dossier_id, self.today, **terms).proposal
        except ClercError as error:
            preview.update(inert_renderable(Text(error.message, style="bold")))
            return
        table = Table(show_edge=False)
        for column in ("N°", "Date", "Montant"):
            table.add_column(column)
        for item in proposal.instalments:
            table.add_row(str(item.number), format_date(item.due_on), format_amount(item.amount))
        summed = sum((i.amount for i in proposal.instalments), Decimal(0))
        lines: list[RenderableType] = [
            Text(f"{len(proposal.instalments)} échéance(s), total {format_amount(summed)}", style="bold"),
            *[Text(w, style="bold") for w in proposal.warnings],
            table,
        ]
        preview.update(inert_renderable(Group(*lines)))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        app, current = self.app, self.current

        def make() -> service.PlanView:
            reason = self.query_one("#plan-reason", Input).value if current else ""
            return service.create_plan(
                app.actor,
                self.dossier_id,
                str(self.query_one("#plan-kind", Select).value),
                today=self.today,
                expected_total=self.total,
                replaces=current.plan.id if current else None,
                expected_version=current.plan.version if current else None,
                reason=reason,
                **self.terms(),
            )

        self._attempt(make)
