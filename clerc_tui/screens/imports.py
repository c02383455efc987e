"""Import a creditor's file (i, or the palette): the file, the creditor, the mapping's corrections;
F5 checks every row (the mapping used and the refused rows are shown), F2 / Ctrl+S imports what
was checked. Both run in a worker with a progress line: the screen keeps answering, the typing
stays (leaving with something typed asks first, screens/form.py). services/imports.py does the
work; docs/imports.md says the rules."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from clerc_tui.errors import ClercError
from clerc_tui.rules.french import format_integer
from clerc_tui.rules.import_rows import header_key
from clerc_tui.screens.dossier_form import CreditorSuggester
from clerc_tui.screens.form import FormScreen
from clerc_tui.screens.work import in_worker, show_progress, ticker
from clerc_tui.services import imports
from clerc_tui.widgets.form_field import FieldInput, FormField
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable


class ImportScreen(FormScreen):
    CSS_PATH = "imports.tcss"
    HELP_TITLE = "Import de dossiers"
    BINDINGS = [
        Binding("f5", "check", "Vérifier", id="import.check"),
        Binding("f2,ctrl+s", "run", "Importer", id="import.run"),
        Binding("escape", "cancel", "Retour", id="import.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.checked: tuple[str, str, str] | None = None  # the fields a preview was made for
        self.mapping: imports.Mapping | None = None
        self.creditor_id: int | None = None
        self.working = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Label(Text("Import de dossiers d'un créancier (CSV ou XLSX, une ligne par créance)", style="bold"))
        with Horizontal(id="import-fields"):
            yield FormField("path", "Fichier", FieldInput(placeholder="/chemin/vers/creances.csv", id="import-path"))
            yield FormField(
                "creditor",
                "Créancier",
                FieldInput(placeholder="nom (→ pour compléter)", suggester=CreditorSuggester(), id="import-creditor"),
            )
        yield FormField(
            "mapping",
            "Corrections de la correspondance",
            FieldInput(
                placeholder="champ=Colonne;… (ex. principal=Capital ; « champ= » ignore la colonne)",
                id="import-mapping",
            ),
        )
        yield Static("", id="import-columns")
        yield Static("", id="import-summary")
        yield RowTable(id="import-refused")
        yield Static("", id="import-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for label, width, justify, fit in (
            ("Ligne", 7, "right", ColumnFit()),
            ("Réf. créancier", 16, "left", ColumnFit(priority=2)),
            ("Motif du refus", 90, "left", ColumnFit(priority=9, min_width=30)),
        ):
            table.add_column(label, width=width, justify=justify, **fit)
        self.query_one("#import-path", Input).focus()

    def _fields(self) -> tuple[str, str, str]:
        path, creditor, mapping = (
            self.query_one(f"#import-{n}", Input).value.strip() for n in ("path", "creditor", "mapping")
        )
        return path, creditor, mapping

    def say(self, text: str) -> None:
        self.query_one("#import-status", Static).update(Text(text))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_check()

    def action_check(self) -> None:
        """Every row checked (nothing written); the mapping used and the refusals shown."""
        if self.working:
            self.say("Travail en cours, un instant…")
            return
        path, creditor, corrections = self._fields()
        if not path or not creditor:
            self.say(
                f"Indiquez le fichier et le créancier, puis {self.app.key_for(self, 'import.check')} pour vérifier."
            )
            return
        self.working = True
        today = self.app.today
        tick = ticker(self, show_progress(self.query_one("#import-status", Static), "Vérification", unit="lignes"))

        def work():
            table = imports.open_table(Path(path).expanduser())
            creditor_id, name = imports.creditor_named(creditor)
            mapping = imports.resolve_mapping(
                creditor_id, table.headers, imports.parse_mapping_text(corrections) if corrections else None
            )
            # Compact, so that the refusals stay in sight at 80 × 24: the fields read, then those not.
            # A column of the field's own name is named once.
            pairs = mapping.lines()
            same = [label for label, header in pairs if header_key(label.rstrip(" *")) == header_key(header)]
            read = [f"{label} ← {header}" for label, header in pairs if header != "—" and label not in same]
            unread = [label for label, header in pairs if header == "—"]
            lines = [
                f"{table.path.name} ({table.description}) · créancier : {name}",
                f"Correspondance des colonnes ({mapping.origin}) : " + " · ".join(read),
                "Colonnes du même nom : " + (", ".join(same) if same else "aucune"),
                "Non lus : " + (", ".join(unread) if unread else "aucun"),
            ]
            imports.check_mapping(mapping, table.headers)
            report = imports.analyse(table, creditor_id, mapping, today, progress=tick)
            return creditor_id, mapping, "\n".join(lines), report

        def shown(result) -> None:
            self.working = False
            self.creditor_id, self.mapping, columns, report = result
            self.checked = (path, creditor, corrections)
            self.query_one("#import-columns", Static).update(Text(columns))
            self._show(report)
            self.say(
                f"Vérification faite, rien n'est enregistré : {format_integer(report.valid)} à créer, "
                f"{format_integer(report.present)} déjà présent(s), {format_integer(len(report.refused))} refusé(s). "
                f"{self.app.key_for(self, 'import.run')} : importer "
                "(la correspondance sera enregistrée pour ce créancier)."
            )

        in_worker(self, work, shown, "vérification du fichier", failed=self._failed, group="import")

    def _show(self, report: imports.Report) -> None:
        summary = self.query_one("#import-summary", Static)
        summary.update(Text(f"Lignes refusées : {format_integer(len(report.refused))}" if report.refused else ""))
        table = self.query_one(RowTable).clear()
        for refusal in report.refused:
            table.add_row(str(refusal.line), refusal.reference, refusal.reason)

    def action_run(self) -> None:
        """Import what F5 checked: the same file, creditor and corrections, else check first."""
        if self.working:
            self.say("Travail en cours, un instant…")
            return
        if self.checked is None or self.checked != self._fields() or self.mapping is None or self.creditor_id is None:
            check, run = self.app.key_for(self, "import.check"), self.app.key_for(self, "import.run")
            self.say(
                f"Vérifiez d'abord le fichier ({check}) : la correspondance et les refus s'affichent, "
                f"puis {run} importe."
            )
            return
        self.working = True
        path, mapping, creditor_id = self.checked[0], self.mapping, self.creditor_id
        actor, today = self.app.actor, self.app.today
        tick = ticker(self, show_progress(self.query_one("#import-status", Static), "Import", unit="lignes"))

        def work() -> imports.Report:
            table = imports.open_table(Path(path).expanduser())
            return imports.run_import(actor, table, creditor_id, mapping, today, progress=tick)

        def done(report: imports.Report) -> None:
            self.working = False
            self.checked = None  # a second F2 checks again first
            self._show(report)
            self.say(f"Import terminé : {report.summary}.")
            self.app.notify(f"Import terminé : {report.summary}.", markup=False, timeout=10)
            self.mark_clean()

        in_worker(self, work, done, "import du fichier", failed=self._failed, group="import")

    def _failed(self, error: Exception) -> None:
        self.working = False
        if isinstance(error, ClercError):
            self.say(error.message)
        else:
            self.say("L'opération a échoué (voir le message) : votre saisie est conservée.")
            self.app.show_error(error, "import de dossiers")

    def action_cancel(self) -> None:
        self.request_leave()
