"""Reversements (w): what is due to each creditor, a creditor's dossiers (Entrée), and the
run that pays them back (F2 / Ctrl+S), confirmed first, with the transfer files written
under the XDG data path's `exports/`: the CSV, and the SEPA file (pain.001.001.09) once the
étude's account is known (docs/sepa.md)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from clerc_tui.errors import ClercError
from clerc_tui.paths import exports_dir
from clerc_tui.report.sepa import pain001
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.money import ZERO
from clerc_tui.screens.base import ClercModal, ClercScreen
from clerc_tui.screens.work import in_worker, show_progress, ticker
from clerc_tui.services import remittances
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable


def _run(screen, creditor_id: int | None) -> None:
    """Work out what is due (worker), ask for confirmation, then record the run and write its
    CSV (worker); progress and refusals in #remit-status. At 100 000 dossiers both steps take
    tens of seconds: the screen stays responsive meanwhile. A run left « en cours » (killed
    midway, or its file not written) is offered for resumption first: the service resumes
    it before any new run."""
    from clerc_tui.services.context import refusal

    app = screen.app
    refused = refusal(app.actor, "remittance.run")
    if refused:  # said before the confirmation; execute_run refuses it anyway
        screen.say(refused)
        return
    if screen.busy:
        screen.say("Calcul en cours, un instant…")
        return
    screen.running = True
    status = screen.query_one("#remit-status", Static)
    screen.say("Calcul des sommes dues à chaque créancier…")
    planning = ticker(screen, show_progress(status, "Calcul des sommes dues"))

    def dues_of() -> tuple[remittances.PendingRun | None, list[remittances.CreditorDue]]:
        pending = remittances.pending_run()
        if pending is not None:
            return pending, []
        dues = remittances.creditor_dues(app.today, progress=planning)
        return None, [d for d in dues if creditor_id is None or d.creditor_id == creditor_id]

    def ask(found: tuple[remittances.PendingRun | None, list[remittances.CreditorDue]]) -> None:
        pending, dues = found
        screen.running = False
        screen.say("")
        if pending is not None:
            app.push_screen(ResumeConfirm(pending), confirmed)
            return
        if not dues:
            screen.say(
                "Rien à reverser : aucun encaissement disponible pour ce créancier."
                if creditor_id is not None
                else "Rien à reverser : aucun encaissement disponible."
            )
            return
        app.push_screen(RunConfirm(dues, app.today), confirmed)

    def confirmed(ok: bool | None) -> None:
        if not ok:
            screen.loaded()  # a refresh asked meanwhile
            return
        if screen.busy:  # a refresh started while the dialog was shown
            screen.say("Calcul en cours, un instant…")
            return
        screen.running = True
        screen.say("Reversement en cours : retenues, reversements et fichier des virements…")
        tick = ticker(screen, show_progress(status, "Reversement : calcul"))
        _in_worker(
            screen,
            lambda: remittances.execute_run(
                app.actor,
                app.today,
                today=app.today,
                creditor_id=creditor_id,
                csv_folder=exports_dir(),
                render_sepa=pain001,
                progress=tick,
                writing=lambda done, total: tick(done, total, "Reversement : écriture, créancier par créancier"),
            ),
            done,
            "reversement",
        )

    def done(result: remittances.RunResult) -> None:
        screen.running = False
        message = (
            f"Reversement n° {result.run_id} du {format_date(result.run_on)} : {result.entries} "
            f"dossier(s), {format_amount(result.total)} reversé(s). Virements : {result.path}"
        )
        if result.sepa_path is not None:
            message += f"\nVirements SEPA (pour la banque) : {result.sepa_path}"
        elif result.sepa_note:
            message += f"\n{result.sepa_note}"
        if result.resumed:
            message = f"{remittances.resumed_text(result)}\n{message}"
        if result.held:
            message += f"\n{remittances.held_back_text(result.held)}"
        screen.say(message)
        app.notify(message, timeout=12, markup=False)
        screen.refresh_data()

    _in_worker(screen, dues_of, ask, "reversements")


class _Busy:
    """What a reversements screen is doing on its worker: `running` a run (or working out
    what the run will pay), `loading` what is due. A refresh asked meanwhile — by the app
    when another connection commits, as each step of a run does — is done once, afterwards."""

    running = False
    loading = False
    stale = False

    @property
    def busy(self) -> bool:
        return self.running or self.loading

    def deferred(self) -> bool:
        """True (and the refresh remembered) while the worker is busy."""
        if self.busy:
            self.stale = True
        return self.busy

    def loaded(self) -> None:
        self.loading = False
        if self.stale and not self.running:
            self.stale = False
            self.refresh_data()

    def refresh_data(self) -> None:
        raise NotImplementedError


def _in_worker(screen, work, then, what: str, progress: Static | None = None) -> None:
    """`work()` on a thread worker (screens/work.py); a refusal said in #remit-status. The line
    that showed the work's `progress` says it did not finish (never « Calcul… » left behind)."""

    def failed(error: Exception) -> None:
        screen.running = False
        if progress is not None:
            progress.update(Text("Sommes dues non calculées (voir le message).", style="bold"))
        screen.loaded()
        if isinstance(error, ClercError):
            screen.say(error.message)
        else:
            screen.say("")
            screen.app.show_error(error, what)

    in_worker(screen, work, then, what, failed=failed, group="remittances")


