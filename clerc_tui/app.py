"""The Textual application: who is working, on which database, on which day."""

from __future__ import annotations

import gc
import logging
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer

from clerc_tui.config import load_animations, load_compact_output, load_keymap
from clerc_tui.errors import ClercError
from clerc_tui.logs import log_unexpected, setup_logging
from clerc_tui.rules.text import inert
from clerc_tui.services.context import Actor, identify
from clerc_tui.services.database import (
    data_version,
    load_every_model,
    open_database,
    sharing_report,
    shown,
    watch_other_writers,
)
from clerc_tui.terminal import compact_driver
from clerc_tui.widgets import CSS_PATHS as WIDGET_CSS

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.widget import Widget

    from clerc_tui.config import DatabaseChoice

# How often a SQLite base is asked whether another clerc committed (PRAGMA data_version: one
# read of a counter in shared memory, nothing drawn unless it changed). Once a second, so a
# colleague's payment shows within 2 s once the screen is refreshed (issue 13; 2 s polling
# measured 0.73–1.98 s). PostgreSQL is told at commit (LISTEN/NOTIFY) and not polled.
DATA_POLL_SECONDS = 1.0

# The longest keys typed after Enter (or another key that is not a character) wait for what it
# does (ClercApp.on_event); a screen that takes longer (a long computation runs in a worker)
# gets them then, as before.
TYPED_AHEAD_WAIT = 3.0
RELEASE_POLL_SECONDS = 0.005  # how often the app looks whether those keys may go

# The app-wide keys that are single letters by default: inactive on a form (a letter on a
# drop-down or a check box must never leave the typing; a modal already cuts them off).
# Ctrl+Q stays `quit`, which asks first when a form holds unsaved typing.
LETTER_ACTIONS = frozenset({"quit_key", "calculator", "payments", "remittances", "bank", "imports"})

# Once its terminal is gone (SSH connection dropped: SIGHUP, or the terminal hung up) or it is
# told to stop (SIGTERM), the app is asked to close as usual; if it has not ended this long after,
# the process ends at once. Nothing is lost: every write is one transaction, which SQLite (or the
# server) rolls back if the process dies inside it; the kernel drops the session lock.
END_GRACE_SECONDS = 2.0

# How long after the first paint the collector is run once and turned back on (_settle_start_up).
SETTLE_AFTER_PAINT_SECONDS = 0.5


@dataclass(eq=False)
class _Barrier:
    """A key that a binding handles, and the keys typed after it that wait for what it does
    (ClercApp.on_event)."""

    target: Widget | None  # the widget it was typed in
    deadline: float  # time.monotonic() after which the keys go, whatever is still queued
    held: list[events.Key] = field(default_factory=list)
    polling: bool = False  # a timer looks whether the held keys may go


class ReleaseTypedAhead(Message):
    """The keys held behind `barrier` may go (ClercApp.on_event), unless something is still
    queued where keys pass."""

    def __init__(self, barrier: _Barrier) -> None:
        super().__init__()
        self.barrier = barrier


def _waiting(pump: MessagePump) -> bool:
    """Whether `pump` (a screen, a widget) has handled all it was sent and waits for
    more: its queue empty, no callback left to run after its last message, and its task waiting
    on the queue's event (Textual 8's `textual._queue.Queue`: `get` awaits `ready_event`; asyncio's
    Event keeps its waiters). A pump not running (closed, not started) handles nothing more."""
    if pump._closed or pump._closing or pump._task is None:
        return True
    queue: Any = pump._message_queue
    if not queue.empty() or pump._next_callbacks or pump._pending_message is not None:
        return False
    return bool(getattr(queue.ready_event, "_waiters", True))


def _takes_characters(widget: Widget | None) -> bool:
    """Whether `widget` inserts a character itself, at once (Input, TextArea: their own `_on_key`)
    rather than through a binding run once the key has bubbled up to the app. Looked up among the
    modules already loaded: TextArea costs ~10 ms to import, and a widget whose class was never
    imported cannot have the focus."""
    for module, name in (("textual.widgets._input", "Input"), ("textual.widgets._text_area", "TextArea")):
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(widget, getattr(loaded, name)):
            return True
    return False


