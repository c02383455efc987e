"""Payment entry (« versements »), one payment or a whole bank statement, keyboard only.

Type the dossier (reference or debtor name, → accepts the completion), the amount, the
date (today when empty), the mode, the bank reference; Entrée adds the line to the batch
once it is checked (a refusal is written under its field, the typing and the batch are
kept). The preview shows how the payment will be imputed before anything is written.
F5 shows the summary of the batch and records it in one transaction (all or nothing), on a
worker with its progress;
F8 takes the highlighted line out; F6 reverses a payment of the dossier (rejected cheque).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Input, Label, Select, Static

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.text import inert
from clerc_tui.rules.vocabulary import PAYMENT_MODES
from clerc_tui.screens.base import ClercModal
from clerc_tui.screens.form import FormDialog, FormScreen, LeaveConfirm
from clerc_tui.screens.work import in_worker, progress_text, show_progress, ticker
from clerc_tui.services import payments
from clerc_tui.widgets.choice import Choice
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable
from clerc_tui.widgets.text_line import show_text

FIELDS = ("dossier", "amount", "date", "mode", "reference", "payer")
NARROW_WIDTH = 100  # below it, the fields take two rows (payment_entry.tcss)
MODE_CHOICES = [(label, code) for code, label in PAYMENT_MODES.items() if code]


class DossierSuggester(Suggester):
    def __init__(self):
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if len(value.strip()) < 2:
            return None
        try:
            hits = payments.find_dossiers(value, limit=1)
        except Exception:
            return None
        if not hits:
            return None
        hit = hits[0]
        if hit.reference.startswith(value):
            return hit.label
        if hit.debtor.casefold().startswith(value.casefold()):
            return value + hit.debtor[len(value) :] + f" — {hit.reference}"
        return None


class PaymentEntryScreen(FormScreen):
    HELP_TITLE = "Saisie des versements"
    CSS_PATH = "payment_entry.tcss"
    BINDINGS = [
        Binding("f5", "confirm", "Valider le lot", id="payment.confirm"),
        Binding("f8", "remove", "Retirer la ligne", id="payment.remove"),
        Binding("f6", "reject", "Chèque rejeté", id="payment.reject"),
        Binding("escape", "back", "Retour", id="payment.back"),
    ]

    def __init__(self, dossier_text: str = ""):
        super().__init__()
        self.pending: list[payments.PendingPayment] = []
        self.dossier_text = dossier_text
        self.recording = False  # the batch is being recorded on a worker

    def compose(self) -> ComposeResult:
        yield Label(Text("Saisie des versements — un paiement ou un relevé bancaire", style="bold"))
        with Horizontal(id="payment-fields"):
            yield FormField(
                "dossier",
                "Dossier (réf. ou débiteur)",
                FieldInput(self.dossier_text, id="pay-dossier", suggester=DossierSuggester()),
            )
            yield FormField("amount", "Montant", FieldInput(id="pay-amount", placeholder="1 234,56"))
            yield FormField("date", "Date", FieldInput(format_date(self.app.today), id="pay-date"))
            yield FormField("mode", "Mode", Choice(MODE_CHOICES, value="virement", allow_blank=False, id="pay-mode"))
            yield FormField("reference", "Réf. bancaire", FieldInput(id="pay-reference"))
            yield FormField("payer", "Payeur", FieldInput(id="pay-payer"))
        yield Static("", id="payment-matches")
        yield Static("", id="payment-preview")
        yield RowTable(id="payment-batch")
        yield Static("", id="batch-error")
        yield Static("", id="payment-total")
        yield KeyBar()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#payment-fields").set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def on_mount(self) -> None:
        table = self.query_one("#payment-batch", RowTable)
        # At 80 columns the dossier, the date and the amount always show.
        for label, width, fit in (
            ("N°", 3, ColumnFit()),
            ("Dossier", 14, ColumnFit()),
            ("Débiteur", 24, ColumnFit(priority=3, min_width=10)),
            ("Date", 10, ColumnFit()),
            ("Mode", 12, ColumnFit(priority=2)),
            ("Montant", 14, ColumnFit()),
            ("Réf.", 14, ColumnFit(priority=1)),
        ):
            table.add_column(label, width=width, **fit)
        self._draw_total()
        self.query_one("#pay-amount" if self.dossier_text else "#pay-dossier", Input).focus()

    # --- typing ---------------------------------------------------------------------------
    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}", FormField).value for name in FIELDS}

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == "pay-dossier":
            self._show_matches(event.value)
        if event.input.id in ("pay-dossier", "pay-amount", "pay-date"):
            self._preview()

    def _show_matches(self, text: str) -> None:
        matches = self.query_one("#payment-matches", Static)
        if len(text.strip()) < 2:
            show_text(matches, "")
            return
        try:
            hits = payments.find_dossiers(text, limit=5)
        except ClercError:
            hits = []
        show_text(
            matches, inert_renderable(Text("  ·  ".join(h.label for h in hits) if len(hits) > 1 else "", style="dim"))
        )

    def _preview(self) -> None:
        v = self._values()
        target = self.query_one("#payment-preview", Static)
        try:
            line = payments.check_line(v["dossier"], v["amount"], v["date"], v["mode"], today=self.app.today)
        except ClercError:
            show_text(target, "")
            return
        show_text(
            target, inert_renderable(Text(f"{line.reference} · {line.debtor} — {payments.preview(line, self.pending)}"))
        )

    def _clear_errors(self) -> None:
        for name in FIELDS:
            self.query_one(f"#field-{name}", FormField).set_error(None)
        show_text(self.query_one("#batch-error", Static), "")

    @on(Input.Submitted)
    def _add_line(self, event: Input.Submitted) -> None:
        event.stop()
        self._clear_errors()
        v = self._values()
        try:
            line = payments.check_line(
                v["dossier"], v["amount"], v["date"], v["mode"], v["reference"], v["payer"], today=self.app.today
            )
        except InvalidInput as error:
            field = error.field if error.field in FIELDS else "dossier"
            self.query_one(f"#field-{field}", FormField).set_error(error.message)
            self.query_one(f"#field-{field}", FormField).control.focus()
            return
        except ClercError as error:
            self.query_one("#batch-error", Static).update(Text(error.message))
            return
        self.pending.append(line)
        self._redraw_batch()
        groups = [g for g in payments.duplicate_groups(self.pending) if g[-1] == len(self.pending)]
        if groups:
            self.query_one("#batch-error", Static).update(
                Text(
                    f"{payments.duplicate_text(groups, self.pending)} {self.app.key_for(self, 'payment.remove')} "
                    "la retire si elle a été saisie deux fois."
                )
            )
        for name in ("dossier", "amount", "reference", "payer"):
            self.query_one(f"#field-{name}", FormField).set_value("")
        self.query_one("#payment-preview", Static).update("")
        self.query_one("#payment-matches", Static).update("")
        self.query_one("#pay-dossier", Input).focus()

    def _redraw_batch(self) -> None:
        table = self.query_one("#payment-batch", RowTable)
        table.clear()
        for n, line in enumerate(self.pending, start=1):
            table.add_row(
                str(n),
                line.reference,
                line.debtor,
                format_date(line.on),
                PAYMENT_MODES.get(line.mode, line.mode),
                format_amount(line.amount),
                line.bank_reference,
                key=str(n - 1),
            )
        self._draw_total()

    def _draw_total(self) -> None:
        total = sum((line.amount for line in self.pending), ZERO)
        self.query_one("#payment-total", Static).update(
            Text(
                f"Lot : {len(self.pending)} paiement(s), total {format_amount(total)} — Entrée ajoute la ligne, "
                f"{self.app.key_for(self, 'payment.confirm')} valide le lot"
            )
        )

    # --- actions --------------------------------------------------------------------------
    def action_remove(self) -> None:
        table = self.query_one("#payment-batch", RowTable)
        if self.recording:
            self.app.notify("Enregistrement du lot en cours, un instant…", timeout=4)
            return
        if not self.pending:
            return
        index = min(table.cursor_row, len(self.pending) - 1)
        del self.pending[index]
        self._redraw_batch()

    def action_confirm(self) -> None:
        if self.recording:
            self.app.notify("Enregistrement du lot en cours, un instant…", timeout=4)
            return
        if not self.pending:
            self.query_one("#batch-error", Static).update(Text("Le lot est vide : saisissez au moins un paiement."))
            return
        self.app.push_screen(BatchSummary(self.pending), self._confirmed)

    def _confirmed(self, ok: bool | str | None) -> None:
        if ok == BatchSummary.REMOVE_DUPLICATES:
            self.pending, removed = payments.without_duplicates(self.pending)
            self._redraw_batch()
            self.query_one("#batch-error", Static).update(
                Text(
                    f"Doublon(s) retiré(s) : ligne(s) {', '.join(map(str, removed))} de la saisie. Rien n'est encore "
                    "enregistré."
                )
            )
            self.app.push_screen(BatchSummary(self.pending), self._confirmed)
            return
        if not ok:
            return
        # On a worker (a décompte per payment written: long at étude scale); the screen
        # answers meanwhile, the lines typed meanwhile stay in the batch.
        lines = list(self.pending)
        status = self.query_one("#batch-error", Static)
        self.recording = True
        tick = ticker(self, show_progress(status, "Enregistrement du lot", "paiements"))
        status.update(Text(progress_text("Enregistrement du lot", 0, len(lines), "paiements")))

        def work() -> list[Any]:
            return payments.record_batch(
                self.app.actor, lines, today=self.app.today, allow_duplicates=True, progress=tick
            )

        def failed(error: Exception) -> None:
            self.recording = False
            if isinstance(error, ClercError):
                status.update(Text(error.message))
            else:
                status.update(Text(""))
                self.app.show_error(error, "versements")

        in_worker(self, work, lambda entries: self._recorded(lines, entries), "versements", failed=failed)

    def _recorded(self, lines: list[payments.PendingPayment], entries: list[Any]) -> None:
        self.recording = False
        total = sum((e.amount for e in entries), ZERO)
        numbers = ", ".join(e.document_number for e in entries if e.document_number)
        recorded = {id(x) for x in lines}
        self.pending = [x for x in self.pending if id(x) not in recorded]
        self._redraw_batch()
        self.query_one("#batch-error", Static).update(Text(""))
        if not self.pending:
            self.mark_clean()
        self.app.notify(
            f"{len(entries)} paiement(s) enregistré(s), {format_amount(total)}. Reçus : {numbers}.", timeout=8
        )

    def action_reject(self) -> None:
        from clerc_tui.services.context import refusal

        self._clear_errors()
        refused = refusal(self.app.actor, "payment.reverse")
        if refused:  # said before the reason is typed; reverse_entry refuses it anyway
            self.app.notify(refused, severity="error", timeout=8)
            return
        try:
            hit = payments.resolve_dossier(self._values()["dossier"])
        except ClercError as error:
            self.query_one("#field-dossier", FormField).set_error(
                f"Chèque rejeté : indiquez d'abord le dossier. {error.message}"
            )
            return
        self.app.push_screen(RejectDialog(hit))

    def unsaved_detail(self) -> str:
        if not self.pending:
            return ""
        keep, confirm = self.app.key_for(LeaveConfirm, "leave.keep"), self.app.key_for(self, "payment.confirm")
        return f"{len(self.pending)} paiement(s) du lot non enregistré(s) : {keep} puis {confirm} pour les valider."

    def action_back(self) -> None:
        self.request_leave()

    def do_leave(self) -> None:
        self.back_to_refreshed()


class BatchSummary(ClercModal[bool | str]):
    """The batch as it will be recorded, with each line's imputation; o/Entrée records it.
    Identical lines (dossier, amount, mode, reference) are flagged: o records them all the
    same (the clerc confirms), r takes the copies out (the first of each stays)."""

    REMOVE_DUPLICATES = "remove_duplicates"
    BINDINGS = [
        Binding("o,enter", "ok", "Enregistrer", id="payment.summary_ok"),
        Binding("r", "remove_duplicates", "Retirer les doublons", id="payment.summary_dedupe"),
        Binding("escape,n", "cancel", "Revenir au lot", id="payment.summary_cancel"),
    ]

    def __init__(self, batch):
        super().__init__()
        self.pending = list(batch)
        self.duplicates = payments.duplicate_groups(self.pending)

    def compose(self) -> ComposeResult:
        key = partial(self.app.key_for, self)
        total = sum((line.amount for line in self.pending), ZERO)
        lines = Text()
        if self.duplicates:
            lines.append(f"{payments.duplicate_text(self.duplicates, self.pending)}\n\n", style="bold red")
        doubled = {n for group in self.duplicates for n in group}
        for n, line in enumerate(self.pending):
            mark = "  ← DOUBLON" if n + 1 in doubled else ""
            lines.append(f"{n + 1}. {line.reference} · ")
            lines.append(Text(line.debtor))
            lines.append(
                f" · {format_date(line.on)} · {format_amount(line.amount)}{mark}\n"
                f"   {payments.preview(line, self.pending[:n])}\n"
            )
        if self.duplicates:
            keys = (
                f"{key('payment.summary_ok')} : enregistrer tout, doublons compris (confirmés) · "
                f"{key('payment.summary_dedupe')} : retirer les doublons · "
                f"{key('payment.summary_cancel')} : revenir au lot"
            )
        else:
            keys = f"{key('payment.summary_ok')} : enregistrer · {key('payment.summary_cancel')} : revenir au lot"
        # A long batch scrolls; the question, its total and the keys stay in sight (80 × 24).
        with Vertical(classes="dialog summary"):
            yield Static(
                Text(f"Enregistrer {len(self.pending)} paiement(s), total {format_amount(total)} ?", style="bold"),
                id="summary-total",
            )
            with VerticalScroll(classes="summary-lines"):
                yield Static(inert_renderable(lines), id="summary-text")
            yield Static(Text(keys, style="dim"), id="summary-keys")

    def on_mount(self) -> None:
        self.query_one(".summary-lines").focus()

    def action_ok(self) -> None:
        self.dismiss(True)

    def action_remove_duplicates(self) -> None:
        if self.duplicates:
            self.dismiss(self.REMOVE_DUPLICATES)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RejectDialog(FormDialog):
    """A rejected cheque: pick the payment (its number in the list) and the reason."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="payment.reject_cancel")]

    def __init__(self, hit):
        super().__init__()
        self.hit = hit

    def compose(self) -> ComposeResult:
        from clerc_tui.services.ledger import ledger_entries

        entries = ledger_entries(self.hit.id)
        reversed_ids = {e.reverses_id for e in entries if e.kind == "reversal"}
        self.candidates = [e for e in entries if e.kind == "payment" and e.id not in reversed_ids]
        choices = [
            (
                Text(
                    inert(
                        f"{format_date(e.entry_date)} · {format_amount(e.amount)} · "
                        f"{PAYMENT_MODES.get(e.mode, e.mode)} {e.bank_reference}".strip(),
                        multiline=False,
                    )
                ),
                e.id,
            )
            for e in self.candidates
        ]
        with Vertical(classes="dialog"):
            yield Label(inert_renderable(Text(f"Paiement rejeté — {self.hit.label}", style="bold")))
            if choices:
                yield Choice(choices, value=choices[-1][1], allow_blank=False, id="reject-entry")
            else:
                yield Static(Text("Aucun paiement à annuler sur ce dossier."))
            yield Label("Motif :")
            yield FieldInput("chèque rejeté (impayé)", id="reject-reason")
            yield Static("", id="dialog-error")
            yield Static(Text("Entrée : annuler le paiement et son imputation · Échap : fermer", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#reject-reason", Input).focus()

    def action_cancel(self) -> None:
        self.request_leave()

    @on(Input.Submitted, "#reject-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from clerc_tui.services.payments import reverse_entry

        if not self.candidates:
            self.query_one("#dialog-error", Static).update(Text("Aucun paiement à annuler."))
            return
        entry_select: Select[int] = self.query_one("#reject-entry", Select)
        entry_id = entry_select.selection
        if entry_id is None:  # not while there are candidates: the list allows no blank
            return
        try:
            reversal = reverse_entry(self.app.actor, entry_id, event.value, self.app.today, today=self.app.today)
        except ClercError as error:
            self.query_one("#dialog-error", Static).update(inert_renderable(Text(error.message, style="bold")))
            return
        except Exception as error:
            self.app.show_error(error, "chèque rejeté")
            return
        self.app.notify(f"Paiement annulé ({format_amount(reversal.amount)}) : {reversal.reason}.", timeout=8)
        self.dismiss(reversal)
