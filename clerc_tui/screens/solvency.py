"""The dossier's « 6 Solvabilité » tab (the debtors' solvency files: n adds a fact, u corrects one,
z ends one) and the recommendation (`m` on the dossier): the next measures, ranked and explained;
Entrée on one starts its procedure through the dossier's `p` dialog (screens/deadline_modals.py).

Every fact is user text: shown as `Text` through `inert_renderable`, never parsed as markup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.french import format_amount, format_date, parse_amount, parse_date
from clerc_tui.rules.measures import Recommendation, wage_share
from clerc_tui.rules.solvency import AMOUNT_LABELS, KINDS, SOURCES, STALE, TYPED_SOURCES, Fact, is_stale
from clerc_tui.screens.base import ClercModal
from clerc_tui.screens.deadline_modals import DeadlinePicker, _Dialog
from clerc_tui.services import solvency as service
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.inert import inert_renderable

if TYPE_CHECKING:
    from textual import getters

    from clerc_tui.app import ClercApp


def _fact_line(fact: Fact, today: date, months: int) -> tuple[Text, str, str, str, Text]:
    what = Text(fact.label or "—")
    if fact.detail:
        what.append(f" — {fact.detail}", style="dim")
    amount = f"{format_amount(fact.amount)} ({AMOUNT_LABELS.get(fact.kind, 'montant')})" if fact.amount else ""
    when = format_date(fact.known_on) if fact.known_on else "non daté"
    state = Text("")
    if fact.ended_on:
        state = Text(f"terminé le {format_date(fact.ended_on)}")
    elif is_stale(fact, today, months):
        state = Text(f" {STALE.upper()} ", style="bold reverse")
    return what, amount, when, SOURCES.get(fact.source, fact.source), state


def solvency_renderable(file: service.DossierSolvency, key: Callable[[str], str]) -> RenderableType:
    """The file as the tab shows it; `key(binding_id)`: the key that does it there (as plan_renderable)."""
    keys = f"{key('solvency.add')} : ajouter · {key('solvency.correct')} : corriger · {key('solvency.end')} : terminer"
    parts: list[RenderableType] = [
        Text(
            f"Un renseignement de plus de {file.stale_months} mois (ou non daté) est marqué « {STALE} » : "
            f"le vérifier avant d'agir.  {keys}",
            style="dim",
        )
    ]
    for position, debtor in enumerate(file.debtors):
        role = "Débiteur principal" if position == 0 else "Co-obligé"
        parts += [Text(""), Text.assemble((f"{role} : ", "bold"), Text(debtor.name, style="bold"))]
        wage = wage_share(debtor.facts, file.today)
        if wage.job is not None:
            style = "bold" if wage.share is not None else ""
            parts.append(Text(f"Salaire saisissable : {wage.text}", style=style))
        if not debtor.facts:
            parts.append(Text("Aucun renseignement de solvabilité."))
        for kind, label in KINDS.items():
            facts = [f for f in debtor.facts if f.kind == kind]
            if not facts:
                continue
            table = Table(title=label, title_justify="left", title_style="bold", show_edge=False, expand=True)
            for column in ("Renseignement", "Montant", "Date", "Source", "État"):
                table.add_column(column)
            for fact in facts:
                table.add_row(*_fact_line(fact, file.today, file.stale_months))
            parts.append(table)
        past = [f for f in debtor.history if f.id is not None and f not in debtor.facts]
        replaced = {f.supersedes_id for f in debtor.history if f.supersedes_id is not None}
        if past:
            parts += [Text(""), Text("Historique (remplacés ou terminés : gardés tels qu'enregistrés)", style="bold")]
            for fact in past:
                what = "remplacé" if fact.id in replaced else "enregistré"
                parts.append(
                    Text(
                        f"{KINDS[fact.kind]} : {fact.label or '—'} — {SOURCES.get(fact.source, fact.source)}, "
                        f"{format_date(fact.known_on) if fact.known_on else 'non daté'}"
                        + (f", terminé le {format_date(fact.ended_on)}" if fact.ended_on else "")
                        + f" ({what} par {fact.recorded_by})",
                        style="dim",
                    )
                )
    return Group(*parts)


class SolvencyPane(Vertical):
    """The tab's content: the file, and the keys that change it."""

    if TYPE_CHECKING:
        app = getters.app(ClercApp)

    BINDINGS = [
        Binding("n", "add", "Nouveau renseignement", id="solvency.add"),
        Binding("C", "correct", "Corriger", id="solvency.correct"),
        Binding("delete", "end", "Terminer", id="solvency.end"),
    ]

    def __init__(self, dossier_id: int):
        super().__init__()
        self.dossier_id = dossier_id
        self.file: service.DossierSolvency | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="solvency-scroll"):
            yield Static("", id="solvency-body")

    def refresh_data(self) -> None:
        try:
            self.file = service.dossier_solvency(self.dossier_id, self.app.today)
        except Exception as error:
            self.app.show_error(error, "solvabilité")
            return
        self.query_one("#solvency-body", Static).update(
            inert_renderable(solvency_renderable(self.file, partial(self.app.key_for, self)))
        )

    def _facts(self) -> list[Fact]:
        return [f for d in (self.file.debtors if self.file else ()) for f in d.facts]

    def _after(self, fact) -> None:
        if fact is not None:
            self.notify("Renseignement enregistré.", timeout=4)
            self.screen.refresh_data()  # type: ignore[attr-defined]  # the dossier screen

    def action_add(self) -> None:
        if not self.file or not self.file.debtors:
            return
        app = self.app
        debtors = [(d.debtor_id, d.name) for d in self.file.debtors]

        def submit(values: dict):
            return service.record_fact(
                app.actor,
                today=app.today,
                dossier_id=self.dossier_id,
                **values,
            )

        app.push_screen(FactDialog("Nouveau renseignement de solvabilité", submit, app.today, debtors), self._after)

    def _pick(self, title: str, then: Callable[[Fact], None]) -> None:
        facts = self._facts()
        if not facts:
            self.notify("Aucun renseignement en cours.", timeout=4)
            return
        choices = [
            (
                i,
                f"{KINDS[f.kind]} : {f.label or '—'} ({SOURCES.get(f.source, f.source)}, "
                f"{format_date(f.known_on) if f.known_on else 'non daté'})",
            )
            for i, f in enumerate(facts)
        ]
        self.app.push_screen(DeadlinePicker(title, choices), lambda i: then(facts[i]) if i is not None else None)

    def action_correct(self) -> None:
        app = self.app

        def correct(fact: Fact) -> None:
            def submit(values: dict):
                values.pop("debtor_id")
                return service.record_fact(
                    app.actor,
                    fact.debtor_id,
                    today=app.today,
                    dossier_id=self.dossier_id,
                    supersedes_id=fact.id,
                    card_ref="" if fact.id else fact.card_ref,
                    **values,
                )

            app.push_screen(FactDialog("Corriger le renseignement", submit, app.today, [], fact), self._after)

        self._pick("Quel renseignement corriger ?", correct)

    def action_end(self) -> None:
        app = self.app

        def end(fact: Fact) -> None:
            def submit(ended_on: date, _reason: str):
                return service.end_fact(app.actor, fact, ended_on, today=app.today, dossier_id=self.dossier_id)

            app.push_screen(EndDialog(fact, submit), self._after)

        self._pick("Quel renseignement a pris fin ?", end)


