"""The dossier's « Comptes » tab (5): its ledger entries and running totals, and the
« Facturer » dialog (b) that bills an act at the tariff, with its breakdown shown first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.french import format_amount, format_date, format_decimal, format_percent, parse_amount, parse_date
from clerc_tui.rules.tariff import MissingTariff, act_choices
from clerc_tui.screens.form import FormDialog
from clerc_tui.services import balances, billing
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.row_table import ColumnFit, RowTable
from clerc_tui.widgets.text_line import show_text

# At 80 columns (RowTable.fit_widths) the date, Débit, Crédit and the note always show; the
# nature and the piece hide first, the label and the note shrink.
COLUMNS = (
    ("Date", 10, "left", ColumnFit()),
    ("Nature", 13, "left", ColumnFit(priority=1)),
    ("Libellé", 40, "left", ColumnFit(min_width=16)),
    ("Pièce", 12, "left", ColumnFit(priority=2)),
    ("Débit", 13, "right", ColumnFit()),
    ("Crédit", 13, "right", ColumnFit()),
    ("Note", 30, "left", ColumnFit(priority=9, min_width=12)),
)

if TYPE_CHECKING:
    from textual import getters

    from clerc_tui.app import ClercApp


def _note(line: balances.AccountLine) -> str:
    notes = []
    if line.unconfirmed:
        notes.append("à confirmer")
    if line.reversed_on is not None:
        notes.append(f"annulée le {format_date(line.reversed_on)}")
    if line.reverses:
        notes.append(f"annule {line.reverses}")
    return " · ".join(notes)


class AccountsPane(Vertical):
    """The ledger of one dossier, read through `services.balances.account_view`."""

    if TYPE_CHECKING:  # the ClercApp for the type checker (see screens/base.py)
        app = getters.app(ClercApp)

    def __init__(self, dossier_id: int):
        super().__init__()
        self.dossier_id = dossier_id
        self.view: balances.AccountView | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="accounts-totals")
        yield RowTable(id="accounts-table", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for label, width, justify, fit in COLUMNS:
            table.add_column(label, width=width, justify=justify, **fit)

    def refresh_data(self) -> None:
        try:
            self.view = view = balances.account_view(self.dossier_id, self.app.today)
        except Exception as error:
            self.app.show_error(error, "comptes du dossier")
            return
        table = self.query_one(RowTable)
        row = table.cursor_row
        table.clear()
        for line in view.lines:
            table.add_row(
                format_date(line.on),
                line.kind,
                line.label,
                line.document_number,
                format_amount(line.debit) if line.debit is not None else "",
                format_amount(line.credit) if line.credit is not None else "",
                _note(line),
                key=str(line.entry_id),
            )
        if view.lines:
            table.move_cursor(row=min(row, len(view.lines) - 1), scroll=True)
        totals = Text.assemble(
            ("Frais ", "dim"),
            (format_amount(view.charged), "bold"),
            ("   Versé ", "dim"),
            (format_amount(view.paid), "bold"),
            ("   Reversé ", "dim"),
            (format_amount(view.remitted), "bold"),
            (f"   Solde {view.due.wording} ", "dim"),
            (format_amount(view.due.amount), "bold"),
        )
        extra = []
        if view.creditor_charged:
            extra.append(f"frais à la charge du créancier {format_amount(view.creditor_charged)}")
        if view.refunded:
            extra.append(f"remboursé {format_amount(view.refunded)}")
        if view.due_to_creditor:
            extra.append(f"à reverser {format_amount(view.due_to_creditor)}")
        if not view.lines:
            key = partial(self.app.key_for, self)
            bill, pay = key("dossier.bill"), key("app.payments")
            extra.append(f"aucune écriture — {bill} : facturer un acte, {pay} : saisir un versement")
        if extra:
            totals.append("\n" + " · ".join(extra), style="dim")
        self.query_one("#accounts-totals", Static).update(inert_renderable(totals))


class BillActDialog(FormDialog):
    """Bill an act at the tariff: the act, its date, the émolument when the tariff has none;
    the breakdown is shown as it is typed; Entrée (or F2) bills it and returns the entry."""

    CSS_PATH = "dossier_accounts.tcss"
    BINDINGS = [
        Binding("f2,ctrl+s", "bill", "Facturer", id="dossier.bill_ok"),
        Binding("escape", "cancel", "Annuler", id="dossier.bill_cancel"),
    ]
    FIELDS = ("act", "date", "base")

    def __init__(self, dossier_id: int, act_code: str = "commandement_saisie_vente"):
        super().__init__()
        self.dossier_id = dossier_id
        self.choices = [(label, code) for code, label in act_choices()]
        codes = [code for _, code in self.choices]
        self.initial = act_code if act_code in codes else codes[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Facturer un acte au tarif", style="bold"))
            yield FormField("act", "Acte", Choice(self.choices, value=self.initial, allow_blank=False, id="bill-act"))
            yield FormField(
                "date", "Date de l'acte (jj/mm/aaaa)", FieldInput(format_date(self.app.today), id="bill-date")
            )
            yield FormField(
                "base",
                "Émolument HT (si le tarif n'en a pas ou est à confirmer)",
                FieldInput(id="bill-base", placeholder="vide : celui du tarif"),
            )
            yield Static("", id="bill-preview")
            yield Static("", id="dialog-error")
            bill, cancel = self.app.key_for(self, "dossier.bill_ok"), self.app.key_for(self, "dossier.bill_cancel")
            yield Static(Text(f"Entrée / {bill} : facturer · {cancel} : annuler", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#bill-date", Input).focus()
        self._preview()

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}", FormField).value for name in self.FIELDS}

    def _parsed(self) -> tuple[str, date, Decimal | None]:
        v = self._values()
        try:
            on = parse_date(v["date"])
        except InvalidInput as error:
            raise InvalidInput(error.message, field="date") from None
        base: Decimal | None = None
        if v["base"].strip():
            try:
                base = parse_amount(v["base"].strip(), allow_zero=False)
            except InvalidInput as error:
                raise InvalidInput(f"Émolument HT : {error.message}", field="base") from None
        return v["act"], on, base

    def _price(self):
        act, on, base = self._parsed()
        return billing.price_act(self.dossier_id, act, on, base=base)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._preview()

    def _preview(self) -> None:
        target = self.query_one("#bill-preview", Static)
        try:
            charge = self._price()
        except ClercError as error:
            show_text(target, Text(error.message, style="dim"))
            return
        except Exception:
            show_text(target, "")
            return
        lines = Text()
        lines.append(f"{charge.label} ({charge.article}) du {format_date(charge.on)}\n", style="bold")
        lines.append(
            f"Émolument {format_amount(charge.base)} × {format_decimal(charge.coefficient)} "
            f"= {format_amount(charge.emolument)}\n"
        )
        if charge.dep:
            lines.append(f"Droit d'engagement des poursuites (DEP) {format_amount(charge.dep)}\n")
        if charge.travel:
            lines.append(f"Frais de déplacement (SCT) {format_amount(charge.travel)}\n")
        lines.append(
            f"Total HT {format_amount(charge.ht)} · TVA {format_percent(charge.tva_rate)} {format_amount(charge.tva)}"
        )
        if charge.flat_tax:
            lines.append(f" · taxe forfaitaire {format_amount(charge.flat_tax)}")
        lines.append("\n")
        lines.append(f"Total TTC {format_amount(charge.ttc)}\n", style="bold")
        for mark in charge.marks:
            lines.append(f"{mark}\n" if "confirmer" in mark else f"à confirmer : {mark}\n", style="yellow")
        show_text(target, inert_renderable(lines))

    def _clear_errors(self) -> None:
        for name in self.FIELDS:
            self.query_one(f"#field-{name}", FormField).set_error(None)
        self.query_one("#dialog-error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_bill()

    def action_bill(self) -> None:
        self._clear_errors()
        try:
            act, on, base = self._parsed()
            entry = billing.bill_act(self.app.actor, self.dossier_id, act, on, base=base, today=self.app.today)
        except ClercError as error:
            self._show(error)
            return
        except Exception as error:
            self.app.show_error(error, "facturation d'un acte")
            return
        self.app.notify(
            f"Acte facturé : {entry.label}, {format_amount(entry.amount)} TTC. Facture {entry.document_number}.",
            timeout=8,
        )
        self.dismiss(entry)

    def _show(self, error: ClercError) -> None:
        field = getattr(error, "field", None)
        field = {"entry_date": "date", "on": "date", "base": "base", "amount": "base", "act": "act"}.get(
            field or "", field
        )
        if field not in self.FIELDS and isinstance(error, MissingTariff):
            field = "base"  # MissingTariff: the tariff has no figure, the clerc types it
        if field in self.FIELDS:
            form_field = self.query_one(f"#field-{field}", FormField)
            form_field.set_error(error.message)
            form_field.control.focus()
        else:
            self.query_one("#dialog-error", Static).update(Text(error.message))

    def action_cancel(self) -> None:
        self.request_leave()
