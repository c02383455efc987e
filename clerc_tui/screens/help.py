"""`?`: the keys of the screen underneath, as they are bound now (keymap included)."""

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from clerc_tui.screens.base import ClercModal
from clerc_tui.widgets.key_bar import binding_label, key_label


class HelpScreen(ClercModal):
    HELP_TITLE = "Aide"
    BINDINGS = [
        Binding("escape", "dismiss", "Fermer", id="help.close"),
        Binding("question_mark", "dismiss", "Fermer", show=False, id="help.close_again"),
        Binding("q", "dismiss", "Fermer", show=False, id="help.close_q"),
    ]

    def __init__(self, target: Screen):
        super().__init__()
        self.target = target
        self.entries = self._entries()

    def _entries(self) -> list[tuple[str, str, str]]:
        """(key, what it does, binding id) for every key active on the target screen."""
        entries, seen = [], set()
        for key, active in self.target.active_bindings.items():
            binding = active.binding
            marker = (binding.id or binding.action, key)
            if marker not in seen:
                seen.add(marker)
                label = binding_label(binding)
                entries.append((key_label(key), label, binding.id or ""))
        if not any(label == "Palette de commandes" for _, label, _ in entries):
            entries.append((key_label("ctrl+p"), "Palette de commandes", ""))
        # clerc's keys first (the screen's, then the app's), Textual's own (scrolling, copying) after.
        return sorted(entries, key=lambda entry: entry[2] == "")

    def compose(self) -> ComposeResult:
        table = Table(
            title=f"Raccourcis — {getattr(self.target, 'HELP_TITLE', 'écran en cours')}", expand=True, show_edge=False
        )
        table.add_column("Touche", style="bold", no_wrap=True)
        table.add_column("Action")
        table.add_column(Text("Id (pour [keymap])"), style="dim")
        for key, label, binding_id in self.entries:
            table.add_row(key, Text(label), binding_id)
        self.table = table  # drawn at the box's width: the actions wrap, nothing is cut (80 columns)
        close = ", ".join(self.app.key_for(self, i) for i in ("help.close", "help.close_again", "help.close_q"))
        with VerticalScroll(id="help-body"):
            yield Static(table)
            yield Static(
                Text(
                    f"{close} pour fermer ; flèches et Pg préc./Pg suiv. pour défiler. "
                    "Raccourcis modifiables dans la table [keymap] "
                    "du fichier config.toml (voir README).",
                    style="dim",
                )
            )
