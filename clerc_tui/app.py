"""The Textual application: who is working, on which database, on which day."""

from datetime import date

from textual.app import App, SystemCommand
from textual.binding import Binding

from clerc_tui.config import load_keymap
from clerc_tui.errors import ClercError
from clerc_tui.logs import log_unexpected, setup_logging
from clerc_tui.models.db import database, is_sqlite, open_database
from clerc_tui.services.context import Actor, identify

DATA_POLL_SECONDS = 2.0


class ClercApp(App):
    TITLE = "clerc"
    CSS_PATH = "clerc.tcss"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Aide", id="app.help"),
        Binding("q", "quit", "Quitter", id="app.quit"),
        Binding("c", "calculator", "Calculatrice", id="app.calculator"),
        Binding("v", "payments", "Versements", id="app.payments"),
        Binding("w", "remittances", "Reversements", id="app.remittances"),
    ]

    def __init__(self, actor: Actor, today: date | None = None, keymap: dict[str, str] | None = None,
                 warning: str | None = None, start: str = "agenda"):
        super().__init__()
        self.actor = actor
        self._fixed_today = today
        self._keymap = keymap or {}
        self._warning = warning
        self._data_version = None
        self.start = start
        self.sub_title = f"{actor.name} · {actor.role}"

    @property
    def today(self) -> date:
        """The working day: fixed by --today (tests, demos), else the calendar's."""
        return self._fixed_today or date.today()

    def get_default_screen(self):
        """The deadline dashboard is the bottom screen; `start="dossiers"` opens on the list
        (tests, scripts). Being the first screen rather than pushed over an empty one saves a
        whole compose-and-paint at start-up."""
        from clerc_tui.screens.deadlines import DeadlinesScreen
        from clerc_tui.screens.dossier_list import DossierListScreen

        return DossierListScreen() if self.start == "dossiers" else DeadlinesScreen()

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        if self._warning:
            self.notify(self._warning, severity="warning", timeout=10)
        if is_sqlite():
            self._data_version = self._read_data_version()
            self.set_interval(DATA_POLL_SECONDS, self._poll_other_writers)

    def _read_data_version(self) -> int:
        return database.execute_sql("PRAGMA data_version").fetchone()[0]

    def _poll_other_writers(self) -> None:
        """SQLite bumps data_version when another connection commits: show their changes."""
        version = self._read_data_version()
        if version != self._data_version:
            self._data_version = version
            refresh = getattr(self.screen, "refresh_data", None)
            if refresh is not None:
                refresh()

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
            from clerc_tui.models import Dossier

            row = Dossier.get_or_none(Dossier.id == dossier_id)
            reference = row.reference if row else ""
        self.push_screen(PaymentEntryScreen(reference))

    def action_remittances(self) -> None:
        """What is due to each creditor, and the run that pays them back."""
        from clerc_tui.screens.remittances import CreditorRemittanceScreen, RemittancesScreen

        if not isinstance(self.screen, (RemittancesScreen, CreditorRemittanceScreen)):
            self.push_screen(RemittancesScreen())

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Calculatrice d'intérêts", "Intérêts légaux, majorés, conventionnels ou L441-10, hors dossier",
                            self.action_calculator)
        yield SystemCommand("Reversements aux créanciers", "Ce qui est dû à chaque créancier, reverser, fichier des "
                            "virements", self.action_remittances)

    def show_error(self, error: Exception, context: str) -> None:
        """A refusal is shown as it is; anything else is logged and summed up in French."""
        if isinstance(error, ClercError):
            self.notify(error.message, severity="error", timeout=8)
        else:
            self.notify(log_unexpected(context, error), severity="error", timeout=12)

    def _handle_exception(self, error: Exception) -> None:
        # Never a traceback on the clerc's screen: log it, say it in French, keep working.
        try:
            self.notify(log_unexpected("interface", error), severity="error", timeout=12)
        except Exception:  # the screen itself is broken: fall back to Textual's exit
            super()._handle_exception(error)


def run_app(database_url: str, today: date | None = None) -> int:
    """Open the database, identify the user and run the app (the `clerc` command)."""
    setup_logging()
    open_database(database_url)
    actor = identify()
    keymap, warning = load_keymap()
    app = ClercApp(actor, today=today, keymap=keymap, warning=warning)
    app.run()
    return app.return_code or 0
