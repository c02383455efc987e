"""One dossier: parties, title, amounts, deadlines, timeline, in tabs (1–4), its accounts (5,
screens/dossier_accounts.py, b bills an act), the debtors' solvency (6, m the next measures:
screens/solvency.py) and its décompte (s)."""

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from clerc_tui.errors import ClercError
from clerc_tui.rules.french import format_amount, format_date, format_percent
from clerc_tui.rules.interest import DAY_BASIS_LABELS
from clerc_tui.rules.vocabulary import (
    CLAIM_INTEREST_REGIMES,
    CLAIM_KINDS,
    CREDITOR_ACTIVITIES,
    INTEREST_KINDS,
    NATURES,
    PHASES,
    TITLE_KINDS,
    ZONES,
)
from clerc_tui.screens.base import ClercScreen
from clerc_tui.screens.dossier_accounts import AccountsPane
from clerc_tui.screens.plans import PlanPane
from clerc_tui.screens.solvency import SolvencyPane
from clerc_tui.screens.statement_view import InterestDetailScreen, StatementPane
from clerc_tui.services.balances import Due, due_on
from clerc_tui.services.dossiers import DossierView, get_dossier
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar

# The tabs drawn from `refresh_data`'s reading (the décompte computes its own when shown).
DRAWN_TABS = ("synthese", "debiteurs", "echeances", "historique", "comptes", "solvabilite", "echeancier")
DEADLINE_KINDS = {"last_day": "Dernier jour", "earliest_day": "Pas avant le", "expiry": "Expire le"}


def _facts(rows: list[tuple[str, str]], title: str | None = None) -> Table:
    table = Table.grid(padding=(0, 2))
    table.title = title
    table.title_justify = "left"
    table.title_style = "bold"
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, Text(value or "—"))
    return table


def summary(view: DossierView, due: Due) -> Group:
    d = view.dossier
    creditor = view.creditor
    debtors = ", ".join(detail.debtor.display_name for detail in view.debtors)
    parties = _facts(
        [
            (
                "Créancier",
                f"{creditor.display_name} ({CREDITOR_ACTIVITIES.get(creditor.activity, creditor.activity)}"
                f"{', particulier' if creditor.is_individual else ''})",
            ),
            ("Débiteur(s)", debtors),
            ("Nature", NATURES.get(d.nature, d.nature)),
            ("Phase", PHASES.get(d.phase, d.phase)),
            ("Clerc", view.clerc.name if view.clerc else ""),
            ("Ouvert le", format_date(d.opened_on)),
            ("Zone", ZONES.get(d.zone, d.zone)),
        ],
        "Dossier",
    )
    title = _facts(
        [
            ("Titre", TITLE_KINDS.get(d.title_kind, d.title_kind)),
            ("Juridiction", d.title_court),
            ("Référence", d.title_reference),
            ("Rendu le", format_date(d.title_date)),
            ("Signifié le", format_date(d.title_signified_on)),
            ("Exécutoire le", format_date(d.title_enforceable_on)),
        ],
        "Titre exécutoire",
    )
    amounts = Table(title="Créance", title_justify="left", title_style="bold", show_edge=False)
    amounts.add_column("Poste")
    amounts.add_column("Montant", justify="right")
    amounts.add_column("Intérêts")
    for item in view.claims:
        interest = CLAIM_INTEREST_REGIMES.get(item.interest_regime, item.interest_regime)
        if item.interest_regime != "none" and item.interest_from is not None:
            interest += f" à compter du {format_date(item.interest_from)}"
        amounts.add_row(
            Text(item.label or CLAIM_KINDS.get(item.kind, item.kind)),
            format_amount(item.amount),
            Text(interest),
        )
    amounts.add_row(Text("Total", style="bold"), Text(format_amount(view.claims_total), style="bold"), "")
    interest = INTEREST_KINDS.get(d.interest_kind, d.interest_kind)
    if d.interest_kind == "contractual" and d.contractual_rate is not None:
        interest += f" ({format_percent(d.contractual_rate)}, base {DAY_BASIS_LABELS.get(d.contractual_day_basis, '')})"
    terms = _facts(
        [
            ("Intérêts", interest),
            ("À compter du", format_date(d.interest_from)),
            ("Majoration L313-3", f"+{d.majoration_points} points" if d.interest_kind == "legal" else ""),
            ("Capitalisation", format_date(d.capitalisation_from)),
            ("Solde", f"{format_amount(due.amount)} ({due.wording})"),
        ]
    )
    parts: list[RenderableType] = [parties, Text(""), title, Text(""), amounts, terms]
    if d.notes:
        parts += [Text(""), Text("Notes", style="bold"), Text(d.notes)]
    return Group(*parts)


