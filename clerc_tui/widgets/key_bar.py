"""The bottom line: the keys of the current screen, drawn as one line of text.

Textual's Footer mounts a widget per key and cost ~60 ms of the first paint (measured on
the deadline dashboard); this bar shows the same keys (those with `show=True`, after the
user's keymap) for the price of one Static.
"""

from rich.text import Text
from textual.widgets import Static

# Textual's own bindings come with English descriptions: said in French here, by action.
ACTION_LABELS = {
    "focus_next": "Zone suivante",
    "focus_previous": "Zone précédente",
    "app.focus_next": "Zone suivante",
    "app.focus_previous": "Zone précédente",
    "copy_text": "Copier la sélection",
    "screen.copy_text": "Copier la sélection",
    "quit": "Quitter",
    "quit_key": "Quitter",
    "command_palette": "Palette de commandes",
    "app.command_palette": "Palette de commandes",
    "help_quit": "Comment quitter",
    "scroll_up": "Défiler vers le haut",
    "scroll_down": "Défiler vers le bas",
    "scroll_left": "Défiler à gauche",
    "scroll_right": "Défiler à droite",
    "scroll_home": "Début",
    "scroll_end": "Fin",
    "page_up": "Page précédente",
    "page_down": "Page suivante",
    "page_left": "Page à gauche",
    "page_right": "Page à droite",
}
# ...and by description where the action is also one of ours (`dismiss`: the Select's list).
TEXTUAL_DESCRIPTIONS = {
    "Dismiss menu": "Fermer la liste",
    "Exit the command palette": "Fermer la palette",
    "Show options": "Ouvrir la liste",
}


def binding_label(binding) -> str:
    """What a binding does, in French, whoever defined it (clerc or Textual)."""
    return (
        TEXTUAL_DESCRIPTIONS.get(binding.description)
        or ACTION_LABELS.get(binding.action)
        or binding.description
        or binding.action
    )


class KeyBar(Static):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def _draw(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        seen = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            line.append(f" {key} ", style="bold reverse" if enabled else "dim reverse")
            line.append(f" {binding_label(binding)}  ", style="" if enabled else "dim")
        line.append(" ^p ", style="bold reverse")
        line.append(" palette")
        self.update(line)