class FactDialog(_Dialog):
    """A fact: nature, what, details, amount, date of the information, source. Errors in place."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Enregistrer", id="dialog.save"),
    ]

    def __init__(
        self,
        title: str,
        submit: Callable[[dict], object],
        today: date,
        debtors: list[tuple[int, str]],
        fact: Fact | None = None,
    ):
        super().__init__()
        self.title_text, self.submit, self.today, self.debtors, self.fact = title, submit, today, debtors, fact

    def compose(self) -> ComposeResult:
        f = self.fact
        with Vertical(classes="dialog", id="fact-dialog"):
            yield Label(inert_renderable(Text(self.title_text, style="bold")))
            if len(self.debtors) > 1:
                yield Label("Débiteur :")
                yield Choice([(Text(n), i) for i, n in self.debtors], allow_blank=False, id="fact-debtor")
            yield Label("Nature :")
            yield Choice(
                [(label, kind) for kind, label in KINDS.items()],
                allow_blank=False,
                value=f.kind if f else "employment",
                id="fact-kind",
            )
            yield Label("Renseignement (employeur, banque, véhicule, créancier…) :")
            yield FieldInput(f.label if f else "", id="fact-label")
            yield Label("Précisions (adresse, IBAN, immatriculation…) :")
            yield FieldInput(f.detail if f else "", id="fact-detail")
            yield Label("Montant (salaire net mensuel, solde, valeur ; facultatif) :")
            yield FieldInput(format_amount(f.amount, currency=False) if f and f.amount else "", id="fact-amount")
            yield Label("Date du renseignement (jj/mm/aaaa) :")
            yield FieldInput(format_date(self.today), placeholder="jj/mm/aaaa", id="fact-date")
            yield Label("Source :")
            source = f.source if f and f.source in TYPED_SOURCES else "ficoba"
            yield Choice([(SOURCES[s], s) for s in TYPED_SOURCES], allow_blank=False, value=source, id="fact-source")
            yield Static("", id="dialog-error")
            yield Static(self.keys_line("enregistrer"))

    def on_mount(self) -> None:
        self.query_one("#fact-kind", Select).focus()

    def values(self) -> dict:
        text = self.query_one("#fact-amount", Input).value.strip()
        try:
            amount = parse_amount(text) if text else None
        except ClercError as error:
            raise InvalidInput(f"Montant : {error.message}", field="amount") from None
        when = self.query_one("#fact-date", Input).value.strip()
        debtor = self.query("#fact-debtor")
        return {
            "debtor_id": debtor.first(Select).value if debtor else (self.debtors[0][0] if self.debtors else 0),
            "kind": self.query_one("#fact-kind", Select).value,
            "label": self.query_one("#fact-label", Input).value,
            "detail": self.query_one("#fact-detail", Input).value,
            "amount": amount,
            "known_on": parse_date(when) if when else None,
            "source": self.query_one("#fact-source", Select).value,
        }

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self._attempt(lambda: self.submit(self.values()))


class EndDialog(_Dialog):
    """« A pris fin le … » (left the employer, account closed, vehicle sold)."""

    def __init__(self, fact: Fact, submit: Callable[[date, str], object]):
        super().__init__()
        self.fact, self.submit = fact, submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Le renseignement a pris fin", style="bold"))
            yield Static(inert_renderable(Text(f"{KINDS[self.fact.kind]} : {self.fact.label}")))
            yield Label("Fin le (jj/mm/aaaa), ex. a quitté l'employeur le … :")
            yield FieldInput(placeholder="jj/mm/aaaa", id="end-date")
            yield Static("", id="dialog-error")
            yield Static(Text("Entrée : enregistrer · Échap : annuler", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#end-date", Input).focus()

    @on(Input.Submitted, "#end-date")
    def _submitted(self, event: Input.Submitted) -> None:
        self._attempt(lambda: self.submit(parse_date(event.value), ""))


def measure_detail(item: Recommendation) -> RenderableType:
    m = item.measure
    rows: list[RenderableType] = [
        Text(m.label, style="bold"),
        Text("possible" if item.possible else "pas encore possible", style="bold" if item.possible else "dim"),
        Text(""),
        Text("Pourquoi", style="bold"),
        *[Text(f"• {reason}") for reason in item.reasons],
        Text(""),
        Text.assemble(("Ce qu'elle rapporterait : ", "bold"), Text(item.brings)),
        Text.assemble(
            ("Coût au tarif (avancé par le créancier) : ", "bold"),
            format_amount(item.cost) if item.cost is not None else "non chiffré",
        ),
        *[Text(f"  {line}", style="dim") for line in item.cost_lines],
    ]
    if item.missing:
        rows += [Text(""), Text("Ce qui manque ou est à vérifier", style="bold")]
        rows += [Text(f"• {line}") for line in item.missing]
    rows += [Text(""), Text(f"Fondement : {m.basis}", style="dim")]
    if m.procedure:
        rows.append(Text("Entrée : commencer la procédure (premier acte)", style="dim"))
    else:
        rows.append(Text("Pas de procédure au catalogue : Entrée la note au dossier à faire à la main.", style="dim"))
    return Group(*rows)


class MeasuresScreen(ClercModal[Recommendation | None]):
    """The next measures, ranked; ↑/↓ shows each one's reasons, Entrée chooses it."""

    HELP_TITLE = "Mesures recommandées"
    CSS_PATH = "solvency.tcss"
    BINDINGS = [Binding("escape", "close", "Retour", id="measures.close")]

    def __init__(self, plan: service.MeasurePlan):
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(classes="dialog", id="measures-dialog"):
            yield Label(
                inert_renderable(
                    Text.assemble(
                        ("Mesures recommandées", "bold"),
                        f"  au {format_date(plan.on)} · dû {format_amount(plan.due)} · titre : "
                        f"{'oui' if plan.has_title else 'non'} · ",
                        Text(plan.debtor_name),
                    )
                )
            )
            yield OptionList(
                *[
                    Option(
                        Text(
                            f"{n}. {item.measure.label}"
                            + ("" if item.possible else "  (manque : " + item.missing[0] + ")"),
                            style="" if item.possible else "dim",
                        ),
                        id=item.measure.id,
                    )
                    for n, item in enumerate(plan.measures, 1)
                ],
                id="measures-list",
            )
            with VerticalScroll(id="measure-detail-scroll"):
                yield Static("", id="measure-detail")
            yield Static(Text("↑/↓ : mesure · Entrée : la choisir · Échap : retour", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#measures-list", OptionList).focus()
        self._show(0)

    def _show(self, index: int | None) -> None:
        if index is None or not self.plan.measures:
            return
        self.query_one("#measure-detail", Static).update(inert_renderable(measure_detail(self.plan.measures[index])))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.plan.measures[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


def choose_measure(screen) -> None:
    """`m` on a dossier: the measures ranked; the one chosen starts its procedure through the
    same dialog as `p` (procedure and first act proposed), or says what to do by hand."""
    from clerc_tui.screens.deadline_modals import dossier_record_step

    try:
        plan = service.recommend(screen.dossier_id, screen.app.today)
    except Exception as error:
        screen.app.show_error(error, "mesures recommandées")
        return

    def chosen(item: Recommendation | None) -> None:
        if item is None:
            return
        if not item.possible:
            screen.notify("Pas encore possible : " + " ; ".join(item.missing), severity="warning", timeout=8)
        if item.measure.procedure:
            dossier_record_step(screen, item.measure.procedure, item.measure.step)
        else:
            screen.notify(
                f"{item.measure.label} : hors des procédures suivies par clerc, à faire à la main.", timeout=8
            )

    screen.app.push_screen(MeasuresScreen(plan), chosen)