def debtors_detail(view: DossierView) -> Group:
    parts: list[RenderableType] = []
    for position, detail in enumerate(view.debtors):
        debtor = detail.debtor
        role = "Débiteur principal" if position == 0 else "Co-obligé"
        rows = [
            ("Nom", debtor.display_name),
            ("Civilité", debtor.civility),
            ("Né(e) le", format_date(debtor.birth_date)),
            ("SIREN", debtor.siren),
            ("Employeur", debtor.employer_name),
        ]
        for address in detail.addresses:
            label = "Adresse actuelle" if address.is_current else "Ancienne adresse"
            rows.append((label, f"{address.street}, {address.postcode} {address.city}"))
        rows += [("Téléphone" if c.kind == "phone" else "E-mail", c.value) for c in detail.contacts]
        rows += [("Compte", f"{a.bank_name} {a.iban}".strip()) for a in detail.bank_accounts]
        rows += [
            ("Bien", f"{a.description}" + (f" ({format_amount(a.estimated_value)})" if a.estimated_value else ""))
            for a in detail.assets
        ]
        rows += [("À charge", f"{p.relation} {p.name}".strip()) for p in detail.dependants]
        parts += [_facts(rows, f"{role}"), Text("")]
    return Group(*parts)


def deadlines_table(view: DossierView, today: date | None = None) -> Table:
    from clerc_tui.services.deadlines import procedure_label, winter_truce_suspension

    table = Table(expand=True, show_edge=False)
    for column in ("Date", "Type", "À faire", "Procédure", "Fondement", "État"):
        table.add_column(column)
    for deadline in view.deadlines:
        truce = (
            ""
            if deadline.done or today is None
            else winter_truce_suspension(
                deadline.procedure_id, deadline.rule_id, deadline.kind, deadline.due_date, today
            )
        )
        if deadline.done:
            state = Text(f"fait le {format_date(deadline.done_on)} : {deadline.done_reason}")
        elif deadline.suspended_reason or truce:
            # CPCE L412-5 (the délai does not run; the warning says what to record) or L412-6 (trêve).
            state = Text(f"SUSPENDU — {deadline.suspended_reason or truce}", style="bold")
        else:
            state = Text("à faire")
        if deadline.original_due_date is not None:
            # A moved deadline keeps its first date and the reason in sight.
            state.append(
                f" — reportée, initialement le {format_date(deadline.original_due_date)} : {deadline.moved_reason}"
            )
        kind = DEADLINE_KINDS.get(deadline.kind, deadline.kind) + (" (NV)" if deadline.unverified else "")
        table.add_row(
            format_date(deadline.due_date),
            kind,
            Text(deadline.label),
            procedure_label(deadline.procedure_id),
            Text(deadline.basis),
            state,
        )
        if not deadline.done:
            notes = [line for line in deadline.note.splitlines() if line.startswith(("Point non vérifié", "Attention"))]
            for line in notes:
                table.add_row("", "", Text(line, style="dim"), "", "", "")
    return table


