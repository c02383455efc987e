"""The statistics screen (`s` from the dashboard, or the palette) and the creditor report
screen (`r` from the statistics, or the palette).

Statistiques: three tabs — collections per month over two years (a Sparkline and 24 bars
« janv. 25 » with their amounts), the recovery rate of the largest creditors (bars with the
percentage, the amounts placed and collected), the open deadlines per clerc for the next
eight weeks with the overdue apart. The queries run in a worker (screens/work.py) while a
loading indicator shows; each takes well under a second at 100,000 dossiers (README
« Mesures »).

Rapport créancier: the creditor (start of the name) and the period, F2 computes the report
in a worker with its progress, then the summary, and two tabs (F3): the dossiers' table, the
two charts; F5 writes the CSV, F6 the PDF (under the étude's letterhead, rendered in a worker:
~1 s) under exports/, each whole or not at all (services/files.write_whole).
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, LoadingIndicator, Static, TabbedContent, TabPane

from clerc_tui.errors import ClercError
from clerc_tui.report import blocks
from clerc_tui.report.creditor import (
    NO_COLLECTION,
    NO_PLACED,
    amount,
    collections_series,
    creditor_document,
    percent,
    recovery_series,
    report_csv,
)
from clerc_tui.rules.french import format_date, format_integer, month_label, parse_date
from clerc_tui.rules.text import inert
from clerc_tui.screens.base import ClercScreen
from clerc_tui.screens.work import in_worker, show_progress, ticker
from clerc_tui.widgets.charts import BarChart, DeadlineWeeks, MonthTrend
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable

TOP_CREDITORS = 20


def month_series(months, title: str = "Encaissements par mois, sur deux ans") -> blocks.BarChart:
    return blocks.BarChart(
        title, tuple(blocks.Bar(month_label(m.month), m.collected, amount(m.collected)) for m in months), NO_COLLECTION
    )


def creditor_series(rows) -> blocks.BarChart:
    return blocks.BarChart(
        "Taux de recouvrement par créancier (encaissé pour le créancier / créances confiées)",
        tuple(
            blocks.Bar(r.name, r.rate or Decimal(0), f"{percent(r.rate)} · {amount(r.collected)} / {amount(r.placed)}")
            for r in rows
        ),
        NO_PLACED,
    )


class StatisticsScreen(ClercScreen):
    CSS_PATH = "statistics.tcss"
    HELP_TITLE = "Statistiques"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="stats.back"),
        Binding("1", "tab('encaissements')", "Encaissements", id="stats.collections"),
        Binding("2", "tab('recouvrement')", "Recouvrement", id="stats.recovery"),
        Binding("3", "tab('echeances')", "Échéances", id="stats.deadlines"),
        Binding("r", "creditor_report", "Rapport créancier", id="stats.creditor_report"),
        Binding("f5", "reload", "Actualiser", id="stats.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Label(Text("Statistiques de l'étude", style="bold"), id="stats-title")
        yield LoadingIndicator(id="stats-loading")
        with TabbedContent(id="stats-tabs"):
            with TabPane("1 Encaissements", id="encaissements"), VerticalScroll():
                yield MonthTrend(id="stats-trend")
                yield BarChart(id="stats-months", max_label=9)
            with TabPane("2 Recouvrement", id="recouvrement"), VerticalScroll():
                yield Static("", id="stats-recovery-note")
                yield BarChart(id="stats-recovery", max_label=22)
            with TabPane("3 Échéances", id="echeances"), VerticalScroll():
                yield Static("", id="stats-deadlines-title")
                yield DeadlineWeeks(id="stats-deadlines")
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_creditor_report(self) -> None:
        self.app.push_screen(CreditorReportScreen())

    loading = False

    def action_reload(self) -> None:
        from clerc_tui.services.statistics import statistics

        if self.loading:  # `r` pressed again while the queries run: once is enough
            return
        self.loading = True
        self.query_one(LoadingIndicator).display = True
        today = self.app.today
        in_worker(
            self,
            lambda: statistics(today, TOP_CREDITORS),
            self._show,
            "statistiques",
            failed=self._failed,
            group="statistics",
        )

    def _failed(self, error: Exception) -> None:
        self.loading = False
        self.query_one(LoadingIndicator).display = False
        if isinstance(error, ClercError):
            self.app.notify(error.message, severity="error", timeout=10, markup=False)
        else:
            self.app.show_error(error, "statistiques")

    def _show(self, stats) -> None:
        self.loading = False
        self.query_one(LoadingIndicator).display = False
        months = month_series(stats.months)
        self.query_one(MonthTrend).show(months)
        self.query_one("#stats-months", BarChart).show(months)
        self.query_one("#stats-recovery-note", Static).update(
            Text(
                f"Les {format_integer(len(stats.recovery))} premiers créanciers par montant confié, sur "
                f"{format_integer(stats.creditors)} ; encaissé pour le créancier à ce jour / créances confiées "
                "(docs/reporting.md)."
            )
        )
        self.query_one("#stats-recovery", BarChart).show(creditor_series(stats.recovery))
        self.query_one("#stats-deadlines-title", Static).update(
            Text(f"Échéances ouvertes par clerc, huit semaines à partir du {format_date(stats.today)}", style="bold")
        )
        self.query_one(DeadlineWeeks).show(stats.deadlines)


class CreditorReportScreen(ClercScreen):
    CSS_PATH = "statistics.tcss"
    HELP_TITLE = "Rapport créancier"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="report.back"),
        Binding("f2,ctrl+s", "compute", "Calculer", id="report.compute"),
        Binding("f5", "export_csv", "Exporter CSV", id="report.csv"),
        Binding("f6", "export_pdf", "Exporter PDF", id="report.pdf"),
        Binding("f3", "switch_tab", "Dossiers/graphiques", id="report.tab"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report = None
        self.running = False
        self.writing_pdf = False

    def compose(self) -> ComposeResult:
        from clerc_tui.services.creditor_report import default_period

        start, end = default_period(self.app.today)
        yield TitleBar()
        compute = self.app.key_for(self, "report.compute")
        yield Label(Text(f"Rapport au créancier — choisir le créancier et la période, puis {compute}", style="bold"))
        with Horizontal(id="report-form"):
            yield FieldInput(placeholder="Créancier (début du nom)", id="report-creditor")
            yield FieldInput(format_date(start), placeholder="Du JJ/MM/AAAA", id="report-start")
            yield FieldInput(format_date(end), placeholder="Au JJ/MM/AAAA", id="report-end")
        yield Static("", id="report-status")
        yield Static("", id="report-summary")
        with TabbedContent(id="report-tabs"):
            with TabPane("Dossiers", id="report-dossiers"):
                yield RowTable(id="report-table")
            with TabPane("Graphiques", id="report-charts"), VerticalScroll():
                yield BarChart(id="report-months", max_label=9)
                yield BarChart(id="report-years", max_label=6)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for label, width, justify, fit in (
            ("Dossier", 11, "left", ColumnFit()),
            ("Débiteur", 22, "left", ColumnFit(priority=8, min_width=10)),
            ("Phase", 10, "left", ColumnFit(priority=2)),
            ("Encaissé pér.", 13, "right", ColumnFit(priority=6)),
            ("Reversé pér.", 13, "right", ColumnFit(priority=4)),
            ("À reverser", 13, "right", ColumnFit(priority=5)),
            ("Solde dû", 14, "right", ColumnFit()),
            ("Échéance", 10, "left", ColumnFit(priority=3)),
            ("À faire", 30, "left", ColumnFit(priority=1, min_width=10)),
        ):
            table.add_column(label, width=width, justify=justify, **fit)
        self.query_one("#report-creditor", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_switch_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "report-charts" if tabs.active == "report-dossiers" else "report-dossiers"

    def say(self, text: str) -> None:
        self.query_one("#report-status", Static).update(Text(inert(text)))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_compute()

    def action_compute(self) -> None:
        from clerc_tui.services.creditor_report import check_period, creditor_report, find_creditor

        if self.running:
            self.say("Calcul en cours, un instant…")
            return
        name = self.query_one("#report-creditor", Input).value
        today = self.app.today
        try:
            start = parse_date(self.query_one("#report-start", Input).value)
            end = parse_date(self.query_one("#report-end", Input).value)
            check_period(start, end, today)
        except ClercError as error:
            self.say(error.message)
            return
        self.running = True
        status = self.query_one("#report-status", Static)
        self.say("Calcul du rapport…")
        tick = ticker(self, show_progress(status, "Rapport : soldes des dossiers"))

        def work():
            creditor_id, _ = find_creditor(name)
            return creditor_report(creditor_id, start, end, today, progress=tick)

        def failed(error: Exception) -> None:
            self.running = False
            if isinstance(error, ClercError):
                self.say(error.message)
            else:
                self.say("")
                self.app.show_error(error, "rapport créancier")

        in_worker(self, work, self._show, "rapport créancier", failed=failed, group="report")

    def _show(self, report) -> None:
        self.running = False
        self.report = report
        doc = creditor_document(report)
        self.say(f"{doc.title} — du {format_date(report.start)} au {format_date(report.end)}")
        t = report.totals
        self.query_one("#report-summary", Static).update(
            Text(
                f"{format_integer(len(report.lines))} dossier(s) · encaissé sur la période "
                f"{amount(t.collected_period)} (versé {amount(t.paid_period)}) · reversé {amount(t.remitted_period)}"
                f" · à reverser {amount(t.due)} · reste dû {amount(t.balance)}"
            )
        )
        self.query_one("#report-months", BarChart).show(collections_series(report))
        self.query_one("#report-years", BarChart).show(recovery_series(report))
        table = self.query_one(RowTable).clear()
        if not report.lines:
            self.say(f"{doc.title} : aucun dossier ouvert avant le {format_date(report.end)}.")
        for x in report.lines:
            table.add_row(
                Text(x.reference),
                Text(inert(x.debtor, multiline=False)),
                Text(x.phase),
                Text(amount(x.collected_period)),
                Text(amount(x.remitted_period)),
                Text(amount(x.due)),
                Text(amount(x.balance) + ("" if x.with_interest else " HI")),
                Text(format_date(x.next_due)),
                Text(inert(x.next_step, multiline=False)),
            )

    def _export_path(self, suffix: str):
        from clerc_tui.paths import exports_dir

        report = self.report
        assert report is not None
        stem = f"rapport-creancier-{report.creditor_id}-{report.start.isoformat()}-{report.end.isoformat()}"
        return exports_dir() / (stem + suffix)

    def _written(self, path) -> None:
        self.say(f"Rapport écrit : {path}")
        self.app.notify(f"Rapport écrit : {path}", title="Rapport créancier", markup=False)

    def _export_failed(self, error: Exception) -> None:
        if isinstance(error, ClercError):
            self.say(error.message)
        elif isinstance(error, OSError):
            self.say(f"Export impossible : {error}.")
        else:
            self.say("")
            self.app.show_error(error, "rapport créancier")

    def action_export_csv(self) -> None:
        if self.report is None:
            self.say(f"Calculez d'abord le rapport ({self.app.key_for(self, 'report.compute')}).")
            return
        try:
            path = _write_export(self._export_path(".csv"), report_csv(self.report))
        except (ClercError, OSError) as error:
            self._export_failed(error)
            return
        self._written(path)

    def action_export_pdf(self) -> None:
        """The PDF in a worker (fpdf's import and the layout take ~1 s: the screen stays live)."""
        from clerc_tui.report.pdf import document_pdf
        from clerc_tui.services.etude import letterhead

        report = self.report
        if report is None:
            self.say(f"Calculez d'abord le rapport ({self.app.key_for(self, 'report.compute')}).")
            return
        if self.writing_pdf:
            self.say("PDF en cours d'écriture, un instant…")
            return
        self.writing_pdf = True
        self.say("Écriture du PDF…")
        path = self._export_path(".pdf")

        def work():
            return _write_export(path, document_pdf(creditor_document(report, letterhead(contact=True))))

        def done(written) -> None:
            self.writing_pdf = False
            self._written(written)

        def failed(error: Exception) -> None:
            self.writing_pdf = False
            self._export_failed(error)

        in_worker(self, work, done, "rapport créancier (PDF)", failed=failed, group="report-pdf")


def _write_export(path, content: str | bytes):
    """`content` written whole into exports/ (created when missing); returns the path."""
    from clerc_tui.services.files import write_whole

    path.parent.mkdir(parents=True, exist_ok=True)
    return write_whole(path, content, what="Rapport créancier")