class ClercApp(App):
    TITLE = "clerc"
    CSS_PATH = [*WIDGET_CSS, "clerc.tcss"]  # each screen loads its own .tcss when first shown
    BINDINGS = [
        Binding("question_mark,f1", "help", "Aide", id="app.help"),
        Binding("q", "quit_key", "Quitter", id="app.quit"),
        Binding("c", "calculator", "Calculatrice", id="app.calculator"),
        Binding("v", "payments", "Versements", id="app.payments"),
        Binding("w", "remittances", "Reversements", id="app.remittances"),
        Binding("B", "bank", "Relevés bancaires", id="app.bank"),  # [bank] issue 16: statements to review
        Binding("i", "imports", "Import", id="app.imports"),
        # Priority: the field changes the moment Tab arrives, before the keys typed after it are
        # handed out. Without it, Tab is a key the current field passes up to the screen, and what
        # was typed ahead of that (a burst over SSH: « Lidl⇥2336 ») landed in the field left.
        Binding("tab", "focus_next", "Zone suivante", show=False, priority=True, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "Zone précédente", show=False, priority=True, id="app.focus_previous"),
        # As in every terminal program: the whole screen written again, for a terminal that was
        # reset or scrambled by something else (the compacted output skips what it thinks is shown).
        Binding("ctrl+l", "redraw", "Redessiner l'écran", show=False, priority=True, id="app.redraw"),
    ]

    def __init__(
        self,
        actor: Actor,
        today: date | None = None,
        keymap: dict[str, str] | None = None,
        warning: str | None = None,
        shared_base: bool | None = None,
        start: str = "agenda",
        animations: bool = False,
        base: str | None = None,
        now: datetime | None = None,
        compact_output: bool = False,
    ):
        # In a terminal, what is written is compacted ([display] compact_output, on unless set to
        # false): only the cells that change, colours by difference, blanks erased (terminal.py).
        super().__init__(driver_class=compact_driver() if compact_output and sys.platform != "win32" else None)
        # Off unless the user's config turns them on ([display] animations = true): a tab
        # switch animated its underline for ~300 ms, a scroll for as long, over SSH too.
        self.animation_level = "full" if animations else "none"
        # The last key a binding handled, and the keys held until what it does is done (on_event).
        self._barrier: _Barrier | None = None
        self.actor = actor
        self._fixed_today = today or (now.date() if now else None)
        self._fixed_now = now  # --now: the amicable desk's clock (contact hours), fixed for trials
        self._keymap = keymap or {}
        self._warning = warning
        # Whether to check the files of a shared base once the first screen is painted (None: not
        # at all; True: the étude's config names the base, so it is shared; False: if it looks so).
        self._shared_base = shared_base
        self._every_model = False  # make_app opens the base without the models the dashboard does not use
        self._data_version: int | None = None
        self._stop_watching: Callable[[], None] | None = None
        self.start = start
        # `base`: which base is open and what named it (run_app), so that a clerc sees at once
        # whether he is on the étude's base or on another one (--db, CLERC_DATABASE, his config).
        who = f"{actor.name} · {actor.role}" + (f" · {base}" if base else "")
        self.sub_title = inert(who, multiline=False)

    @property
    def today(self) -> date:
        """The working day: fixed by --today (tests, demos), else the calendar's."""
        return self._fixed_today or date.today()

    def now(self) -> datetime:
        """The moment: fixed by --now (tests, demos), else the clock; with --today alone, that day
        at the clock's time."""
        if self._fixed_now is not None:
            return self._fixed_now
        current = datetime.now()
        return datetime.combine(self._fixed_today, current.time()) if self._fixed_today else current

    def get_default_screen(self) -> Screen[Any]:
        """The deadline dashboard is the bottom screen; `start="dossiers"` opens on the list
        (tests, scripts). Being the first screen rather than pushed over an empty one saves a
        whole compose-and-paint at start-up."""
        if self.start == "dossiers":
            from clerc_tui.screens.dossier_list import DossierListScreen

            return DossierListScreen()
        # Only the screen shown: the dossier list (its service, its filter field) is imported on `d`.
        from clerc_tui.screens.deadlines import DeadlinesScreen

        return DeadlinesScreen()

    async def on_event(self, event: events.Event) -> None:
        """Keys typed ahead of a key that a binding handles (Enter, Backspace, Ctrl+U, an arrow,
        Échap, Ctrl+S, a letter outside a field…) wait until what that key does is done (a line
        added to the batch and the field emptied, a character deleted, a dialog closed, a form or
        a dossier opened), then go where the focus is by then. A field takes a character at once,
        but a binding runs only once its key has bubbled up to the app: without the wait, what was
        typed after it in one burst (SSH delivers such bursts) went in first, or nowhere. In the
        payment entry « 100⏎50 » recorded one payment of 10 050,00 €; in any field « xyz⌫⌫ab »
        gave « xyz », not « xab », and « Ctrl+U Durand » left it empty; « e Martin » on a dossier
        opened the form without « Martin » (tests/screens/test_type_ahead.py)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if not self._every_model:  # a key before the dashboard was painted: what it opens may need them
            self._load_every_model()
        barrier = self._barrier
        if barrier is not None:
            # Looked at only when a key comes (here, between two of the app's messages, as in
            # `on_release_typed_ahead`): a key typed alone, after the screen has settled, costs one
            # look and no timer (a timer polling after every command key cost PageUp ~0.3 ms).
            if barrier.held or not self._passed(barrier):
                barrier.held.append(event)
                self._poll(barrier)
                return
            self._barrier = None
        await self._type(event)

    async def _type(self, key: events.Key) -> None:
        """One key to where the focus is; if a binding handles it, the next ones wait for it."""
        target = self.focused
        await super().on_event(key)
        if not (key.is_printable and _takes_characters(target)):
            self._barrier = _Barrier(target, time.monotonic() + TYPED_AHEAD_WAIT)

    def _passed(self, barrier: _Barrier) -> bool:
        return self._settled(barrier.target) or time.monotonic() >= barrier.deadline

    def _poll(self, barrier: _Barrier) -> None:
        """Hand out the keys held behind `barrier` once what its key caused is done (`_settled`,
        looked at every few milliseconds from a timer), then again in the app's own queue
        (`on_release_typed_ahead`)."""
        if not barrier.polling:
            barrier.polling = True
            self._look_again(barrier)

    def _look_again(self, barrier: _Barrier) -> None:
        """`_release_if_passed` in RELEASE_POLL_SECONDS, as `set_timer` does it, but never skipped:
        Textual's timers skip a tick found late (`skip=True`), and a one-shot timer whose task was
        held up between taking its start time and its first look at the clock (another thread
        holding the GIL, a loaded machine) never fires; the held keys, and every key typed after
        them, then waited for good (the payments test once kept all its keys, under load)."""
        timer = Timer(
            self,
            RELEASE_POLL_SECONDS,
            name="release-typed-ahead",
            callback=partial(self.call_next, self._release_if_passed, barrier),
            repeat=0,
            skip=False,
        )
        timer._start()
        self._timers.add(timer)

    def _release_if_passed(self, barrier: _Barrier) -> None:
        if barrier is not self._barrier:
            return
        if self._passed(barrier):
            self.post_message(ReleaseTypedAhead(barrier))
        else:
            self._look_again(barrier)

    async def on_release_typed_ahead(self, message: ReleaseTypedAhead) -> None:
        """Decided between two of the app's messages: keys the terminal sent meanwhile are queued
        behind this one, and are held in turn, behind the others. Handed out again one by one
        from a timer, the held keys went behind them: « 45,67⏎ » typed after `v` recorded
        5,67 € (tests/screens/test_type_ahead.py)."""
        barrier = message.barrier
        if barrier is not self._barrier:
            return
        if not self._passed(barrier):
            self._look_again(barrier)
            return
        self._barrier = None
        for index, key in enumerate(barrier.held):
            if self._barrier is not None:  # a held key waits for its binding: the rest waits too
                self._barrier.held.extend(barrier.held[index:])
                self._poll(self._barrier)
                return
            await self._type(events.Key(key.key, key.character))

    def _settled(self, target: Widget | None) -> bool:
        """Whether every place a key and what it causes pass is waiting for its next message:
        the widget it was typed in and its containers (a key bubbles up to the app, which runs
        its binding), the screen shown now with all its widgets (Input.Submitted reaches the
        screen's handler; a pushed form mounts its fields and takes the focus), and the app (the
        focus moves through its queue). An empty queue is not enough: a handler that awaits
        leaves its queue empty before it is done (a key went through before the form it opened
        was there). The app itself is only asked for an empty queue: the decision is taken again
        in its own handler, between two of its messages (`on_release_typed_ahead`)."""
        if not self._message_queue.empty() or self._pending_message is not None or self._next_callbacks:
            return False
        pumps: list[MessagePump] = [*self.screen.walk_children(with_self=True)]
        if target is not None and target.is_attached:
            pumps += target.ancestors_with_self
        return all(_waiting(pump) for pump in pumps if pump is not self)

    def on_resize(self, _event: events.Resize) -> None:
        # The terminal may have reflowed or cleared its lines: the repaint that follows is written
        # in full, nothing skipped as already shown (terminal.py).
        self._forget_screen()

    def _forget_screen(self) -> None:
        forget = getattr(self._driver, "forget_screen", None)
        if forget is not None:
            forget()

    def refresh(self, *, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        """Textual passes the app's layout requests on to the screen shown, and a screen removed
        (popped, dismissed) asks one, twice: the screen back on top was laid out twice on each
        Échap, its size unchanged (Screen's resume lays out a screen whose size changed while it
        was hidden, and what changed in it meanwhile asked for its own layout). The app's own
        styles never change here (no theme switch, no `App.suspend`)."""
        if layout and self._screen_stack and self.screen.outer_size == self.size:
            layout = False
        return super().refresh(repaint=repaint, layout=layout, recompose=recompose)

    def _load_screen_css(self, screen: Screen) -> None:
        """A screen's CSS files are read when it is first pushed; Textual then restyles every
        widget of the app, of every screen of the stack: ~680 when « Abandonner la saisie ? »
        first opened over a dossier form, though form.tcss has one rule, for `LeaveConfirm`.
        Here only the widgets a new rule may style are, with what they hold (as a class toggle
        does): those whose type, id or classes, or one of their component classes, a new rule
        targets, the names `Stylesheet.apply` selects the rules it checks by. The other widgets'
        rules are the same before and after, so are their styles. A universal target restyles
        all, as Textual does (tests/screens/test_screen_css.py compares with a full restyle)."""
        stylesheet = self.stylesheet
        new = [path for path in screen.css_path if not stylesheet.has_source(str(path), "")]
        if not new or screen.CSS or self.css_monitor is not None:
            super()._load_screen_css(screen)
            return
        known = len(stylesheet.rules)
        for path in new:
            stylesheet.read(path)
        stylesheet.reparse()  # the new sources come last: their rules too
        targets: set[str] = set().union(*(rule.selector_names for rule in stylesheet.rules[known:]))
        if "*" in targets:
            stylesheet.update(self)
            return
        restyled: list[DOMNode] = []
        chosen: set[int] = set()
        for node in self.walk_children(with_self=True):
            if (
                id(node._parent) in chosen
                or not targets.isdisjoint(node._selector_names)
                or any(f".{name}" in targets for name in node._get_component_classes())
            ):
                chosen.add(id(node))
                restyled.append(node)
        stylesheet.update_nodes(restyled)

    def action_redraw(self) -> None:
        """Ctrl+L: every cell of the screen written again, whatever the terminal is thought to show."""
        self._forget_screen()
        self.screen.refresh(repaint=True)

    def on_mount(self) -> None:
        # The models the dashboard does not use, with their back-references (services.database.
        # load_every_model), once it is painted; before anything else that comes after the paint.
        self.call_after_refresh(self._load_every_model)
        if self._keymap:
            from clerc_tui.config import check_keymap

            keymap, problems = check_keymap(self._keymap, binding_places())
            self.set_keymap(keymap)
            if problems:
                self.notify(
                    "Raccourcis du fichier de configuration ([keymap]) : " + " ; ".join(problems) + ".",
                    severity="warning",
                    timeout=15,
                )
        if self._warning or self._shared_base is not None:
            self.call_after_refresh(self._warn_at_start)
        self._data_version = data_version()
        if self._data_version is not None:  # SQLite: no notice of other writers but this counter
            self.set_interval(DATA_POLL_SECONDS, self._poll_other_writers)
        else:  # PostgreSQL tells: LISTEN/NOTIFY (docs/postgresql.md)
            self._stop_watching = watch_other_writers(self._told_of_other_writers)
        self.call_after_refresh(self._check_plans)
        if not self.is_headless:
            self.call_after_refresh(self.set_timer, SETTLE_AFTER_PAINT_SECONDS, self._settle_start_up)

    def _settle_start_up(self) -> None:
        """Shortly after the first paint (not before: a collection holds the interpreter, and the
        thread writing the first screen would wait for it), the start-up's garbage is collected and
        the objects left (modules, widgets, catalogue) are kept for good: the collector stops walking
        them, which halved its longest pause while walking the dashboard (58 → 27 ms,
        bench/bench_windows.py). Then it runs again: `clerc` turned it off until now
        (cli/options.open_app). Not in tests: each app's leftovers would stay frozen in the test
        process."""
        gc.collect()
        gc.freeze()
        gc.enable()

    def _load_every_model(self) -> None:
        if not self._every_model:
            load_every_model()
            self._every_model = True

    def _warn_at_start(self) -> None:
        """The start-up's warnings, in one notice, once the first screen is painted: config problems,
        and what in a shared base's files would lock a clerc out (the users' query and the files'
        checks are not on the way to the first paint)."""
        layout = None
        if self._shared_base is not None:
            try:
                layout = sharing_report(expected=self._shared_base)
            except Exception as error:
                self.show_error(error, "droits de la base partagée")
        warnings = "\n".join(w for w in (self._warning, layout) if w)
        if warnings:
            self.notify(warnings, severity="warning", timeout=10)

    def _check_plans(self) -> None:
        """Start of day: the payment plans' defaults and completions (services/plans.check_at_start),
        off the UI thread, on its own connection; what it found is said in a notice."""
        from clerc_tui.services.background import on_own_connection
        from clerc_tui.services.plans import any_in_force, check_at_start

        # Most starts have no plan in force: asked first here, one indexed read on the app's
        # connection, instead of a thread and a second connection each time (on PostgreSQL a
        # connection is a server process: ~100 ms). An error is left to the worker, which meets
        # it again and says so as before.
        try:
            if not any_in_force():
                return
        except Exception:
            pass
        today = self.today

        def work() -> None:
            severity: SeverityLevel
            try:
                result = on_own_connection(partial(check_at_start, today))
            except ClercError as error:
                message, severity = f"Échéanciers non vérifiés : {error.message}", "warning"
            else:
                if result is None or not (result.defaults or result.completed):
                    return
                lines = [text for _, text in result.defaults + result.completed]
                message, severity = "Échéanciers : " + " ; ".join(lines[:5]), "information"
                if len(lines) > 5:
                    message += f" ; et {len(lines) - 5} autre(s) (clerc plans check)"
            with suppress(RuntimeError):  # the app closed meanwhile
                self.call_from_thread(self.notify, message, severity=severity, timeout=15)

        self.run_worker(work, thread=True, group="plans", exit_on_error=False)

    def _poll_other_writers(self) -> None:
        """SQLite bumps data_version when another connection commits: show their changes."""
        version = data_version()
        if version != self._data_version:
            self._data_version = version
            self._other_writers_committed()

    def _told_of_other_writers(self) -> None:
        """From the listening thread (PostgreSQL): refresh on the app's own thread."""
        with suppress(RuntimeError):  # the app is closing: nothing left to refresh
            self.call_from_thread(self._other_writers_committed)

    def _other_writers_committed(self) -> None:
        if not self.screen_stack:  # a notice that arrives while the app closes: nothing left to refresh
            return
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is None:
            return
        try:
            refresh()
        except NoMatches:
            # The notice landed while the screen is being built or taken down: some of its
            # widgets are not there. A screen being built reads fresh data when it is mounted; one
            # taken down has nothing to show. Logged, never raised in the listening thread.
            logging.getLogger("clerc").info("changement d'un collègue ignoré : écran %s incomplet", self.screen)

    def on_unmount(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast of clerc is plain text: its messages quote names, reasons, paths typed
        by users, so markup is never parsed (`[/]` in a reason no longer raises inside the
        toast) and control characters are shown as placeholders."""
        super().notify(inert(message), title=inert(title), severity=severity, timeout=timeout, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A modal already cuts the app's (non-priority) keys off (Textual's modal binding chain).
        # The mark, not `screens.form.is_form`: that module (TextArea…) costs ~10 ms, and the key
        # bar asks this before the first paint.
        return not (action in LETTER_ACTIONS and getattr(self.screen, "IS_FORM", False))

    def action_quit_key(self) -> None:
        """`q` (outside forms and modals)."""
        self.exit()

    async def action_quit(self) -> None:
        """Ctrl+Q: quits at once, unless a form of the stack holds unsaved typing (then asks)."""
        from clerc_tui.screens.form import LeaveConfirm, is_form

        dirty = [s for s in self.screen_stack if is_form(s) and s.dirty]
        if not dirty:
            self.exit()
            return
        if isinstance(self.screen, LeaveConfirm):
            return
        details = "\n".join(d for d in (s.unsaved_detail() for s in dirty) if d)
        self.push_screen(
            LeaveConfirm("Abandonner la saisie et quitter clerc ?", details), lambda ok: self.exit() if ok else None
        )

    def action_help(self) -> None:
        from clerc_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_calculator(self) -> None:
        from clerc_tui.screens.calculator import CalculatorScreen

        if not isinstance(self.screen, CalculatorScreen):
            self.push_screen(CalculatorScreen())

    def action_payments(self) -> None:
        """Payment entry; from a dossier, that dossier is already filled in."""
        from clerc_tui.screens.payment_entry import PaymentEntryScreen

        if isinstance(self.screen, PaymentEntryScreen):
            return
        dossier_id = getattr(self.screen, "dossier_id", None)
        reference = ""
        if dossier_id is not None:
            from clerc_tui.services.dossiers import dossier_reference

            reference = dossier_reference(dossier_id) or ""
        self.push_screen(PaymentEntryScreen(reference))

    def action_amicable(self) -> None:
        from clerc_tui.screens.amicable import AmicableQueueScreen

        self.push_screen(AmicableQueueScreen())

    def action_remittances(self) -> None:
        """What is due to each creditor, and the run that pays them back."""
        from clerc_tui.screens.remittances import CreditorRemittanceScreen, RemittancesScreen

        if not isinstance(self.screen, (RemittancesScreen, CreditorRemittanceScreen)):
            self.push_screen(RemittancesScreen())

    def action_statistics(self) -> None:
        """The étude's statistics: collections, recovery rates, deadlines per clerc."""
        from clerc_tui.screens.statistics import StatisticsScreen

        if not isinstance(self.screen, StatisticsScreen):
            self.push_screen(StatisticsScreen())

    def action_creditor_report(self) -> None:
        """The report to one creditor over a period (table, charts, CSV/PDF)."""
        from clerc_tui.screens.statistics import CreditorReportScreen

        if not isinstance(self.screen, CreditorReportScreen):
            self.push_screen(CreditorReportScreen())

    def action_bank(self) -> None:
        """Bank statements: import one, review its credits, record the confirmed ones."""
        from clerc_tui.screens.bank import BankReviewScreen

        if not isinstance(self.screen, BankReviewScreen):
            self.push_screen(BankReviewScreen())

    def action_imports(self) -> None:
        """A creditor's file of debts imported (screens/imports.py)."""
        from clerc_tui.screens.imports import ImportScreen

        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen())

    def action_command_palette(self) -> None:
        # Imported here: textual.command costs ~20 ms, not worth paying before the first paint.
        from textual.command import CommandPalette

        from clerc_tui.screens.palette import FrenchCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(FrenchCommandPalette(id="--command-palette"))

    def action_change_theme(self) -> None:
        from textual.theme import ThemeProvider

        from clerc_tui.screens.palette import FrenchCommandPalette

        self.push_screen(FrenchCommandPalette(providers=[ThemeProvider], placeholder="Rechercher un thème…"))

    def get_key_display(self, binding: Binding) -> str:
        """Every key shown (key bar, help, messages) in French: « Ctrl+Pg préc. », « Échap »."""
        from clerc_tui.widgets.key_bar import key_label

        return binding.key_display or key_label(binding.key)

    def key_for(self, node: DOMNode | type[DOMNode], binding_id: str) -> str:
        """The keys, in French (« Maj+I », « o / Entrée »), that run the binding `binding_id` where
        `node` is: the user's [keymap] if it moves that binding, else the binding's, found on `node`,
        its ancestors or the app (or on the class given, for a screen not yet shown). A hint in a
        screen's text (« Maj+I : détail des intérêts ») names its key through this, so that it
        cannot send the clerc to another action when a key changes, in the code or the keymap."""
        from clerc_tui.widgets.key_bar import key_label

        keys = self._keymap.get(binding_id)  # as App.set_keymap normalised it
        if keys is None:
            owners = [node] if isinstance(node, type) else [type(place) for place in node.ancestors_with_self]
            keys = next(  # as declared, « o,enter » (Binding.make_bindings would split it)
                (
                    binding.key
                    for owner in owners
                    for cls in owner.__mro__
                    for binding in vars(cls).get("BINDINGS", ())
                    if isinstance(binding, Binding) and binding.id == binding_id
                ),
                None,
            )
        if keys is None:
            raise LookupError(f"no binding {binding_id!r} above {node!r}")
        return " / ".join(key_label(key) for key in keys.split(","))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies): say how to, in French."""
        keys = [
            self.get_key_display(active.binding)
            for active in self.active_bindings.values()
            if active.binding.action in ("quit", "app.quit", "quit_key", "app.quit_key")
        ]
        if keys:
            self.notify(f"Pour quitter clerc : {' ou '.join(dict.fromkeys(keys))}.", title="Quitter ?")

    def action_french_screenshot(self) -> None:
        from clerc_tui.paths import exports_dir

        try:
            folder = exports_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = self.save_screenshot(path=str(folder))
        except OSError as error:
            self.notify(f"Capture d'écran impossible : {error.strerror or error}.", severity="error")
            return
        self.notify(f"Capture d'écran enregistrée : {path}", title="Capture d'écran")

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        """The palette's commands, in French (Textual's own are English: not yielded)."""
        from clerc_tui.screens.deadlines import DeadlinesScreen
        from clerc_tui.screens.statistics import StatisticsScreen

        def keyed(text: str, binding_id: str, node: DOMNode | type[DOMNode] = screen, where: str = "") -> str:
            """`text (key)`, or `text (key sur where)` for a key of another screen, as the keymap has it."""
            return f"{text} ({self.key_for(node, binding_id)}{f' sur {where}' if where else ''})"

        yield SystemCommand(
            "Touches", keyed("Les touches de l'écran en cours et leur identifiant", "app.help"), self.action_help
        )
        yield SystemCommand("Quitter", "Quitter clerc", self.action_quit)
        if screen.maximized is not None:
            yield SystemCommand("Réduire", "Rendre sa taille à la zone agrandie", screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand("Agrandir", "Agrandir la zone en cours à tout l'écran", screen.action_maximize)
        yield SystemCommand("Thème", "Changer les couleurs de l'application", self.action_change_theme)
        yield SystemCommand(
            "Capture d'écran", "Enregistrer l'écran en SVG dans le dossier des exports", self.action_french_screenshot
        )
        yield SystemCommand(
            "Calculatrice d'intérêts",
            keyed("Intérêts légaux, majorés, conventionnels ou L441-10, hors dossier", "app.calculator"),
            self.action_calculator,
        )
        yield SystemCommand(
            "Reversements aux créanciers",
            keyed("Ce qui est dû à chaque créancier, reverser, fichier des virements", "app.remittances"),
            self.action_remittances,
        )
        yield SystemCommand(
            "Statistiques",
            keyed(
                "Encaissements par mois, recouvrement par créancier, échéances par clerc",
                "agenda.statistics",
                DeadlinesScreen,
                "l'écran des échéances",
            ),
            self.action_statistics,
        )
        yield SystemCommand(
            "Rapport créancier",
            keyed(
                "Un créancier, une période : dossiers, encaissé, reversé, solde, CSV/PDF",
                "stats.creditor_report",
                StatisticsScreen,
                "l'écran des statistiques",
            ),
            self.action_creditor_report,
        )
        yield SystemCommand(
            "Relevés bancaires",
            keyed("Importer un relevé, rapprocher les crédits des dossiers, enregistrer", "app.bank"),
            self.action_bank,
        )
        yield SystemCommand(
            "Import de dossiers d'un créancier",
            keyed("Un fichier CSV ou XLSX de créances : vérification ligne à ligne, puis import", "app.imports"),
            self.action_imports,
        )
        yield SystemCommand(
            "Relances amiables du jour",
            keyed(
                "Ce que les scénarios prévoient aujourd'hui, par canal : aperçu, envoi, campagne",
                "agenda.amicable",
                DeadlinesScreen,
                "l'écran des échéances",
            ),
            self.action_amicable,
        )
        if getattr(screen, "action_amicable_enrol", None) is not None:  # the dossier screen
            for title, help_text, action in (
                (
                    "Relance amiable : inscrire",
                    "Le dossier suit le scénario de son créancier ou de sa nature",
                    "enrol",
                ),
                (
                    "Relance amiable : bloquer ou reprendre",
                    "Motif, et jusqu'à quand ; reprend seule ensuite",
                    "pause",
                ),
                ("Relance amiable : étape suivante", "Passer l'étape en cours, avec le motif", "advance"),
                ("Relance amiable : sortir", "Le dossier ne suit plus de scénario", "out"),
            ):
                command = getattr(screen, f"action_amicable_{action}")
                yield SystemCommand(title, keyed(help_text, f"dossier.amicable_{action}"), command)
        measures = getattr(screen, "action_measures", None)  # the dossier screen (screens/solvency.py)
        if measures is not None:
            yield SystemCommand(
                "Mesures recommandées",
                keyed("La prochaine mesure sur ce dossier, expliquée", "dossier.measures"),
                measures,
            )
            yield SystemCommand(
                "Solvabilité du débiteur",
                keyed("Emploi, revenus, comptes, véhicules, biens : date et source de chacun", "dossier.tab_solvency"),
                partial(screen.action_tab, "solvabilite"),  # type: ignore[attr-defined]
            )

    def show_error(self, error: Exception, context: str) -> None:
        """A refusal is shown as it is, so is a base that is locked or read-only; anything
        else is logged and summed up in French."""
        from clerc_tui.services.database import explain_database_error

        error = explain_database_error(error) or error
        if isinstance(error, ClercError):
            self.notify(error.message, severity="error", timeout=8)
        else:
            self.notify(log_unexpected(context, error), severity="error", timeout=12)

    def _handle_exception(self, error: Exception) -> None:
        # Never a traceback on the clerc's screen: log it, say it in French, keep working.
        try:
            from clerc_tui.services.database import explain_database_error

            explained = explain_database_error(error)
            if explained is not None:
                self.notify(explained.message, severity="error", timeout=12)
                return
            self.notify(log_unexpected("interface", error), severity="error", timeout=12)
        except Exception:  # the screen itself is broken: fall back to Textual's exit
            super()._handle_exception(error)


def binding_places() -> dict[str, list[Binding]]:
    """Every binding of clerc, by place (a screen with the app's keys, or a widget), for
    checking the user's keymap. Imports every screen: only done when there is a keymap."""
    import importlib
    import pkgutil

    from textual.screen import Screen
    from textual.widget import Widget

    import clerc_tui.screens
    import clerc_tui.widgets

    app_bindings = list(Binding.make_bindings(ClercApp.BINDINGS))
    places: dict[str, list[Binding]] = {"application": app_bindings}
    for package in (clerc_tui.screens, clerc_tui.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Widget)
                    and value.__module__ == module.__name__
                    and "BINDINGS" in vars(value)
                ):
                    own = list(Binding.make_bindings(value.BINDINGS))
                    place = getattr(value, "HELP_TITLE", value.__name__)
                    places[place] = own + app_bindings if issubclass(value, Screen) else own
    return places


