"""The dossier list: `/` filters as you type, `t` sorts, Enter opens, `n` creates.

Only a window of a few pages lives in the table (screens/row_window.py); moving past its
ends fetches the next or previous page from SQL (keyset) and drops the farthest, so the
screen costs the same at 100 or 100,000 dossiers, walked to the end and back.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from clerc_tui.rules.french import format_amount, format_date, format_integer
from clerc_tui.rules.vocabulary import NATURES, PHASES
from clerc_tui.screens.base import ClercScreen
from clerc_tui.screens.row_window import RowWindow, WindowTable
from clerc_tui.services import dossier_list
from clerc_tui.services.dossier_list import (
    BROAD_MATCHES,
    SORT_COLUMNS,
    SORT_LABELS,
    DossierRow,
    ListQuery,
    search_words,
)
from clerc_tui.widgets.form_field import FieldInput
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable
from clerc_tui.widgets.text_line import show_text

FILTER_PLACEHOLDER = "référence, débiteur ou créancier (sans accents ni majuscules)"


# (key, title, width): 120 columns in all; longer names end with « … ».
COLUMNS = (
    ("reference", "Référence", 11),
    ("debtor", "Débiteur", 24),
    ("creditor", "Créancier", 20),
    ("nature", "Nature", 12),
    ("phase", "Phase", 10),
    # The balance stored on the dossier at its last write (or by `clerc balances`, each night):
    # never computed per row (100,000 dossiers); the dossier itself says what is due today.
    ("balance", "Solde calculé", 13),
    ("next_due", "Échéance", 10),
    ("clerc", "Clerc", 12),
)
# At 80 columns (RowTable.fit_widths) the reference, the debtor and the Solde always show;
# nature, clerc and phase hide first, the creditor shrinks.
COLUMN_FIT: dict[str, ColumnFit] = {
    "nature": {"priority": 1},
    "clerc": {"priority": 2},
    "phase": {"priority": 3},
    "creditor": {"priority": 4, "min_width": 10},
    "next_due": {"priority": 5},
    "debtor": {"min_width": 12},
}


class DossierTable(WindowTable):
    """The rows of the window; asks the screen for the next or previous page at either end."""

    BINDINGS = [
        Binding("j", "cursor_down", "Bas", show=False, id="list.down"),
        Binding("k", "cursor_up", "Haut", show=False, id="list.up"),
    ]


class DossierListScreen(ClercScreen):
    HELP_TITLE = "Liste des dossiers"
    BINDINGS = [
        Binding("slash", "filter", "Filtrer", id="list.filter"),
        Binding("enter", "open", "Ouvrir", id="list.open"),
        Binding("n", "new", "Nouveau", id="list.new"),
        Binding("e", "edit", "Modifier", id="list.edit"),
        Binding("t", "sort", "Trier", id="list.sort"),
        Binding("T", "reverse", "Inverser", show=False, id="list.reverse"),
        Binding("g", "first", "Début", show=False, id="list.first"),
        Binding("G", "last", "Fin", show=False, id="list.last"),
        Binding("escape", "clear_filter", "Effacer le filtre", show=False, id="list.clear_filter"),
        Binding("a", "agenda", "Agenda", id="list.agenda"),
    ]
    # Rows per keyset page; the window holds a few pages (screens/row_window.py).
    PAGE_SIZE = 100

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ListQuery()
        self.window: RowWindow[DossierRow] = RowWindow(self._fetch, self.PAGE_SIZE)
        self.total = 0
        self._filter_pending = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="filter-bar"):
            yield Static("Filtre / ", id="filter-label")
            # A steady cursor: a blinking one repaints the line twice a second, over SSH too.
            filter_input = FieldInput(placeholder=FILTER_PLACEHOLDER, id="filter")
            filter_input.cursor_blink = False
            yield filter_input
        yield DossierTable(id="dossiers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DossierTable)
        for key, label, width in COLUMNS:
            table.add_column(
                label, key=key, width=width, justify="right" if key == "balance" else "left", **COLUMN_FIT.get(key, {})
            )
        self.reload()
        table.focus()

    # --- data -------------------------------------------------------------------------

    @property
    def rows(self) -> list[DossierRow]:
        """The rows held (the window), in display order."""
        return self.window.rows

    def _fetch(self, limit: int, **paging) -> list[DossierRow]:
        return dossier_list.fetch_page(self.query_state, limit=limit, **paging)

    def reload(self) -> None:
        """Filter or sort changed (or `g`): first page and a fresh count."""
        self.total = dossier_list.count(self.query_state)
        self.window.first(at_least=self.query_one(DossierTable).page_rows)
        self._draw(index=0, offset=0)

    def refresh_data(self) -> None:
        """Another clerc wrote: re-read the rows held from the first one's key, the cursor kept on
        its dossier (or at the same place when it is gone)."""
        table = self.query_one(DossierTable)
        cursor, selected = table.cursor_row, self.selected
        self.total = dossier_list.count(self.query_state)
        self.window.refresh()
        self._draw(select_id=selected.id if selected else None, index=cursor, offset=cursor - table.top_row)

    def reach(self, target: int) -> None:
        """The cursor is about to move to row `target`: past either end of the rows held, fetch
        the next (or previous) pages and drop those out of view beyond the window's size."""
        table = self.query_one(DossierTable)
        cursor, top, current = table.cursor_row, table.top_row, self.selected
        window = self.window
        if target >= len(window.rows) and window.has_after:
            while target >= len(window.rows) and window.forward():
                pass
            # Keep the view and the cursor; what PageDown leaves above the new view may go.
            window.trim_front(keep_from=min(cursor, max(top, target - table.page_rows + 1)))
        elif target < 0 and window.has_before:
            shift = 0  # rows added above the old first one
            while target + shift < 0:
                added = window.backward()
                if not added:
                    break
                shift += added
            window.trim_back(keep_to=max(cursor, target + table.page_rows - 1) + shift)
        else:
            return
        self._draw(select_id=current.id if current else None, index=cursor, offset=cursor - top)

    def _draw(self, select_id: int | None = None, index: int = 0, offset: int | None = None) -> None:
        """Fill the table from the rows held: the cursor on `select_id` (else on row `index`, -1: the
        last), `offset` rows below the top of the view (None: the view from the first row)."""
        rows = self.window.rows
        table = self.query_one(DossierTable)
        table.clear()
        for row in rows:
            table.add_row(
                row.reference,
                # Plain str: RowTable never reads markup, so "Durand [/]" shows as typed.
                row.debtor_name,
                row.creditor_name,
                NATURES.get(row.nature, row.nature),
                PHASES.get(row.phase, row.phase),
                format_amount(row.balance),
                format_date(row.next_due),
                row.clerc_name,
                key=str(row.id),
            )
        if rows:
            found = next((i for i, row in enumerate(rows) if row.id == select_id), None)
            if found is None:
                found = len(rows) - 1 if index < 0 else min(index, len(rows) - 1)
            table.place(found, found if offset is None else offset)
        self._update_status()

    def _update_status(self) -> None:
        direction = "décroissant" if self.query_state.descending else "croissant"
        text = self.query_state.text.strip()
        if self.total > BROAD_MATCHES:
            found = f"plus de {format_integer(BROAD_MATCHES)} dossiers"
        else:
            found = f"{format_integer(self.total)} dossier{'s' if self.total > 1 else ''}"
        if text:
            found += f" pour « {text} »"
            if len(search_words(text)) < len(text.split()) and not any(c.isdigit() for c in text):
                found += " (mots d'une lettre ignorés)"
        status = (
            f"{found} · tri : {SORT_LABELS[self.query_state.sort]} ({direction}) · solde calculé à la dernière "
            "écriture ou la nuit ; du jour : dans le dossier"
        )
        if not self.rows:
            status = (
                f"Aucun dossier pour « {text} »."
                if text
                else f"Aucun dossier : {self.app.key_for(self, 'list.new')} pour en créer un."
            )
        show_text(self.query_one("#list-status", Static), Text(status))

    @property
    def selected(self) -> DossierRow | None:
        table = self.query_one(DossierTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # --- filter -----------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        # Characters typed faster than the query runs queue up here: one reload, for the last,
        # after those already waiting (the table is redrawn once per result, not per key).
        if not self._filter_pending:
            self._filter_pending = True
            self.call_later(self._apply_filter)

    def _apply_filter(self) -> None:
        self._filter_pending = False
        text = self.query_one("#filter", Input).value
        if text != self.query_state.text:
            self.query_state = ListQuery(text, self.query_state.sort, self.query_state.descending)
            self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(DossierTable).focus()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            self.query_one(DossierTable).focus()
        elif filter_input.value:
            filter_input.value = ""

    # --- actions ----------------------------------------------------------------------

    def action_sort(self) -> None:
        keys = list(SORT_COLUMNS)
        next_sort = keys[(keys.index(self.query_state.sort) + 1) % len(keys)]
        self.query_state = ListQuery(self.query_state.text, next_sort, False)
        self.reload()

    def action_reverse(self) -> None:
        self.query_state = ListQuery(self.query_state.text, self.query_state.sort, not self.query_state.descending)
        self.reload()

    def action_first(self) -> None:
        self.reload()

    def action_last(self) -> None:
        """The last dossier of the whole list, at the bottom of the view."""
        self.window.last(at_least=self.query_one(DossierTable).page_rows)
        self._draw(index=-1, offset=self.query_one(DossierTable).page_rows - 1)

    @on(RowTable.RowSelected, "#dossiers")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from clerc_tui.screens.dossier_view import DossierScreen

        row = self.selected
        if row is not None:
            self.app.push_screen(DossierScreen(row.id), lambda _: self.refresh_data())

    def action_agenda(self) -> None:
        """Back to the deadline dashboard underneath, or open it."""
        from clerc_tui.screens.deadlines import DeadlinesScreen

        stack = self.app.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], DeadlinesScreen):
            self.dismiss(None)
        else:
            self.app.push_screen(DeadlinesScreen())

    def action_new(self) -> None:
        from clerc_tui.screens.dossier_form import DossierFormScreen

        self.app.push_screen(DossierFormScreen(), self._after_form)

    def action_edit(self) -> None:
        from clerc_tui.screens.dossier_form import DossierFormScreen

        row = self.selected
        if row is not None:
            self.app.push_screen(DossierFormScreen(row.id), self._after_form)

    def _after_form(self, dossier_id: int | None) -> None:
        from clerc_tui.screens.dossier_view import DossierScreen

        self.refresh_data()
        if dossier_id is not None:
            self.app.push_screen(DossierScreen(dossier_id), lambda _: self.refresh_data())
