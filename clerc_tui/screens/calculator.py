"""`c`: computations outside any dossier, recomputed as the clerc types, in three tabs.

« Intérêts »: same engine, rates (shipped + étude) and convention as the décomptes.
« Droits proportionnels »: A444-31 / A444-32 on a claim and the sums collected, as
`clerc calc recovery-fee` computes them.
« Quotité saisissable »: the seizable part of a monthly net salary (R3252-2 C. trav.), the RSA
floor, a pension alimentaire paid directly and the répartition among inscribed creditors, as
`clerc calc quotite` computes and prints them. A field that cannot be read shows its French
message right under it and keeps its typing; the result stays empty until the required
fields are given. F6 goes to the next tab.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static, TabbedContent, TabPane

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.report.fees import fees_text
from clerc_tui.report.seizable import quotite_text, repartition_text
from clerc_tui.report.statement import interest_renderable
from clerc_tui.rules.french import format_date, parse_amount, parse_date
from clerc_tui.rules.interest import CIVIL_YEAR, CONTRACTUAL, DAY_BASIS_LABELS, InterestTerms
from clerc_tui.rules.rates import CATEGORY_LABELS, parse_rate_value
from clerc_tui.rules.seizable import parse_creditors, quotite, repartition
from clerc_tui.rules.tariff import calculate_recovery_fees
from clerc_tui.rules.vocabulary import INTEREST_KINDS
from clerc_tui.screens.form import FormScreen
from clerc_tui.services.statement import calculate_interest
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.text_line import show_text

if TYPE_CHECKING:
    from clerc_tui.rules.interest import InterestResult
    from clerc_tui.rules.seizable import Quotite, Repartition
    from clerc_tui.rules.tariff import RecoveryFee

T = TypeVar("T")

# Which field an error of InterestTerms / compute_interest belongs to.
TERMS_FIELDS = {
    "kind": "kind",
    "category": "category",
    "majoration_from": "majoration_from",
    "majoration_points": "majoration_points",
    "rate": "rate",
    "day_basis": "day_basis",
}


class CalculatorScreen(FormScreen):
    HELP_TITLE = "Calculatrice : intérêts, droits proportionnels, quotité saisissable"
    # What on_mount focuses, focused as the screen is composed (not the tabs first: DossierScreen).
    AUTO_FOCUS = "#field-principal > Input"
    BINDINGS = [
        Binding("escape", "close", "Retour", id="calculator.close"),
        Binding("f6", "other_tab", "Onglet suivant", id="calculator.other_tab"),
    ]
    # The tabs in F6 order, with the field that takes the focus.
    TABS = (("tab-interest", "principal"), ("tab-fees", "fee_claim"), ("tab-quotite", "q_net"))
    CSS_PATH = "calculator.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.result: InterestResult | None = None
        self.fee_result: tuple[RecoveryFee, RecoveryFee] | None = None  # (debtor's, creditor's)
        self.quotite_result: Quotite | None = None
        self.repartition_result: Repartition | None = None

    def _fields(self) -> list[FormField]:
        today = format_date(self.app.today)
        return [
            FormField("principal", "Principal", FieldInput(placeholder="3 000,00")),
            FormField("start", "Du (départ des intérêts)", FieldInput(placeholder="jj/mm/aaaa")),
            FormField("end", "Au (paiement, arrêté)", FieldInput(value=today, placeholder="jj/mm/aaaa")),
            FormField(
                "kind",
                "Nature",
                Choice([(label, key) for key, label in INTEREST_KINDS.items()], value="legal", allow_blank=False),
            ),
            FormField(
                "category",
                "Créancier",
                Choice(
                    [(label, key) for key, label in CATEGORY_LABELS.items()], value="particulier", allow_blank=False
                ),
            ),
            FormField(
                "majoration_from",
                "Majoration à partir du",
                FieldInput(placeholder="jj/mm/aaaa (facultatif)"),
                hint="L313-3",
            ),
            FormField("majoration_points", "Points de majoration", FieldInput(value="5", placeholder="0 à 5")),
            FormField(
                "capitalisation_from",
                "Capitalisation à compter du",
                FieldInput(placeholder="jj/mm/aaaa (facultatif)"),
                hint="1343-2",
            ),
            FormField("rate", "Taux conventionnel ou convenu", FieldInput(placeholder="% l'an (facultatif)")),
            FormField(
                "day_basis",
                "Base (conventionnel)",
                Choice([(label, key) for key, label in DAY_BASIS_LABELS.items()], value=CIVIL_YEAR, allow_blank=False),
            ),
        ]

    def _fee_fields(self) -> list[FormField]:
        return [
            FormField(
                "fee_claim",
                "Montant de la créance",
                FieldInput(placeholder="1 234,56"),
                hint="forfait si ≤ 44 € / 188 €",
            ),
            FormField(
                "fee_collected",
                "Encaissé sur le principal (cumul)",
                FieldInput(placeholder="100,00"),
                hint="hors dépens",
            ),
            FormField(
                "fee_on",
                "Date de l'encaissement",
                FieldInput(value=format_date(self.app.today), placeholder="jj/mm/aaaa"),
            ),
            FormField("fee_alimentary", "Créance alimentaire", Checkbox("titre de créance alimentaire")),
        ]

    def _quotite_fields(self) -> list[FormField]:
        return [
            FormField(
                "q_net",
                "Salaire net mensuel",
                FieldInput(placeholder="2 000,00"),
                hint="après cotisations et impôt",
            ),
            FormField("q_dependants", "Personnes à charge", FieldInput(value="0", placeholder="0"), hint="R3252-3"),
            FormField(
                "q_on",
                "Mois de paie (date)",
                FieldInput(value=format_date(self.app.today), placeholder="jj/mm/aaaa"),
            ),
            FormField(
                "q_alimony",
                "Pension alimentaire",
                FieldInput(placeholder="paiement direct (facultatif)"),
                hint="L3252-5",
            ),
            FormField(
                "q_creditors",
                "Créanciers inscrits",
                FieldInput(placeholder="Banque=1 200; Bailleur=300 (facultatif)"),
                hint="répartition",
            ),
        ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with TabbedContent(id="calc-tabs", initial="tab-interest"):
            with TabPane("Intérêts", id="tab-interest"):
                with Grid(id="calc-grid"):
                    yield from self._fields()
                yield Static("", id="calc-status")
                with VerticalScroll(id="calc-result"):
                    yield Static("", id="calc-body")
            with TabPane("Droits proportionnels", id="tab-fees"):
                with Grid(id="fee-grid"):
                    yield from self._fee_fields()
                yield Static("", id="fee-status")
                with VerticalScroll(id="fee-result"):
                    yield Static("", id="fee-body")
            with TabPane("Quotité saisissable", id="tab-quotite"):
                with Grid(id="quotite-grid"):
                    yield from self._quotite_fields()
                yield Static("", id="quotite-status")
                with VerticalScroll(id="quotite-result"):
                    yield Static("", id="quotite-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.field("principal").control.focus()
        self.recompute()
        self.recompute_fees()
        self.recompute_quotite()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def _tab_of(self, widget) -> str | None:
        return next((node.id for node in widget.ancestors if isinstance(node, TabPane)), None)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event) -> None:
        tab = self._tab_of(event.control)
        if tab == "tab-fees":
            self.recompute_fees()
        elif tab == "tab-quotite":
            self.recompute_quotite()
        else:
            self.recompute()

    def action_other_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        names = [name for name, _ in self.TABS]
        position = (names.index(tabs.active) + 1) % len(names) if tabs.active in names else 0
        tabs.active, focus = self.TABS[position]
        self.field(focus).control.focus()

    def recompute_quotite(self) -> None:
        """The seizable part of a salary and its répartition, from the « Quotité saisissable » tab."""
        body = self.query_one("#quotite-body", Static)
        status = self.query_one("#quotite-status", Static)
        self.quotite_result = self.repartition_result = None
        errors: dict[str, str] = {}

        def read(name: str, parse: Callable[[str], T]) -> T | None:
            text = self.field(name).value.strip()
            if not text:
                return None
            try:
                return parse(text)
            except ClercError as exc:
                errors[name] = exc.message
                return None

        net = read("q_net", parse_amount)
        dependants = read("q_dependants", _dependants)
        on_day = read("q_on", parse_date)
        alimony = read("q_alimony", parse_amount)
        creditors = read("q_creditors", parse_creditors)
        missing = [
            label
            for name, label, value in (("q_net", "le salaire net", net), ("q_on", "la date", on_day))
            if value is None and name not in errors
        ]
        failure = ""
        if not errors and net is not None and on_day is not None:
            try:
                self.quotite_result = quotite(net, dependants or 0, on_day, alimony=alimony or Decimal("0.00"))
                if creditors:
                    self.repartition_result = repartition(self.quotite_result.seizable, creditors)
            except InvalidInput as exc:
                errors[{"dependants": "q_dependants"}.get(exc.field or "", "q_net")] = exc.message
            except ClercError as exc:  # MissingScale: no barème or RSA for the date
                failure = exc.message
            except Exception as error:
                self.app.show_error(error, "calculatrice de la quotité saisissable")
                return
        for field in self.query_one("#tab-quotite").query(FormField):
            field.set_error(errors.get(field.field_name))
        if self.quotite_result is not None:
            text = quotite_text(self.quotite_result)
            if self.repartition_result is not None:
                text += "\n" + repartition_text(self.repartition_result)
            show_text(body, Text(text))  # creditor names as typed: never markup
            show_text(status, "")
        elif failure:
            show_text(body, Text(failure, style="bold red"))
            show_text(status, "")
        else:
            show_text(body, "")
            if errors:
                show_text(status, Text(f"{len(errors)} champ{'s' if len(errors) > 1 else ''} à corriger."))
            else:
                show_text(status, Text("Saisissez " + ", ".join(missing) + "."))

    def recompute_fees(self) -> None:
        """Both proportional fees from the « Droits proportionnels » tab (nothing written)."""
        body = self.query_one("#fee-body", Static)
        status = self.query_one("#fee-status", Static)
        self.fee_result = None
        errors: dict[str, str] = {}
        texts = {name: self.field(name).value.strip() for name in ("fee_claim", "fee_collected", "fee_on")}
        on_day = None
        if texts["fee_on"]:
            try:
                on_day = parse_date(texts["fee_on"])
            except ClercError as exc:
                errors["fee_on"] = exc.message
        for name in ("fee_claim", "fee_collected"):
            if texts[name]:
                try:
                    parse_amount(texts[name])
                except ClercError as exc:
                    errors[name] = exc.message
        missing = [
            label
            for name, label in (
                ("fee_claim", "le montant de la créance"),
                ("fee_collected", "les sommes encaissées"),
                ("fee_on", "la date"),
            )
            if not texts[name] and name not in errors
        ]
        if not errors and not missing and on_day is not None:  # no error, nothing missing: the date was read
            try:
                self.fee_result = calculate_recovery_fees(
                    texts["fee_claim"], texts["fee_collected"], on_day, self.field("fee_alimentary").value == "1"
                )
            except InvalidInput as exc:
                errors[{"claim": "fee_claim"}.get(exc.field or "", "fee_collected")] = exc.message
            except ClercError as exc:  # MissingTariff: names the date
                errors["fee_on"] = exc.message
            except Exception as error:
                self.app.show_error(error, "calculatrice des droits proportionnels")
                return
        for field in self.query_one("#tab-fees").query(FormField):
            field.set_error(errors.get(field.field_name))
        if self.fee_result is not None:
            debtor, creditor = self.fee_result
            show_text(
                body,
                Text(
                    fees_text(debtor, creditor)
                    + "\nAssiette : sommes encaissées au titre du principal, hors dépens, cumulées."
                ),
            )
            show_text(status, "")
        else:
            show_text(body, "")
            if errors:
                show_text(status, Text(f"{len(errors)} champ{'s' if len(errors) > 1 else ''} à corriger."))
            else:
                show_text(status, Text("Saisissez " + ", ".join(missing) + "."))

    def recompute(self) -> None:
        errors: dict[str, str] = {}
        values: dict[str, object] = {}

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
                terms = InterestTerms(
                    kind=kind,
                    category=category,
                    majoration_from=majoration_from,
                    majoration_points=points if points is not None else Decimal(5),
                    rate=rate,
                    capitalisation_from=capitalisation,
                    day_basis=self.field("day_basis").value if kind == CONTRACTUAL else None,
                )
            except InvalidInput as exc:
                errors[TERMS_FIELDS.get(exc.field or "", "kind")] = exc.message
        missing = [
            label
            for name, label in (
                ("principal", "le principal"),
                ("start", "la date de départ"),
                ("end", "la date de fin"),
            )
            if values.get(name) is None and name not in errors
        ]
        if terms is not None and not errors and not missing:
            try:
                self.result = calculate_interest(principal, start, end, terms)
            except InvalidInput as exc:
                errors["end" if "date de fin" in exc.message else exc.field or "principal"] = exc.message
            except ClercError as exc:  # MissingRate: the message names the semester
                show_text(body, Text(exc.message, style="bold red"))
                show_text(status, "")
                self._show_errors(errors)
                return
            except Exception as error:
                self.app.show_error(error, "calculatrice d'intérêts")
                return
        self._show_errors(errors)
        if self.result is not None:
            show_text(body, interest_renderable(self.result))
            show_text(status, "")
        else:
            show_text(body, "")
            if errors:
                show_text(status, Text(f"{len(errors)} champ{'s' if len(errors) > 1 else ''} à corriger."))
            elif missing:
                show_text(status, Text("Saisissez " + ", ".join(missing) + "."))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in self.query_one("#tab-interest").query(FormField):
            field.set_error(errors.get(field.field_name))

    def action_close(self) -> None:
        self.request_leave()


def _dependants(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"« {text} » : un nombre entier de personnes à charge est attendu.") from None
    if value < 0:
        raise InvalidInput(f"« {text} » : le nombre de personnes à charge ne peut pas être négatif.")
    return value
