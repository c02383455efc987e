"""Bank statements (« Relevés bancaires »): import a statement, review its credits, record them.

The screen lists the open credit lines of every statement imported (doubtful first, then the
unmatched, then the sure ones), each with its candidates and their confidence. A sure line comes
confirmed with its candidate (✓); the clerc confirms the others with one key:

- `o` (or Entrée) confirms the candidate shown; `c` shows the next candidate, `1`–`5` takes one;
- `/` searches a dossier by reference or debtor name; `u` undoes a confirmation;
- `x` sets the line aside with a reason (written at once, audited);
- F5 records every confirmed line as a payment (services/bank.record_lines, on a worker with its
  progress); the confirmations not yet recorded are never lost silently: leaving asks first.

The file field at the top imports a statement (CAMT.053 or CFONB 120) on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from clerc_tui.errors import ClercError
from clerc_tui.rules.french import format_amount, format_date, format_integer
from clerc_tui.rules.matching import STATUS_LABELS, SURE
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.text import inert
from clerc_tui.screens.form import FormDialog, FormScreen, LeaveConfirm
from clerc_tui.screens.work import in_worker, progress_text, show_progress, ticker
from clerc_tui.services import bank, payments
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable


@dataclass(frozen=True)
class Chosen:
    """The dossier a line is confirmed for (held on screen until F5)."""

    dossier_id: int
    reference: str
    debtor: str
    reason: str


class BankReviewScreen(FormScreen):
    HELP_TITLE = "Relevés bancaires"
    CSS_PATH = "bank.tcss"
    BINDINGS = [
        Binding("o", "confirm_line", "Confirmer", id="bank.confirm"),
        Binding("c", "next_candidate", "Autre candidat", id="bank.next"),
        Binding("slash", "search", "Chercher un dossier", id="bank.search"),
        Binding("x", "set_aside", "Mettre de côté", id="bank.set_aside"),
        # Before `u`: a bar too short for all the keys keeps the first ones.
        Binding("f5", "record", "Enregistrer les confirmées", id="bank.record"),
        Binding("f4", "focus_file", "Importer un relevé", id="bank.import"),
        Binding("u", "undo", "Annuler la confirmation", id="bank.undo"),
        *(Binding(str(n), f"pick({n})", f"Candidat {n}", show=False, id=f"bank.pick_{n}") for n in range(1, 6)),
        Binding("escape", "back", "Retour", id="bank.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[bank.ReviewLine] = []
        self.shown: dict[int, int] = {}  # line id → index of the candidate shown
        self.chosen: dict[int, Chosen] = {}  # line id → the dossier confirmed
        self.busy = False  # an import or a recording is running on a worker
        self._opening = False
        self._cells: dict[int, tuple[str, ...]] = {}  # line id → its row as drawn (a key redraws one line's)

    def compose(self) -> ComposeResult:
        yield Label(Text("Relevés bancaires — rapprochement des crédits", style="bold"))
        yield FormField(
            "file", "Fichier du relevé (CAMT.053 ou CFONB 120) — Entrée importe", FieldInput(id="bank-file")
        )
        yield RowTable(id="bank-lines")
        yield Static("", id="bank-candidates")
        yield Static("", id="bank-status")
        yield Static("", id="bank-total")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#bank-lines", RowTable)
        for label, width, fit in (
            ("", 2, ColumnFit()),
            ("État", 13, ColumnFit()),
            ("Date", 10, ColumnFit()),
            ("Montant", 13, ColumnFit()),
            ("Payeur", 22, ColumnFit(priority=2, min_width=8)),
            ("Libellé", 28, ColumnFit(priority=3, min_width=8)),
            ("Dossier", 12, ColumnFit()),
            ("Conf.", 5, ColumnFit(priority=1)),
        ):
            table.add_column(label, width=width, **fit)
        table.focus()
        self._opening = True  # until the first lines are read: they decide where the focus goes
        self.reload()

    # --- data ---------------------------------------------------------------------------------

    def reload(self, message: str = "") -> None:
        status = self.query_one("#bank-status", Static)
        status.update(Text(message or "Rapprochement des lignes à traiter…"))

        def failed(error: Exception) -> None:
            # The status says what happened last, never « Rapprochement… » over a failed read.
            if isinstance(error, ClercError):
                self._say(f"Lignes à traiter non lues : {error.message}")
            else:
                self._say("Lignes à traiter non lues (voir le message).")
                self.app.show_error(error, "relevés bancaires")

        in_worker(
            self, bank.review_lines, lambda lines: self._loaded(lines, message), "relevés bancaires", failed=failed
        )

    def _loaded(self, lines: list[bank.ReviewLine], message: str) -> None:
        self.lines = lines
        ids = {line.id for line in lines}
        self.chosen = {k: v for k, v in self.chosen.items() if k in ids}
        for line in lines:  # a sure line comes confirmed with its candidate
            if line.match_status == SURE and line.id not in self.chosen:
                best = line.candidates[0]
                self.chosen[line.id] = Chosen(best.dossier_id, best.reference, best.debtor_name, best.reason)
        self.shown = {k: v for k, v in self.shown.items() if k in ids}
        self._cells.clear()
        self._draw()
        # Nothing to review: the one thing to do is a file. On opening, whatever has the focus for
        # now (the table's, asked in on_mount, is deferred and may still come after Textual's own
        # first focus): this request is queued after it.
        opening, self._opening = self._opening, False
        if not lines and (opening or self.focused is self.query_one("#bank-lines", RowTable)):
            self.query_one("#bank-file", Input).focus()
        empty = (
            "Aucune ligne à traiter : le chemin d'un relevé dans le champ ci-dessus, Entrée l'importe "
            f"({self.app.key_for(self, 'bank.import')} y revient)."
        )
        self.query_one("#bank-status", Static).update(Text(message or (empty if not lines else "")))

    def _current(self) -> bank.ReviewLine | None:
        table = self.query_one("#bank-lines", RowTable)
        if not self.lines:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def _row(self, line: bank.ReviewLine) -> tuple[str, ...]:
        chosen = self.chosen.get(line.id)
        index = self.shown.get(line.id, 0)
        candidate = line.candidates[index] if line.candidates else None
        dossier = chosen.reference if chosen else (candidate.reference if candidate else "—")
        same = candidate is not None and (chosen is None or chosen.dossier_id == candidate.dossier_id)
        confidence = str(candidate.confidence) if candidate is not None and same else ""
        return (
            "✓" if chosen else "",
            STATUS_LABELS[line.match_status],
            format_date(line.booked_on),
            format_amount(line.amount),
            inert(line.debtor_name, multiline=False),
            inert(line.label, multiline=False),
            dossier,
            confidence,
        )

    def _draw(self, changed: bank.ReviewLine | None = None) -> None:
        """The table again; only `changed`'s cells are made anew when it is given (10,000 lines
        of a big statement are not formatted again at each key)."""
        table = self.query_one("#bank-lines", RowTable)
        row = table.cursor_row
        table.clear()
        cells = self._cells
        if changed is not None:
            cells[changed.id] = self._row(changed)
        for line in self.lines:
            drawn = cells.get(line.id)
            if drawn is None:
                drawn = cells[line.id] = self._row(line)
            table.add_row(*drawn, key=str(line.id))
        if self.lines:
            table.move_cursor(row=min(row, len(self.lines) - 1))
        self._draw_candidates()
        self._draw_total()

    def _draw_candidates(self) -> None:
        target = self.query_one("#bank-candidates", Static)
        line = self._current()
        if line is None:
            target.update("")
            return
        text = Text()
        text.append(f"{line.place} · {format_date(line.booked_on)} · {format_amount(line.amount)}", style="bold")
        text.append(f" · réf. banque {line.bank_reference or '—'}\n")
        text.append(f"Libellé : {line.label or '—'} · payeur : {line.debtor_name or '—'}")
        if line.debtor_iban:
            text.append(f" · IBAN {line.debtor_iban}")
        text.append("\n")
        chosen = self.chosen.get(line.id)
        if chosen:
            text.append(f"✓ Confirmé : {chosen.reference} — {chosen.debtor} ({chosen.reason})\n", style="bold")
        if not line.candidates:
            search, aside = self.app.key_for(self, "bank.search"), self.app.key_for(self, "bank.set_aside")
            text.append(f"Aucun candidat : {search} cherche un dossier, {aside} met la ligne de côté.", style="dim")
        shown = self.shown.get(line.id, 0)
        for n, candidate in enumerate(line.candidates, start=1):
            mark = "→ " if n - 1 == shown else "  "
            text.append(
                f"{mark}{n}. {candidate.reference} — {candidate.debtor_name} · {candidate.confidence} % · "
                f"{candidate.reason}\n"
            )
        target.update(inert_renderable(text))

    def _draw_total(self) -> None:
        confirmed = [line for line in self.lines if line.id in self.chosen]
        total = sum((line.amount for line in confirmed), ZERO)
        self.query_one("#bank-total", Static).update(
            Text(
                f"{format_integer(len(self.lines))} ligne(s) à traiter · {format_integer(len(confirmed))} "
                f"confirmée(s), {format_amount(total)} — "
                f"{self.app.key_for(self, 'bank.record')} enregistre les confirmées"
            )
        )

    @on(RowTable.RowHighlighted, "#bank-lines")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self._draw_candidates()

    @on(RowTable.RowSelected, "#bank-lines")
    def _selected(self, event: RowTable.RowSelected) -> None:
        self.action_confirm_line()

    # --- decisions ------------------------------------------------------------------------------

    def _confirm(self, line: bank.ReviewLine, chosen: Chosen) -> None:
        self.chosen[line.id] = chosen
        self._draw(line)
        table = self.query_one("#bank-lines", RowTable)
        index = self.lines.index(line)
        if index + 1 < len(self.lines):  # on to the next line: one key per line
            table.move_cursor(row=index + 1)
            self._draw_candidates()

    def action_confirm_line(self) -> None:
        line = self._current()
        if line is None or self.busy:
            return
        if not line.candidates:
            search, aside = self.app.key_for(self, "bank.search"), self.app.key_for(self, "bank.set_aside")
            self._say(f"Aucun candidat pour cette ligne : {search} cherche un dossier, {aside} la met de côté.")
            return
        candidate = line.candidates[self.shown.get(line.id, 0)]
        self._confirm(line, Chosen(candidate.dossier_id, candidate.reference, candidate.debtor_name, candidate.reason))

    def action_pick(self, number: int) -> None:
        line = self._current()
        if line is None or number > len(line.candidates):
            return
        self.shown[line.id] = number - 1
        self.action_confirm_line()

    def action_next_candidate(self) -> None:
        line = self._current()
        if line is None or len(line.candidates) < 2:
            return
        self.shown[line.id] = (self.shown.get(line.id, 0) + 1) % len(line.candidates)
        self.chosen.pop(line.id, None)
        self._draw(line)

    def action_undo(self) -> None:
        line = self._current()
        if line is not None and self.chosen.pop(line.id, None) is not None:
            self._draw(line)

    def action_search(self) -> None:
        line = self._current()
        if line is None or self.busy:
            return

        def found(hit: payments.DossierHit | None) -> None:
            if hit is not None:
                self._confirm(line, Chosen(hit.id, hit.reference, hit.debtor, "choisi par le clerc"))

        self.app.push_screen(SearchDialog(line), found)

    def action_set_aside(self) -> None:
        line = self._current()
        if line is None or self.busy:
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.chosen.pop(line.id, None)
                self.reload(f"{line.place} mise de côté.")

        self.app.push_screen(SetAsideDialog(line), done)

    def action_focus_file(self) -> None:
        self.query_one("#bank-file", Input).focus()

    def _say(self, message: str) -> None:
        self.query_one("#bank-status", Static).update(inert_renderable(Text(message)))

    # --- import and record, on workers ----------------------------------------------------------

    @on(Input.Submitted, "#bank-file")
    def _import(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        field = self.query_one("#field-file", FormField)
        field.set_error(None)
        if not path:
            field.set_error("Indiquez le chemin du fichier du relevé.")
            return
        if self.busy:
            self._say("Un import ou un enregistrement est en cours, un instant…")
            return
        self.busy = True
        self._say(f"Import de {path}…")

        def work() -> bank.ImportSummary:
            return bank.import_statement(self.app.actor, path, today=self.app.today)

        def imported(summary: bank.ImportSummary) -> None:
            self.busy = False
            field.set_value("")
            self.mark_clean()
            self.query_one("#bank-lines", RowTable).focus()
            self.reload(" ".join(bank.summary_text(summary)))

        def failed(error: Exception) -> None:
            self.busy = False
            # « Import de … » gives way to the outcome: a status always says what happened last.
            if isinstance(error, ClercError):
                field.set_error(error.message)
                self._say(f"Import de {path} refusé : {error.message}")
            else:
                self._say(f"Import de {path} interrompu (voir le message).")
                self.app.show_error(error, "import du relevé")

        in_worker(self, work, imported, "import du relevé", failed=failed)

    def action_record(self) -> None:
        if self.busy:
            self._say("Un import ou un enregistrement est en cours, un instant…")
            return
        by_id = {line.id: line for line in self.lines}
        decisions = [
            bank.Decision(line_id, by_id[line_id].version, chosen.dossier_id, chosen.reason)
            for line_id, chosen in self.chosen.items()
            if line_id in by_id
        ]
        if not decisions:
            self._say(
                f"Aucune ligne confirmée : {self.app.key_for(self, 'bank.confirm')} confirme le candidat affiché."
            )
            return
        self.busy = True
        status = self.query_one("#bank-status", Static)
        tick = ticker(self, show_progress(status, "Enregistrement des versements", "lignes"))
        status.update(Text(progress_text("Enregistrement des versements", 0, len(decisions), "lignes")))

        def work() -> bank.RecordSummary:
            return bank.record_lines(self.app.actor, decisions, today=self.app.today, progress=tick)

        def recorded(summary: bank.RecordSummary) -> None:
            self.busy = False
            self.chosen.clear()
            text = f"{format_integer(summary.recorded)} versement(s) enregistré(s), {format_amount(summary.total)}."
            if summary.skipped:
                text += " Non enregistrées : " + " ; ".join(summary.skipped)
            self.app.notify(text, timeout=8, markup=False)
            self.reload(text)

        def failed(error: Exception) -> None:
            self.busy = False
            if isinstance(error, ClercError):
                self._say(f"{error.message} Les confirmations sont gardées.")
                self.reload(f"{error.message} Les confirmations sont gardées.")
            else:
                self._say("Enregistrement interrompu (voir le message) : les confirmations sont gardées.")
                self.app.show_error(error, "enregistrement des versements")

        in_worker(self, work, recorded, "enregistrement des versements", failed=failed)

    def unsaved_detail(self) -> str:
        if not self.chosen:
            return ""
        keep, record = self.app.key_for(LeaveConfirm, "leave.keep"), self.app.key_for(self, "bank.record")
        return (
            f"{len(self.chosen)} ligne(s) confirmée(s) non enregistrée(s) : {keep} puis {record} pour les enregistrer."
        )

    def action_back(self) -> None:
        self.request_leave()

    def do_leave(self) -> None:
        self.back_to_refreshed()


class _LineDialog(FormDialog):
    """A small dialog about one statement line: its title, one field (focused), the error in
    place, a hint; Échap leaves (asking first if something was typed)."""

    DIALOG_TITLE = ""  # « … {place} ({amount}) »
    FIELD_ID = ""  # the Input's id
    FIELD_PLACEHOLDER = ""
    DIALOG_HINT = ""

    def __init__(self, line: bank.ReviewLine) -> None:
        super().__init__()
        self.line = line

    def fields(self) -> ComposeResult:
        yield FieldInput(id=self.FIELD_ID, placeholder=self.FIELD_PLACEHOLDER)

    def compose(self) -> ComposeResult:
        title = self.DIALOG_TITLE.format(place=self.line.place, amount=format_amount(self.line.amount))
        with Vertical(classes="dialog"):
            yield Label(inert_renderable(Text(title, style="bold")))
            yield from self.fields()
            yield Static("", id="dialog-error")
            yield Static(Text(self.DIALOG_HINT, style="dim"))

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELD_ID}", Input).focus()

    def action_cancel(self) -> None:
        self.request_leave()

    def show_refusal(self, error: ClercError) -> None:
        self.query_one("#dialog-error", Static).update(inert_renderable(Text(error.message, style="bold")))


class SearchDialog(_LineDialog):
    """Another dossier for a line: its reference or its debtor's name; Entrée takes it."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="bank.search_cancel")]
    DIALOG_TITLE = "Dossier de la ligne {place} ({amount})"
    FIELD_ID = "bank-search"
    FIELD_PLACEHOLDER = "référence ou nom du débiteur"
    DIALOG_HINT = "Entrée : choisir ce dossier · Échap : fermer"

    def fields(self) -> ComposeResult:
        yield from super().fields()
        yield Static("", id="bank-search-hits")

    @on(Input.Changed, "#bank-search")
    def _changed(self, event: Input.Changed) -> None:
        hits = payments.find_dossiers(event.value, limit=5) if len(event.value.strip()) >= 2 else []
        self.query_one("#bank-search-hits", Static).update(
            inert_renderable(Text("\n".join(h.label for h in hits), style="dim"))
        )

    @on(Input.Submitted, "#bank-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            hit = payments.resolve_dossier(event.value)
        except ClercError as error:
            self.show_refusal(error)
            return
        self.dismiss(hit)


class SetAsideDialog(_LineDialog):
    """Set a line aside: not a payment of a dossier (the reason is kept and audited)."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="bank.aside_cancel")]
    DIALOG_TITLE = "Mettre de côté {place} ({amount})"
    FIELD_ID = "bank-aside-reason"
    FIELD_PLACEHOLDER = "virement du créancier, erreur de la banque…"
    DIALOG_HINT = "Entrée : mettre de côté · Échap : fermer"

    def fields(self) -> ComposeResult:
        yield Label("Motif :")
        yield from super().fields()

    @on(Input.Submitted, "#bank-aside-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            bank.set_aside(self.app.actor, self.line.id, self.line.version, event.value)
        except ClercError as error:
            self.show_refusal(error)
            return
        except Exception as error:
            self.app.show_error(error, "mise de côté")
            return
        self.dismiss(True)
