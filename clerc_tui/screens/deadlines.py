"""The deadline dashboard, the screen clerc opens on: what must be done, overdue first.

Overdue deadlines come first with a `RETARD` badge (text, not colour alone), then today's
(`AUJOURD'HUI`), then the next days under a header per day. Only a window of a few pages
lives in the table (keyset paging in SQL, screens/row_window.py): moving past either end
fetches the next or previous page and drops the farthest, so the screen paints at once and
stays small on a million deadlines; `G` goes to the last one. `m` cycles mine / everyone's / one clerc's,
`p` the procedure, `h` the horizon (7, 14, 30 days, everything open); `f` marks done and `r` moves, each
with a reason; Enter opens the dossier; `t` jumps to today; `d` opens the dossier list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from clerc_tui.rules.french import day_label, format_date
from clerc_tui.rules.vocabulary import PROCEDURES
from clerc_tui.screens.base import ClercScreen
from clerc_tui.screens.row_window import RowWindow, WindowTable
from clerc_tui.services import deadlines as deadline_service
from clerc_tui.services.context import refusal
from clerc_tui.services.deadlines import ALL_HORIZON, HORIZONS, AgendaCounts, AgendaRow
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable
from clerc_tui.widgets.text_line import show_text

# (key, title, width): 120 columns in all; long texts end with « … » (the dossier has them whole).
COLUMNS = (
    ("badge", "État", 11),
    ("due", "Échéance", 11),
    ("reference", "Dossier", 11),
    ("debtor", "Débiteur", 18),
    ("procedure", "Procédure", 14),
    ("label", "À faire", 25),
    ("basis", "Article", 16),
    ("clerc", "Clerc", 8),
    ("unverified", "NV", 2),
)
# At 80 columns (RowTable.fit_widths) État, Échéance, Dossier, Article and NV always show;
# the procedure and the clerc hide first, the debtor and « À faire » shrink; the Article keeps
# 14 cells, enough for « CPCE R211-11 ; » (an article number is never cut).
COLUMN_FIT: dict[str, ColumnFit] = {
    "procedure": {"priority": 1},
    "clerc": {"priority": 2},
    "debtor": {"priority": 3, "min_width": 10},
    "label": {"min_width": 14},
    "basis": {"min_width": 14},
}
# A waiting period that has run out is not a missed deadline: the act is now allowed (own section).
POSSIBLE = Text("POSSIBLE", style="bold green")
BADGES = {
    "overdue": Text("RETARD", style="bold reverse red"),
    "possible": POSSIBLE,
    "today": Text("AUJOURD'HUI", style="bold yellow"),
    "later": Text(""),
}
SECTION_HEADERS = {"overdue": "EN RETARD", "possible": "POSSIBLE (délais d'attente écoulés : l'acte peut être fait)"}
SUSPENDED = Text("SUSPENDU", style="bold reverse magenta")
LEGEND = "* reportée · NV : point non vérifié, date la plus sûre retenue (détail : dossier, onglet 3)"


NV_MARK = Text("NV", style="bold")


class AgendaTable(WindowTable):
    """The rows of the agenda; header rows (one per day) are skipped by the cursor."""

    BINDINGS = [
        Binding("j", "cursor_down", "Bas", show=False, id="agenda.down"),
        Binding("k", "cursor_up", "Haut", show=False, id="agenda.up"),
    ]


class DeadlinesScreen(ClercScreen):
    HELP_TITLE = "Échéances"
    BINDINGS = [
        Binding("enter", "open", "Ouvrir le dossier", id="agenda.open"),
        Binding("f", "done", "Fait", id="agenda.done"),
        Binding("r", "move", "Reporter", id="agenda.move"),
        Binding("o", "reopen", "Rouvrir", id="agenda.reopen"),
        Binding("t", "today", "Aujourd'hui", id="agenda.today"),
        Binding("m", "cycle_clerc", "Mes/toutes", id="agenda.clerc"),
        Binding("p", "cycle_procedure", "Procédure", id="agenda.procedure"),
        Binding("h", "cycle_horizon", "Horizon", id="agenda.horizon"),
        Binding("d", "dossiers", "Dossiers", id="agenda.dossiers"),
        Binding("s", "app.statistics", "Statistiques", id="agenda.statistics"),
        Binding("a", "amicable", "Relances amiables", id="agenda.amicable"),
        Binding("g", "first", "Début", show=False, id="agenda.first"),
        Binding("G", "last", "Fin", show=False, id="agenda.last"),
    ]
    # Rows per keyset page; the window holds a few pages (screens/row_window.py).
    PAGE_SIZE = 100

    def __init__(self) -> None:
        super().__init__()
        self.clerc_id: int | None = None  # set to the actor on mount: « mes échéances »
        self.procedure_id: str | None = None
        self.horizon = HORIZONS[0]
        self.window: RowWindow[AgendaRow] = RowWindow(self._fetch, self.PAGE_SIZE)
        self.entries: list[AgendaRow | None] = []  # one per table row; None for a day header
        self._last_cursor = 0
        self.counts: AgendaCounts | None = None  # after the first paint, and again when a filter changes

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="agenda-filters")
        # One line when a legal rate the étude will need is not entered (docs/law/rates.md).
        yield Static("", id="agenda-rates")
        yield AgendaTable(id="agenda", cursor_type="row", zebra_stripes=False)
        yield Static("", id="agenda-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.clerc_id = self.app.actor.user_id
        table = self.query_one(AgendaTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width, **COLUMN_FIT.get(key, {}))
        self.reload()
        table.focus()
        # After the first paint: it reads the shipped rate table once per process.
        self.call_after_refresh(self._update_rates_notice)

    @property
    def today(self) -> date:
        return self.app.today

    @property
    def has_before(self) -> bool:
        """Rows exist before the first one held."""
        return self.window.has_before

    @property
    def has_after(self) -> bool:
        """Rows exist after the last one held."""
        return self.window.has_after

    # --- data ---------------------------------------------------------------------------

    def _fetch(self, limit: int, **paging) -> list[AgendaRow]:
        return deadline_service.agenda(
            self.today, self.horizon, clerc_id=self.clerc_id, procedure_id=self.procedure_id, limit=limit, **paging
        )

    def reload(self, start: date | None = None, select_id: int | None = None) -> None:
        """Filters changed (or `g`, `t`): the first page, or the page starting at `start`."""
        try:
            if start is None:
                self.window.first(at_least=self.query_one(AgendaTable).page_rows)
            else:
                size = max(self.PAGE_SIZE, self.query_one(AgendaTable).page_rows)
                self.window.start_at(self._fetch(size + 1, start=start), size)
        except Exception as error:
            self.app.show_error(error, "agenda")
            return
        self._draw(select_id=select_id)
        self._update_filters()
        self.call_after_refresh(self._update_counts)

    def refresh_data(self) -> None:
        """Another clerc wrote (or a dialog closed): re-read the rows held from the first one's key,
        the cursor kept on its deadline (or at the same place when it is gone)."""
        selected = self.selected
        table = self.query_one(AgendaTable)
        cursor = table.cursor_row
        try:
            self.window.refresh()
        except Exception as error:
            self.app.show_error(error, "agenda")
            return
        self._draw(select_id=selected.id if selected else None, index=cursor, offset=cursor - table.top_row)
        self.call_after_refresh(self._update_counts)
        self.call_after_refresh(self._update_rates_notice)  # another clerc may have entered the rate

    def reach(self, target: int) -> None:
        """The cursor is about to move to table row `target`: past either end of the rows held,
        fetch the next (or previous) pages and drop those out of view beyond the window's size."""
        table = self.query_one(AgendaTable)
        cursor, top = table.cursor_row, table.top_row
        window = self.window
        current = self.selected
        try:
            if target >= len(self.entries) and window.has_after:
                while target >= len(self.entries) and window.forward():
                    self.entries = self._layout()
                # Keep the view and the cursor; what PageDown leaves above the new view may go.
                window.trim_front(keep_from=self._rows_before(min(cursor, max(top, target - table.page_rows + 1))))
            elif target < self._first_row() and window.has_before:
                shift = 0  # table rows added above the old first one
                while target + shift < self._first_row():
                    held = len(self.entries)
                    if not window.backward():
                        break
                    self.entries = self._layout()
                    shift += len(self.entries) - held
                last_line = max(cursor, target + table.page_rows - 1) + shift
                window.trim_back(keep_to=self._rows_before(last_line + 1) - 1)
            else:
                return
        except Exception as error:
            self.app.show_error(error, "agenda")
            return
        self._draw(select_id=current.id if current else None, index=cursor, offset=cursor - top)

    def _layout(self) -> list[AgendaRow | None]:
        """The table's rows for the rows held: a header (None) where a section or a day starts,
        judged against the row before (the window's predecessor for the first one)."""
        today = self.today
        previous = self.window.predecessor
        previous_section = previous.section(today) if previous is not None else None
        previous_day = previous.due_date if previous is not None else None
        entries: list[AgendaRow | None] = []
        for row in self.window.rows:
            section = row.section(today)
            if section in SECTION_HEADERS:
                if previous_section != section:
                    entries.append(None)
            elif row.due_date != previous_day or previous_section in SECTION_HEADERS:
                entries.append(None)
            previous_section, previous_day = section, row.due_date
            entries.append(row)
        return entries

    def _rows_before(self, line: int) -> int:
        """How many deadlines the table shows above row `line`."""
        return sum(1 for e in self.entries[: max(line, 0)] if e is not None)

    def _first_row(self) -> int:
        return next((i for i, e in enumerate(self.entries) if e is not None), 0)

    def _draw(self, select_id: int | None = None, index: int = 0, offset: int | None = None) -> None:
        """Fill the table from the rows held: the cursor on `select_id` (else on row `index`, -1: the last),
        `offset` rows below the top of the view (None: the view from the first row)."""
        self.entries = self._layout()
        table = self.query_one(AgendaTable)
        today = self.today
        table.clear()
        for i, row in enumerate(self.entries):
            if row is None:
                following = self.entries[i + 1]
                assert following is not None  # a header always comes before its first row
                section = following.section(today)
                if section in SECTION_HEADERS:
                    self._add_header(table, SECTION_HEADERS[section], f"h:{section}:{i}")
                else:
                    label = f"AUJOURD'HUI {format_date(today)}" if section == "today" else day_label(following.due_date)
                    self._add_header(table, label, f"h:{following.due_date.isoformat()}:{i}")
            else:
                self._add_row(table, row, today)
        if self.entries:
            found = None
            if select_id is not None:
                found = next((i for i, e in enumerate(self.entries) if e is not None and e.id == select_id), None)
            if found is None:
                found = len(self.entries) - 1 if index < 0 else min(index, len(self.entries) - 1)
            cursor = self._nearest_row(found, down=True)
            self._last_cursor = cursor
            table.place(cursor, cursor if offset is None else offset)
        self._update_status()

    def _add_row(self, table: AgendaTable, row: AgendaRow, today: date) -> None:
        due = format_date(row.due_date)
        if row.original_due_date is not None:
            due += "*"
        badge = BADGES[row.section(today)]
        if row.suspended_reason:
            badge = SUSPENDED  # not running yet (L412-5) or trêve hivernale (L412-6): before anything
        table.add_row(
            badge,
            due,
            row.reference,
            row.debtor_name,  # plain str: RowTable never reads markup, and cuts with « … »
            deadline_service.procedure_label(row.procedure_id),
            f"{row.label} — {row.suspended_reason}" if row.suspended_reason else row.label,
            row.basis,
            row.clerc_name,
            NV_MARK if row.unverified else "",
            key=f"d:{row.id}",
        )

    def _add_header(self, table: AgendaTable, label: str, key: str) -> None:
        # The day's label (« mardi 01/12/2026 ») takes the rest of the line: never cut.
        table.add_row("", Text(label, style="bold underline"), *[""] * (len(COLUMNS) - 2), key=key, span_from=1)

    # --- cursor -------------------------------------------------------------------------

    def _nearest_row(self, index: int, down: bool) -> int:
        """`index`, or the nearest deadline row from it in the direction of travel (else the other)."""
        step = 1 if down else -1
        probe = index
        while 0 <= probe < len(self.entries) and self.entries[probe] is None:
            probe += step
        if not 0 <= probe < len(self.entries):
            probe = index
            while 0 <= probe < len(self.entries) and self.entries[probe] is None:
                probe -= step
        return probe if 0 <= probe < len(self.entries) else index

    def _move_to_row(self, index: int, down: bool) -> None:
        """Put the cursor on `index`, or on the nearest deadline row in the direction of travel."""
        if not self.entries:
            return
        probe = self._nearest_row(index, down)
        self._last_cursor = probe
        self.query_one(AgendaTable).move_cursor(row=probe, animate=False)

    @on(RowTable.RowHighlighted, "#agenda")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        table = self.query_one(AgendaTable)
        row = event.cursor_row
        if not 0 <= row < len(self.entries) or row != table.cursor_row:
            return  # out of range, or stale (the table was refilled since)
        down = row >= self._last_cursor
        self._last_cursor = row
        if self.entries[row] is None:
            self._move_to_row(row, down=down)
        elif row > 0 and self.entries[row - 1] is None and table.top_row == row:
            table.scroll_to(y=row - 1, animate=False)  # the first row of a day: its header shows too

    @property
    def selected(self) -> AgendaRow | None:
        table = self.query_one(AgendaTable)
        if not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    # --- status lines -------------------------------------------------------------------

    def _clerc_label(self) -> str:
        if self.clerc_id is None:
            return "toutes les échéances"
        if self.clerc_id == self.app.actor.user_id:
            return f"mes échéances ({self.app.actor.name})"
        name = dict(deadline_service.clercs()).get(self.clerc_id, "?")
        return f"échéances de {name}"

    def _update_filters(self) -> None:
        procedure = deadline_service.procedure_label(self.procedure_id) if self.procedure_id else "toutes"
        if self.horizon >= ALL_HORIZON:
            horizon = "toutes les échéances ouvertes"
        else:
            end = self.today + timedelta(days=self.horizon)
            horizon = f"{self.horizon} jours (jusqu'au {format_date(end)})"
        text = (
            f"{self._clerc_label()} · procédure : {procedure} · horizon : {horizon} "
            f"· aujourd'hui : {day_label(self.today)}"
        )
        show_text(self.query_one("#agenda-filters", Static), Text(text))

    def _within(self) -> str:
        return "en tout" if self.horizon >= ALL_HORIZON else f"d'ici {self.horizon} jours"

    def _update_counts(self) -> None:
        try:
            self.counts = deadline_service.agenda_counts(
                self.today, self.horizon, clerc_id=self.clerc_id, procedure_id=self.procedure_id
            )
        except Exception as error:
            self.app.show_error(error, "agenda")
            return
        self._update_status()

    def _update_rates_notice(self) -> None:
        from clerc_tui.services.rates import legal_rate_notice

        try:
            notice = legal_rate_notice(self.today)
        except Exception as error:
            self.app.show_error(error, "taux")
            return
        widget = self.query_one("#agenda-rates", Static)
        widget.update(Text(notice or ""))
        widget.display = bool(notice)

    def _update_status(self) -> None:
        counts = self.counts
        if not self.entries:
            key = partial(self.app.key_for, self)
            widen = ", ".join(key(binding_id) for binding_id in ("agenda.clerc", "agenda.procedure", "agenda.horizon"))
            text = f"Aucune échéance ouverte {self._within()} pour ce filtre ({widen} pour l'élargir)."
        elif counts is None:
            # The counts come after the first paint: the line keeps their shape meanwhile, so that
            # its height (and the table's above it) does not change when they arrive.
            text = f"… en retard · … aujourd'hui · … à venir {self._within()} · {LEGEND}"
        else:
            possible = f" · {counts.possible} possible{'s' if counts.possible > 1 else ''}" if counts.possible else ""
            text = (
                f"{counts.overdue} en retard{possible} · {counts.today} aujourd'hui · {counts.later} à venir "
                f"{self._within()} · {LEGEND}"
            )
        show_text(self.query_one("#agenda-status", Static), Text(text))

    # --- filters ------------------------------------------------------------------------

    def action_cycle_clerc(self) -> None:
        """Mine → everyone's → each other clerc's → mine."""
        me = self.app.actor.user_id
        cycle: list[int | None] = [me, None] + [uid for uid, _name in deadline_service.clercs() if uid != me]
        position = cycle.index(self.clerc_id) if self.clerc_id in cycle else 0
        self.clerc_id = cycle[(position + 1) % len(cycle)]
        self.counts = None
        self.reload()

    def action_cycle_procedure(self) -> None:
        cycle: list[str | None] = [None, *PROCEDURES]
        position = cycle.index(self.procedure_id) if self.procedure_id in cycle else 0
        self.procedure_id = cycle[(position + 1) % len(cycle)]
        self.counts = None
        self.reload()

    def action_cycle_horizon(self) -> None:
        position = HORIZONS.index(self.horizon) if self.horizon in HORIZONS else 0
        self.horizon = HORIZONS[(position + 1) % len(HORIZONS)]
        self.counts = None
        self.reload()

    def action_first(self) -> None:
        self.reload()

    def action_last(self) -> None:
        """The last deadline of the whole agenda (this filter), at the bottom of the view."""
        try:
            self.window.last(at_least=self.query_one(AgendaTable).page_rows)
        except Exception as error:
            self.app.show_error(error, "agenda")
            return
        self._draw(index=-1, offset=self.query_one(AgendaTable).page_rows - 1)

    def action_today(self) -> None:
        """The cursor on the first deadline due today or later (loading that page if need be)."""
        before = self.window.predecessor
        index = None
        if before is None or before.due_date < self.today:  # the rows held start before today
            index = next((i for i, e in enumerate(self.entries) if e is not None and e.due_date >= self.today), None)
        if index is None and (self.has_after or self.has_before or not self.entries):
            self.reload(start=self.today)
            index = next((i for i, e in enumerate(self.entries) if e is not None and e.due_date >= self.today), None)
        if index is None:
            self.notify("Rien d'ouvert aujourd'hui ni dans l'horizon choisi pour ce filtre.", timeout=4)
            return
        self._move_to_row(index, down=True)
        # Show the day header above the row too.
        self.query_one(AgendaTable).scroll_to(y=max(index - 1, 0), animate=False)

    # --- actions ------------------------------------------------------------------------

    @on(RowTable.RowSelected, "#agenda")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from clerc_tui.screens.dossier_view import DossierScreen

        row = self.selected
        if row is not None:
            self.app.push_screen(DossierScreen(row.dossier_id), lambda _: self.refresh_data())

    def _writable_row(self) -> AgendaRow | None:
        row = self.selected
        if row is None:
            return None
        refused = refusal(self.app.actor, "write")
        if refused:
            self.notify(refused, severity="error", timeout=6)
            return None
        return row

    def action_done(self) -> None:
        from clerc_tui.screens.deadline_modals import ReasonDialog

        row = self._writable_row()
        if row is None:
            return
        actor, today = self.app.actor, self.today
        detail = f"{row.reference} · {row.debtor_name} · {row.label} · échéance du {format_date(row.due_date)}"

        def submit(reason: str):
            return deadline_service.mark_done(actor, row.id, reason, today=today, expected_version=row.version)

        self.app.push_screen(ReasonDialog("Marquer l'échéance comme faite", detail, submit), self._after_change)

    def action_move(self) -> None:
        from clerc_tui.screens.deadline_modals import MoveDialog

        row = self._writable_row()
        if row is None:
            return
        actor, today = self.app.actor, self.today
        detail = f"{row.reference} · {row.debtor_name} · {row.label} ({row.basis})"

        def submit(new_date: date, reason: str):
            return deadline_service.move(actor, row.id, new_date, reason, today=today, expected_version=row.version)

        self.app.push_screen(MoveDialog("Reporter l'échéance", detail, row.due_date, submit), self._after_change)

    def action_reopen(self) -> None:
        """A deadline marked done (the latest first, same clerc filter) is open again, with a reason."""
        from clerc_tui.screens.deadline_modals import REOPEN_EXAMPLE, DeadlinePicker, ReasonDialog

        refused = refusal(self.app.actor, "write")
        if refused:
            self.notify(refused, severity="error", timeout=6)
            return
        done = deadline_service.done_deadlines(clerc_id=self.clerc_id)
        if not done:
            self.notify("Aucune échéance faite à rouvrir pour ce filtre.", timeout=4)
            return
        by_id = {d.id: d for d in done}
        actor, today = self.app.actor, self.today

        def picked(deadline_id: int | None) -> None:
            if deadline_id is None:
                return
            deadline = by_id[deadline_id]

            def submit(reason: str):
                return deadline_service.reopen(
                    actor, deadline_id, reason, today=today, expected_version=deadline.version
                )

            detail = f"{deadline.reference} · {deadline.label} · faite le {format_date(deadline.done_on)}"
            self.app.push_screen(
                ReasonDialog("Rouvrir l'échéance", detail, submit, placeholder=REOPEN_EXAMPLE), self._after_reopen
            )

        choices = [(d.id, f"fait le {format_date(d.done_on)}  {d.reference}  {d.label}") for d in done]
        self.app.push_screen(DeadlinePicker("Quelle échéance rouvrir ?", choices), picked)

    def _after_reopen(self, result) -> None:
        if result is not None:
            self.notify(f"Échéance rouverte : {result.label}.", timeout=4)
        self.refresh_data()

    def _after_change(self, result) -> None:
        if result is None:
            self.refresh_data()  # a refusal (another clerc's edit) leaves the dialog: show the rows as they are
            return
        if result.done:
            self.notify(f"Échéance faite : {result.label}.", timeout=4)
        else:
            self.notify(f"Échéance reportée au {format_date(result.due_date)} : {result.label}.", timeout=4)
        self.refresh_data()

    def action_dossiers(self) -> None:
        from clerc_tui.screens.dossier_list import DossierListScreen

        self.app.push_screen(DossierListScreen(), lambda _: self.refresh_data())

    def action_amicable(self) -> None:
        from clerc_tui.screens.amicable import AmicableQueueScreen

        self.app.push_screen(AmicableQueueScreen(), lambda _: self.refresh_data())
