"""The bottom line: the keys of the current screen, drawn as one line of text.

Textual's Footer mounts a widget per key and cost ~60 ms of the first paint (measured on
the deadline dashboard); this bar shows the same keys (those with `show=True`, after the
user's keymap) for the price of one Static.
"""

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.keys import format_key
from textual.screen import Screen
from textual.widgets import Static

from clerc_tui.widgets.text_line import show_text

# Key names as a French keyboard prints them (key bar, `?`, palette, messages): the one mapping of
# clerc, from Textual's names (« pageup », « escape », « ctrl+… »).
KEY_NAMES = {
    "escape": "Échap",
    "enter": "Entrée",
    "space": "Espace",
    "delete": "Suppr",
    "backspace": "Retour arr.",
    "insert": "Inser",
    "tab": "Tab",
    "pageup": "Pg préc.",
    "pagedown": "Pg suiv.",
    "home": "Début",
    "end": "Fin",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Maj", "alt": "Alt", "super": "Super", "meta": "Méta"}


def key_label(key: str) -> str:
    """« ctrl+pageup » → « Ctrl+Pg préc. », « shift+tab » → « Maj+Tab », « question_mark » → « ? »,
    « f5 » → « F5 », « G » → « Maj+G » (a capital is typed with Maj)."""
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    words = [MODIFIERS.get(m, m.capitalize()) for m in modifiers]
    if name in KEY_NAMES:
        label = KEY_NAMES[name]
    elif len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        label = name.upper()
    else:
        label = format_key(name)
        if len(label) == 1 and label.isupper():
            words.append("Maj")
        elif len(label) == 1 and modifiers:
            label = label.upper()  # « Ctrl+P », as printed on the key
    return "+".join([*dict.fromkeys(words), label])


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


def binding_label(binding: Binding) -> str:
    """What a binding does, in French, whoever defined it (clerc or Textual)."""
    return (
        TEXTUAL_DESCRIPTIONS.get(binding.description)
        or ACTION_LABELS.get(binding.action)
        or binding.description
        or binding.action
    )


# Always in the bar, however narrow: the help lists every key of the screen, the palette every command.
KEPT_ACTIONS = frozenset({"help", "app.help"})


class KeyBar(Static):
    """One line. When the keys do not all fit (80 columns), each is drawn two columns tighter and
    the last ones that still do not fit are left out whole, never cut; the help (which lists them
    all) and the palette stay at the end."""

    _drawn_for = 0  # the width the line was fitted to
    _drawn_keys: tuple[list[tuple[str, str, bool, bool]], int] | None = None  # what the line shows

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        if self.content_size.width != self._drawn_for:
            self._draw()

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def _keys(self) -> list[tuple[str, str, bool, bool]]:
        """(key, label, enabled, kept) of each key the screen shows, in the screen's order."""
        keys, seen = [], set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)  # key_label (ClercApp.get_key_display)
            keys.append((key, binding_label(binding), enabled, binding.action in KEPT_ACTIONS))
        keys.append((key_label("ctrl+p"), "palette", True, True))
        return keys

    def _draw(self) -> None:
        keys = self._keys()
        width = self._drawn_for = self.content_size.width or self.app.size.width
        if (keys, width) == self._drawn_keys:
            return  # the same keys at the same width: the same line (a focus change often leaves them)
        self._drawn_keys = (keys, width)
        pieces = [_piece(key, label, enabled) for key, label, enabled, _ in keys]
        if sum(p.cell_len for p in pieces) > width:
            pieces = _fit(
                [(_piece(key, label, enabled, tight=True), kept) for key, label, enabled, kept in keys], width
            )
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for piece in pieces:
            line.append_text(piece)
        line.rstrip()
        # The same keys (a focus change often leaves them as they were): nothing redrawn; else
        # one line of fixed height (key_bar.tcss), so no layout of the screen, which on a
        # 200-field form costs ~30 ms per focus change.
        show_text(self, line)


def _piece(key: str, label: str, enabled: bool, *, tight: bool = False) -> Text:
    """« key  label » : the key in reverse video; `tight` saves two columns (80-column bars)."""
    piece = Text()
    piece.append(f" {key} ", style="bold reverse" if enabled else "dim reverse")
    piece.append(f"{label} " if tight else f" {label}  ", style="" if enabled else "dim")
    return piece


def _fit(pieces: list[tuple[Text, bool]], width: int) -> list[Text]:
    """The kept pieces, after the screen's first keys, as many of them as fit whole beside them
    (a prefix, so that no key shows without the ones before it)."""
    room = width - sum(piece.cell_len for piece, kept in pieces if kept)
    shown, full = [], False
    for piece, kept in pieces:
        full = full or (not kept and piece.cell_len > room)
        if kept or not full:
            shown.append(piece)
            room -= 0 if kept else piece.cell_len
    return shown
