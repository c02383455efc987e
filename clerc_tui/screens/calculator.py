"""`c`: an interest computation outside any dossier, recomputed as the clerc types.

Same engine, rates (shipped + étude) and convention as the décomptes. A field that
cannot be read shows its French message right under it and keeps its typing; the
result stays empty until principal and both dates are given.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.report.statement import interest_renderable
from clerc_tui.rules.dates import format_date, parse_date
from clerc_tui.rules.interest import CIVIL_YEAR, CONTRACTUAL, DAY_BASIS_LABELS, KIND_LABELS, InterestTerms
from clerc_tui.rules.money import parse_amount
from clerc_tui.rules.rates import CATEGORY_LABELS, parse_rate_value
from clerc_tui.services.statement import calculate_interest
from clerc_tui.widgets.form_field import FormField
from clerc_tui.widgets.key_bar import KeyBar

# Which field an error of InterestTerms / compute_interest belongs to.
TERMS_FIELDS = {"kind": "kind", "category": "category", "majoration_from": "majoration_from",
                "majoration_points": "majoration_points", "rate": "rate", "day_basis": "day_basis"}


class CalculatorScreen(Screen):
    HELP_TITLE = "Calculatrice d'intérêts"
    BINDINGS = [Binding("escape", "close", "Retour", id="calculator.close")]
    DEFAULT_CSS = """
    CalculatorScreen #calc-grid { grid-size: 3; grid-gutter: 0 1; height: auto; padding: 0 1; }
    CalculatorScreen #calc-result { height: 1fr; padding: 0 1; }
    CalculatorScreen #calc-status { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.result = None

    def _fields(self) -> list[FormField]:
        today = format_date(self.app.today)
        return [
            FormField("principal", "Principal", Input(placeholder="3 000,00")),
            FormField("start", "Du (départ des intérêts)", Input(placeholder="jj/mm/aaaa")),
            FormField("end", "Au (paiement, arrêté)", Input(value=today, placeholder="jj/mm/aaaa")),
            FormField("kind", "Nature", Select([(label, key) for key, label in KIND_LABELS.items()], value="legal",
                                               allow_blank=False)),
            FormField("category", "Créancier", Select([(label, key) for key, label in CATEGORY_LABELS.items()],
                                                      value="particulier", allow_blank=False)),
            FormField("majoration_from", "Majoration à partir du", Input(placeholder="jj/mm/aaaa (facultatif)"),
                      hint="L313-3"),
            FormField("majoration_points", "Points de majoration", Input(value="5", placeholder="0 à 5")),
            FormField("capitalisation_from", "Capitalisation à compter du", Input(placeholder="jj/mm/aaaa (facultatif)"),
                      hint="1343-2"),
            FormField("rate", "Taux conventionnel ou convenu", Input(placeholder="% l'an (facultatif)")),
            FormField("day_basis", "Base (conventionnel)",
                      Select([(label, key) for key, label in DAY_BASIS_LABELS.items()], value=CIVIL_YEAR,
                             allow_blank=False)),
        ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="calc-grid"):
            yield from self._fields()
        yield Static("", id="calc-status")
        with VerticalScroll(id="calc-result"):
            yield Static("", id="calc-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.field("principal").control.focus()
        self.recompute()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.recompute()

    def recompute(self) -> None:
        errors: dict[str, str] = {}
        values = {}

        def read(name, parse, *, required=False):
            text = self.field(name).value.strip()
            if not text:
                if required:
                    values[name] = None
                return None
            try:
                value = parse(text)
            except ClercError as exc:
                errors[name] = exc.message
                return None
            values[name] = value
            return value

        principal = read("principal", parse_amount, required=True)
        start = read("start", parse_date, required=True)
        end = read("end", parse_date, required=True)
        majoration_from = read("majoration_from", parse_date)
        points = read("majoration_points", lambda t: parse_rate_value(t, where="Points de majoration"))
        capitalisation = read("capitalisation_from", parse_date)
        rate = read("rate", lambda t: parse_rate_value(t, where="Taux"))
        kind, category = self.field("kind").value, self.field("category").value
        body = self.query_one("#calc-body", Static)
        status = self.query_one("#calc-status", Static)
        self.result = None
        terms = None
        if not errors:
            try:
                terms = InterestTerms(kind=kind, category=category, majoration_from=majoration_from,
                                      majoration_points=points if points is not None else Decimal(5),
                                      rate=rate, capitalisation_from=capitalisation,
                                      day_basis=self.field("day_basis").value if kind == CONTRACTUAL else None)
            except InvalidInput as exc:
                errors[TERMS_FIELDS.get(exc.field or "", "kind")] = exc.message
        missing = [label for name, label in (("principal", "le principal"), ("start", "la date de départ"),
                                             ("end", "la date de fin")) if values.get(name) is None and name not in errors]
        if terms is not None and not errors and not missing:
            try:
                self.result = calculate_interest(principal, start, end, terms)
            except InvalidInput as exc:
                errors["end" if "date de fin" in exc.message else exc.field or "principal"] = exc.message
            except ClercError as exc:  # MissingRate: the message names the semester
                body.update(Text(exc.message, style="bold red"))
                status.update("")
                self._show_errors(errors)
                return
            except Exception as error:  # noqa: BLE001 - never a traceback on screen
                self.app.show_error(error, "calculatrice d'intérêts")
                return
        self._show_errors(errors)
        if self.result is not None:
            body.update(interest_renderable(self.result))
            status.update("")
        else:
            body.update("")
            if errors:
                status.update(Text(f"{len(errors)} champ{'s' if len(errors) > 1 else ''} à corriger."))
            elif missing:
                status.update(Text("Saisissez " + ", ".join(missing) + "."))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in self.query(FormField):
            field.set_error(errors.get(field.field_name))

    def action_close(self) -> None:
        self.dismiss(None)