def timeline_table(view: DossierView) -> Table:
    table = Table(expand=True, show_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Événement")
    for event in view.events:
        table.add_row(format_date(event.occurred_on), Text(event.text))
    if view.source:  # the dossier's first line: where it came from, the audit entry that says so
        table.add_row(format_date(view.dossier.opened_on), Text(view.source))
    return table


class DossierScreen(ClercScreen):
    HELP_TITLE = "Dossier"
    # What on_mount focuses, focused as the screen is composed: Textual's default focused the tabs
    # first, restyled with their eight tabs as they took the focus and again as they lost it.
    AUTO_FOCUS = "#synthese VerticalScroll"
    CSS_PATH = [
        "statement_view.tcss",
        "dossier_accounts.tcss",
        "solvency.tcss",
        "plans.tcss",
    ]  # its « Décompte », « Comptes », « Solvabilité », « Échéancier » tabs
    BINDINGS = [
        Binding("escape", "back", "Retour", id="dossier.back"),
        Binding("e", "edit", "Modifier", id="dossier.edit"),
        Binding("1", "tab('synthese')", "Synthèse", id="dossier.tab_summary"),
        Binding("2", "tab('debiteurs')", "Débiteurs", id="dossier.tab_debtors"),
        Binding("3", "tab('echeances')", "Échéances", id="dossier.tab_deadlines"),
        Binding("4", "tab('historique')", "Historique", id="dossier.tab_timeline"),
        Binding("5", "tab('comptes')", "Comptes", id="dossier.tab_accounts"),
        Binding("6", "tab('solvabilite')", "Solvabilité", id="dossier.tab_solvency"),
        Binding("7", "tab('echeancier')", "Échéancier", id="dossier.tab_plan"),
        Binding("m", "measures", "Mesures", id="dossier.measures"),
        Binding("b", "bill", "Facturer", id="dossier.bill"),
        Binding("s", "statement", "Décompte", id="dossier.statement"),
        Binding("a", "statement_date", "Arrêté au", show=False, id="dossier.statement_date"),
        Binding("I", "interest_detail", "Intérêts", id="dossier.interest_detail"),
        Binding("x", "export_statement", "Exporter", id="dossier.export_statement"),
        Binding("p", "record_step", "Acte", id="dossier.record_step"),
        Binding("f", "deadline_done", "Échéance faite", id="dossier.deadline_done"),
        Binding("r", "deadline_move", "Reporter", id="dossier.deadline_move"),
        Binding("o", "deadline_reopen", "Rouvrir", id="dossier.deadline_reopen"),
        Binding("t", "acts", "Actes", id="dossier.acts"),
        # The amicable scenario (screens/amicable.py): enrol, pause (« bloqué »), next step, take out.
        Binding("l", "amicable_enrol", "Relance amiable", id="dossier.amicable_enrol"),
        Binding("u", "amicable_pause", "Bloquer/reprendre la relance", show=False, id="dossier.amicable_pause"),
        Binding("y", "amicable_advance", "Étape suivante", show=False, id="dossier.amicable_advance"),
        Binding("z", "amicable_out", "Sortir de la relance", show=False, id="dossier.amicable_out"),
    ]

    def __init__(self, dossier_id: int):
        super().__init__()
        self.dossier_id = dossier_id
        self.view: DossierView | None = None
        self.due: Due | None = None
        # The tabs drawn from data older than `view` (refresh_data): each is drawn when it is
        # shown, not at every opening and refresh (the clerc sees one tab at a time).
        self._stale: set[str] = set()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="dossier-title")
        with TabbedContent(initial="synthese"):
            for pane_id, label in (
                ("synthese", "1 Synthèse"),
                ("debiteurs", "2 Débiteurs"),
                ("echeances", "3 Échéances"),
                ("historique", "4 Historique"),
            ):
                with TabPane(label, id=pane_id), VerticalScroll():
                    yield Static("", id=f"{pane_id}-body")
            with TabPane("5 Comptes", id="comptes"):
                yield AccountsPane(self.dossier_id)
            with TabPane("6 Solvabilité", id="solvabilite"):
                yield SolvencyPane(self.dossier_id)
            with TabPane("7 Échéancier", id="echeancier"):
                yield PlanPane(self.dossier_id)
            with TabPane("s Décompte", id="decompte"):
                yield StatementPane(self.dossier_id)
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#synthese VerticalScroll").focus()

    def refresh_data(self) -> None:
        """Read the dossier again (an opening, a change here or another clerc's): its title line,
        and the tab shown; the others are drawn again when next shown."""
        try:
            self.view = get_dossier(self.dossier_id)
            # What is due today, by the décompte: the balance stored for the list is the one of the
            # dossier's last calculation (interest only up to then, or none in a large demo).
            self.due = due = due_on(self.dossier_id, self.app.today)
        except Exception as error:
            self.app.show_error(error, "ouverture du dossier")
            return
        d = self.view.dossier
        # « Créancier c/ Débiteur »: the creditor pursues the debtor (the way acts and courts name a case).
        title = Text.assemble(
            (d.reference, "bold"),
            "  ",
            Text(d.creditor_name),
            "  c/  ",
            Text(d.debtor_name),
            "  ·  ",
            PHASES.get(d.phase, d.phase),
            f"  ·  solde {due.wording} : ",
            (format_amount(due.amount), "bold"),
        )
        self.query_one("#dossier-title", Static).update(inert_renderable(title))
        self._stale = set(DRAWN_TABS)
        self._draw_tab(self.query_one(TabbedContent).active or "synthese")
        self.query_one(StatementPane).refresh_data()  # computed when shown, as it always was

    def _draw_tab(self, pane_id: str) -> None:
        """Draw a tab from the data read last, if it was not drawn from them yet."""
        if pane_id not in self._stale or self.view is None or self.due is None:
            return
        self._stale.discard(pane_id)
        view = self.view
        if pane_id == "synthese":
            from clerc_tui.screens.amicable import amicable_line

            amicable_state = Text.assemble(
                ("Relance amiable  ", "bold"),
                amicable_line(self.dossier_id, self.app.today, self.app.key_for(self, "dossier.amicable_enrol")),
            )
            body = Group(summary(view, self.due), Text(""), amicable_state)
            self.query_one("#synthese-body", Static).update(inert_renderable(body))
        elif pane_id == "debiteurs":
            self.query_one("#debiteurs-body", Static).update(inert_renderable(debtors_detail(view)))
        elif pane_id == "echeances":
            self.query_one("#echeances-body", Static).update(inert_renderable(deadlines_table(view, self.app.today)))
        elif pane_id == "historique":
            self.query_one("#historique-body", Static).update(inert_renderable(timeline_table(view)))
        elif pane_id == "comptes":
            self.query_one(AccountsPane).refresh_data()
        elif pane_id == "solvabilite":
            self.query_one(SolvencyPane).refresh_data()
        elif pane_id == "echeancier":
            self.query_one(PlanPane).refresh_data()

    def action_tab(self, pane_id: str) -> None:
        self._draw_tab(pane_id)  # before it is shown: no frame of it drawn from older data
        self.query_one(TabbedContent).active = pane_id

    @on(TabbedContent.TabActivated)
    def _focus_pane(self, event: TabbedContent.TabActivated) -> None:
        """Give the keys to the tab's content, so that arrows and Page↑/↓ scroll it. The
        décompte is computed when its tab is first shown, however it is reached (s, a click)."""
        if event.pane.id == "decompte":
            self.query_one(StatementPane).ensure()
        elif event.pane.id is not None:
            self._draw_tab(event.pane.id)
        focused = self.app.focused
        if focused is not None and event.pane in focused.ancestors:
            return  # e.g. the « arrêté au » date the clerc is typing
        scroll = event.pane.query(VerticalScroll) or event.pane.query("#accounts-table, #statement-body")
        if scroll:
            scroll.first().focus()

    def action_statement(self) -> None:
        self.query_one(TabbedContent).active = "decompte"
        self.query_one(StatementPane).ensure()

    def action_statement_date(self) -> None:
        self.action_statement()
        self.query_one(StatementPane).focus_date()

    def action_interest_detail(self) -> None:
        try:
            statement = self.query_one(StatementPane).require_statement()
        except ClercError as error:
            self.app.show_error(error, "détail des intérêts")
            return
        self.app.push_screen(InterestDetailScreen(statement))

    def action_export_statement(self) -> None:
        self.action_statement()
        self.query_one(StatementPane).export()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_bill(self) -> None:
        from clerc_tui.screens.dossier_accounts import BillActDialog

        self.app.push_screen(BillActDialog(self.dossier_id), self._billed)

    def _billed(self, entry) -> None:
        if entry is not None:
            self.refresh_data()
            self.action_tab("comptes")

    def action_edit(self) -> None:
        from clerc_tui.screens.dossier_form import DossierFormScreen

        self.app.push_screen(DossierFormScreen(self.dossier_id), lambda _: self.refresh_data())

    def action_acts(self) -> None:
        from clerc_tui.screens.acts import ActsScreen

        self.app.push_screen(ActsScreen(self.dossier_id), lambda _: self.refresh_data())

    def action_measures(self) -> None:
        """The next measures, explained; the one chosen starts its procedure (`p`'s dialog)."""
        from clerc_tui.screens.solvency import choose_measure

        choose_measure(self)

    # Procedure acts and deadlines (dialogs and flow in screens/deadline_modals.py).
    def action_record_step(self) -> None:
        from clerc_tui.screens.deadline_modals import dossier_record_step

        dossier_record_step(self)

    def action_deadline_done(self) -> None:
        from clerc_tui.screens.deadline_modals import dossier_mark_done

        dossier_mark_done(self)

    def action_deadline_move(self) -> None:
        from clerc_tui.screens.deadline_modals import dossier_move

        dossier_move(self)

    def action_deadline_reopen(self) -> None:
        from clerc_tui.screens.deadline_modals import dossier_reopen

        dossier_reopen(self)

    def action_amicable_enrol(self) -> None:
        from clerc_tui.screens import amicable

        amicable.enrol(self)

    def action_amicable_pause(self) -> None:
        from clerc_tui.screens import amicable

        amicable.pause(self)

    def action_amicable_advance(self) -> None:
        from clerc_tui.screens import amicable

        amicable.advance(self)

    def action_amicable_out(self) -> None:
        from clerc_tui.screens import amicable

        amicable.take_out(self)