class TerminalWatch:
    """Ends clerc when nobody is left to use it: a clerc whose SSH connection drops must not
    keep the base's session lock (services/sessions.py), which blocks `clerc restore` and
    `clerc migrate`, nor spin on a dead terminal.

    Textual 8.2.8 handles neither: it installs no SIGHUP handler (a clerc started under
    `nohup`, or by a program that ignores hang-ups, inherits SIG_IGN and lives on), and once the
    terminal is hung up its input thread reads end-of-file in a loop (~75 % of a core, Textual
    pull request 6690) while its output thread has died on EIO, so the app never learns. Here one
    thread waits, at no cost, for SIGHUP or SIGTERM (told through a pipe by their handlers) or for
    the terminal to hang up (`poll`: POLLHUP/POLLERR on stdin, stdout, stderr). Then it asks the
    app to exit as `q` does (which puts the terminal back when it is still there), and ends the
    process after END_GRACE_SECONDS if that exit is stuck on a terminal nobody reads. Exit code
    128 + the signal's number (129 for a hang-up)."""

    SIGNALS = (signal.SIGHUP, signal.SIGTERM)

    def __init__(self, app: App[Any], grace: float = END_GRACE_SECONDS) -> None:
        self.app, self.grace = app, grace
        self._wake, self._tell = os.pipe()
        os.set_blocking(self._tell, False)
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> TerminalWatch:
        for number in self.SIGNALS:
            self._previous[number] = signal.signal(number, self._signalled)
        threading.Thread(target=self._watch, name="clerc-terminal", daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._send(0)  # the app has ended: the watch stops (unless it is already ending it)

    def _signalled(self, number: int, _frame: object) -> None:
        self._send(number)  # nothing else in a signal handler: the watching thread does the rest

    def _send(self, number: int) -> None:
        with suppress(OSError):
            os.write(self._tell, bytes([number]))

    def _watch(self) -> None:
        poller = select.poll()
        poller.register(self._wake, select.POLLIN)
        for fd in {0, 1, 2}:
            with suppress(OSError):
                if os.isatty(fd):
                    poller.register(fd, 0)  # hang-up and error are reported whatever the mask
        while True:
            for fd, happened in poller.poll():
                if fd == self._wake:
                    number = os.read(self._wake, 1)[0]
                    if number == 0:
                        return
                    return self._end(128 + number, signal.Signals(number).name)
                if happened & (select.POLLHUP | select.POLLERR):
                    return self._end(128 + signal.SIGHUP, "terminal fermé")
                poller.unregister(fd)  # POLLNVAL: not a descriptor any more, never a loop

    def _end(self, code: int, why: str) -> None:
        logging.getLogger("clerc").warning("clerc s'arrête (%s) : processus %d", why, os.getpid())
        # From another thread: call_from_thread waits for the app's loop, which may itself be
        # waiting on a write to a terminal nobody reads.
        threading.Thread(target=self._ask_exit, args=(code,), daemon=True).start()
        threading.Event().wait(self.grace)
        logging.getLogger("clerc").warning("clerc arrêté sans attendre la fin de l'affichage (%s)", why)
        os._exit(code)

    def _ask_exit(self, code: int) -> None:
        with suppress(Exception):  # the app is already closing: its loop may be gone
            self.app.call_from_thread(self.app.exit, None, code)


def run_app(choice: DatabaseChoice, today: date | None = None, now: datetime | None = None) -> int:
    """Open the database, identify the user and run the app (the `clerc` command)."""
    from clerc_tui.paths import set_umask

    set_umask()  # what the app creates (exports, log, -wal/-shm folders) is the group's: paths.UMASK
    setup_logging()
    app = make_app(choice, today, now)
    with TerminalWatch(app):
        app.run()
    return app.return_code or 0


def make_app(choice: DatabaseChoice, today: date | None = None, now: datetime | None = None) -> ClercApp:
    """The app on the chosen base, as `clerc` opens it: the user identified, his keymap, and the
    warnings of start-up (config problems; a shared base whose permissions lock clercs out, checked
    once the first screen is painted: ClercApp._warn_at_start)."""
    open_database(choice.target, every_model=False)  # the rest once the dashboard is painted
    actor = identify()
    keymap, warning = load_keymap()
    animations, display_warning = load_animations()
    compact_output, output_warning = load_compact_output()
    warnings = "\n".join(w for w in (warning, display_warning, output_warning) if w) or None
    return ClercApp(
        actor,
        today=today,
        now=now,
        keymap=keymap,
        warning=warnings,
        shared_base=choice.source == "system_config",
        animations=animations,
        compact_output=compact_output,
        base=f"{shown(choice.target)} ({choice.origin})",
    )