class RemittancesScreen(_Busy, ClercScreen):
    CSS_PATH = "remittances.tcss"
    HELP_TITLE = "Reversements"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="remit.back"),
        Binding("f2,ctrl+s", "run_selected", "Reverser ce créancier", id="remit.run"),
        Binding("f3", "run_all", "Reverser tout", id="remit.run_all"),
    ]

    def __init__(self):
        super().__init__()
        self.dues: list[remittances.CreditorDue] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Label(Text("Reversements aux créanciers — ce qui leur est dû aujourd'hui", style="bold"))
        yield RowTable(id="remit-creditors")
        yield Static("", id="remit-total")
        yield Static("", id="remit-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        # At 80 columns « À reverser » always shows; the creditor's name shrinks, the count hides.
        for label, width, justify, fit in (
            ("Créancier", 36, "left", ColumnFit(priority=9, min_width=16)),
            ("Dossiers", 8, "right", ColumnFit(priority=1)),
            ("Encaissé", 14, "right", ColumnFit(priority=3)),
            ("Retenue A444-32", 15, "right", ColumnFit(priority=4)),
            ("Retenue rendue", 14, "right", ColumnFit(priority=2)),
            ("À reverser", 14, "right", ColumnFit()),
        ):
            table.add_column(label, width=width, justify=justify, **fit)
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        """What is due, computed on a worker (a décompte per dossier with payments)."""
        if self.deferred():
            return
        self.loading = True
        total = self.query_one("#remit-total", Static)
        total.update(Text("Calcul des sommes dues à chaque créancier…"))
        tick = ticker(self, show_progress(total, "Calcul des sommes dues"))
        _in_worker(
            self,
            lambda: (remittances.pending_run(), remittances.creditor_dues(self.app.today, progress=tick)),
            self._show,
            "reversements",
            progress=total,
        )

    def _show(self, found: tuple[remittances.PendingRun | None, list[remittances.CreditorDue]]) -> None:
        pending, dues = found
        self.dues = dues
        if pending is not None:
            run, run_all = self.app.key_for(self, "remit.run"), self.app.key_for(self, "remit.run_all")
            self.say(f"{remittances.pending_text(pending)} {run} ou {run_all} : le reprendre.")
        table = self.query_one(RowTable)
        row = table.cursor_row
        table.clear()
        for due in self.dues:
            table.add_row(
                due.name,
                str(len(due.lines)),
                format_amount(due.collected),
                format_amount(due.fee),
                format_amount(due.regularisation) if due.regularisation else "",
                format_amount(due.net),
                key=str(due.creditor_id),
            )
        if self.dues:
            table.move_cursor(row=min(row, len(self.dues) - 1))
        total = sum((d.net for d in self.dues), ZERO)
        self.query_one("#remit-total", Static).update(
            Text(
                f"{len(self.dues)} créancier(s), {format_amount(total)} à reverser — Entrée : détail, "
                f"{self.app.key_for(self, 'remit.run')} : reverser ce créancier, "
                f"{self.app.key_for(self, 'remit.run_all')} : reverser tout"
                if self.dues
                else "Rien à reverser aujourd'hui."
            )
        )
        self.loaded()

    def say(self, message: str) -> None:
        self.query_one("#remit-status", Static).update(inert_renderable(Text(message)))

    def _selected(self) -> remittances.CreditorDue | None:
        table = self.query_one(RowTable)
        return self.dues[table.cursor_row] if self.dues and table.cursor_row < len(self.dues) else None

    @on(RowTable.RowSelected)
    def _open(self, event: RowTable.RowSelected) -> None:
        due = self._selected()
        if due is not None:
            self.app.push_screen(CreditorRemittanceScreen(due.creditor_id), lambda _: self.refresh_data())

    def action_run_selected(self) -> None:
        due = self._selected()
        if due is None:
            self.say("Rien à reverser : aucun encaissement disponible.")
            return
        _run(self, due.creditor_id)

    def action_run_all(self) -> None:
        _run(self, None)

    def action_back(self) -> None:
        self.back_to_refreshed()


class CreditorRemittanceScreen(_Busy, ClercScreen):
    """One creditor's dossiers: collected, retained, to pay back; F2 pays him."""

    CSS_PATH = "remittances.tcss"
    HELP_TITLE = "Reversement d'un créancier"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="remit.detail_back"),
        Binding("f2,ctrl+s", "run", "Reverser", id="remit.detail_run"),
    ]

    def __init__(self, creditor_id: int):
        super().__init__()
        self.creditor_id = creditor_id

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="remit-title")
        yield RowTable(id="remit-lines")
        yield Static("", id="remit-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for label, width, justify, fit in (
            ("Dossier", 14, "left", ColumnFit()),
            ("Encaissé (cumul)", 17, "right", ColumnFit(priority=3)),
            ("Retenue A444-32", 15, "right", ColumnFit(priority=4)),
            ("Retenue rendue", 14, "right", ColumnFit(priority=2)),
            ("À reverser", 14, "right", ColumnFit()),
            ("Note", 30, "left", ColumnFit(priority=5, min_width=12)),
        ):
            table.add_column(label, width=width, justify=justify, **fit)
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        if self.deferred():
            return
        self.loading = True
        title = self.query_one("#remit-title", Static)
        title.update(Text("Calcul des sommes dues…", style="bold"))
        tick = ticker(self, show_progress(title, "Calcul des sommes dues"))
        _in_worker(
            self,
            lambda: [
                d for d in remittances.creditor_dues(self.app.today, progress=tick) if d.creditor_id == self.creditor_id
            ],
            self._show,
            "reversements",
            progress=title,
        )

    def _show(self, dues: list[remittances.CreditorDue]) -> None:
        self._draw(dues)
        self.loaded()

    def _draw(self, dues: list[remittances.CreditorDue]) -> None:
        table = self.query_one(RowTable)
        table.clear()
        if not dues:
            self.query_one("#remit-title", Static).update(Text("Rien à reverser à ce créancier.", style="bold"))
            return
        due = dues[0]
        for line in due.lines:
            note = "à confirmer" if line.fee_marks else ""
            if line.regularisation:
                note = "; ".join(x for x in ("régularisation : assiette recalculée", note) if x)
            table.add_row(
                line.reference,
                format_amount(line.collected),
                format_amount(line.fee),
                format_amount(line.regularisation) if line.regularisation else "",
                format_amount(line.net),
                note,
                key=str(line.dossier_id),
            )
        self.query_one("#remit-title", Static).update(
            inert_renderable(
                Text.assemble(
                    (due.name, "bold"),
                    f" — {len(due.lines)} dossier(s), retenue {format_amount(due.fee)}, à reverser ",
                    (format_amount(due.net), "bold"),
                )
            )
        )

    def say(self, message: str) -> None:
        self.query_one("#remit-status", Static).update(inert_renderable(Text(message)))

    def action_run(self) -> None:
        _run(self, self.creditor_id)

    def action_back(self) -> None:
        self.dismiss(None)


