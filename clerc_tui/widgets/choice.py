"""A drop-down list whose list is built the first time it is opened.

Textual's `Select` composes, at mount, the closed control (`SelectCurrent`) and its list
(`SelectOverlay`, an `OptionList` holding every option), hidden until the list is opened. The
list costs at each opening of a form: a widget registered and styled with its five component
classes (each one styled as a node of its own), restyled whenever the control's classes change,
its options made and its highlight moved at each value set; most drop-downs of a form are never
opened. `Choice` is that `Select` (same keys, look, messages, values), its list mounted when first
opened, exactly as Textual would have left it by then (options, highlight), and kept from then on.
Its closed control is also given at once the class (`-has-value`) that Select's mount gives it
just after styling it and its three parts: styled once, not twice.

Textual 8.2.8: the methods overridden here are those of `Select` that reach the list; each does
what Textual's does when the list exists, and nothing with the list when it does not yet.
tests/widgets/test_choice.py compares a `Choice` with Textual's `Select`, key by key and frame by
frame, and fails if Textual's `Select` changes (the source of the methods replaced is pinned).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Select
from textual.widgets._option_list import Option
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay, SelectType

from clerc_tui.widgets.inert import inert_renderable

if TYPE_CHECKING:
    from textual.app import ComposeResult


def _inert(options: Iterable[tuple[RenderableType, SelectType]]) -> list[tuple[RenderableType, SelectType]]:
    """Prompts as text, never markup: Select reads a `str` prompt as Textual markup, so a clerc
    named « [link=…] » stopped the dossier form (MarkupError) and « [bold]… » was drawn bold;
    control characters drawn as placeholders (widgets/inert.py). Text prompts are searched as
    str ones are (type to search)."""
    return [(inert_renderable(p) if isinstance(p, str | Text) else p, value) for p, value in options]


class Choice(Select[SelectType]):
    def __init__(self, options: Iterable[tuple[RenderableType, SelectType]], **kwargs: Any) -> None:
        super().__init__(_inert(options), **kwargs)

    def set_options(self, options: Iterable[tuple[RenderableType, SelectType]]) -> None:
        super().set_options(_inert(options))

    def compose(self) -> ComposeResult:
        current = SelectCurrent(self.prompt)
        if self._value != self.NULL or not self._allow_blank:
            # What the value set at mount makes it (SelectCurrent.update): styled once, not twice.
            current.set_reactive(SelectCurrent.has_value, True)
            current.add_class("-has-value", update=False)
        yield current

    def _overlay(self) -> SelectOverlay | None:
        return next(iter(self.query_children(SelectOverlay).results(SelectOverlay)), None)

    def _build_overlay(self) -> SelectOverlay:
        """The list, as Select's compose and mount make it; opening it highlights the value."""
        overlay = self._overlay()
        if overlay is None:
            overlay = SelectOverlay(type_to_search=self._type_to_search)
            overlay.compact = self.compact  # Select binds it to its own (data_bind) in compose
            overlay.add_options(self._option_prompts())
            self.mount(overlay)
        return overlay

    def _option_prompts(self) -> list[Option]:
        return [
            Option(Text(self.prompt, style="dim")) if value == self.NULL else Option(prompt)
            for prompt, value in self._options
        ]

    def _watch_compact(self, compact: bool) -> None:
        overlay = self._overlay()
        if overlay is not None:
            overlay.compact = compact

    def _setup_options_renderables(self) -> None:
        overlay = self._overlay()
        if overlay is not None:
            overlay.clear_options()
            overlay.add_options(self._option_prompts())

    def _watch_value(self, value: SelectType | NoSelection) -> None:
        self._value = value
        current = next(iter(self.query_children(SelectCurrent).results(SelectCurrent)), None)
        if current is None:
            return
        if value == self.NULL:
            current.update(self.NULL)
        else:
            for index, (prompt, option_value) in enumerate(self._options):
                if option_value == value:
                    overlay = self._overlay()
                    if overlay is not None:
                        overlay.highlighted = index
                    current.update(prompt)
                    break
        self.post_message(self.Changed(self, value))

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded:
            self._build_overlay()
        super()._watch_expanded(expanded)

    def action_show_overlay(self) -> None:
        self._build_overlay()
        super().action_show_overlay()

    def _watch_prompt(self, prompt: str) -> None:
        if not self.is_mounted:
            return
        current = self.query_one(SelectCurrent)
        current.placeholder = prompt
        if not self._allow_blank:
            return
        if self.value == self.NULL:
            current.update(self.NULL)
        overlay = self._overlay()
        if overlay is not None:
            overlay.replace_option_prompt_at_index(0, Text(prompt, style="dim"))