class RunConfirm(ClercModal[bool]):
    """The totals of the run about to be recorded; o / Entrée records it."""

    CSS_PATH = "remittances.tcss"
    BINDINGS = [
        Binding("o,enter", "ok", "Reverser", id="remit.confirm_ok"),
        Binding("escape,n", "cancel", "Annuler", id="remit.confirm_cancel"),
    ]

    def __init__(self, dues, on):
        super().__init__()
        self.dues = list(dues)
        self.on = on

    def compose(self) -> ComposeResult:
        held = [d for d in self.dues if not remittances.held_back(list(d.lines))[0]]
        reasons = {d.creditor_id: remittances.hold_reason(d.lines[0]) for d in held}
        paid = [d for d in self.dues if d not in held]
        fee = sum((d.fee for d in paid), ZERO)
        net = sum((d.net for d in paid), ZERO)
        count = sum(len(d.lines) for d in paid)
        title = Text(
            f"Reversement du {format_date(self.on)} : {len(paid)} créancier(s), {count} dossier(s)", style="bold"
        )
        text = Text()
        for due in held:
            text.append(Text(due.name, style="bold red"))
            reason = reasons[due.creditor_id]
            why = "SANS IBAN" if reason == "sans IBAN" else f"VIREMENT IMPOSSIBLE ({reason})"
            text.append(
                f" : {why} — retenu, rien ne sera enregistré ({format_amount(due.net)} en attente)\n",
                style="bold red",
            )
        for due in paid:
            back = f", retenue rendue {format_amount(due.regularisation)}" if due.regularisation else ""
            text.append(Text(due.name))
            text.append(f" : retenue {format_amount(due.fee)}{back}, virement {format_amount(due.net)}\n")
        given_back = sum((d.regularisation for d in paid), ZERO)
        back = f" · retenue rendue (régularisation) {format_amount(given_back)}" if given_back else ""
        total = Text(f"Retenue A444-32 {format_amount(fee)}{back} · total des virements ")
        total.append(format_amount(net), style="bold")
        ok, cancel = self.app.key_for(self, "remit.confirm_ok"), self.app.key_for(self, "remit.confirm_cancel")
        total.append(f"\n{ok} : enregistrer et écrire le fichier des virements · {cancel} : annuler", style="dim")
        # A long run scrolls (↑/↓, PgUp/PgDn); its total and the keys stay in sight (80 × 24).
        with Vertical(classes="dialog summary"):
            yield Static(title, id="run-title")
            with VerticalScroll(classes="summary-lines"):
                yield Static(inert_renderable(text), id="run-summary")
            yield Static(total, id="run-total")

    def on_mount(self) -> None:
        self.query_one(".summary-lines").focus()

    def action_ok(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ResumeConfirm(ClercModal[bool]):
    """A run left « en cours »: o / Entrée resumes it (the dossiers left, then the file)."""

    CSS_PATH = "remittances.tcss"
    BINDINGS = [
        Binding("o,enter", "ok", "Reprendre", id="remit.resume_ok"),
        Binding("escape,n", "cancel", "Annuler", id="remit.resume_cancel"),
    ]

    def __init__(self, pending: remittances.PendingRun):
        super().__init__()
        self.pending = pending

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog summary"):
            yield Static(Text(f"Reversement n° {self.pending.run_id} interrompu", style="bold"), id="resume-title")
            yield Static(inert_renderable(Text(remittances.pending_text(self.pending))), id="resume-text")
            ok, cancel = self.app.key_for(self, "remit.resume_ok"), self.app.key_for(self, "remit.resume_cancel")
            yield Static(
                Text(f"{ok} : le reprendre et écrire le fichier des virements · {cancel} : annuler", style="dim")
            )

    def action_ok(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
